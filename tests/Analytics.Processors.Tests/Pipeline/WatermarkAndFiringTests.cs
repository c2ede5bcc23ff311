using Analytics.Ingest.Events;
using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>The watermark, window firing, corrections and too-late beacons, one scenario at a time.</summary>
public sealed class WatermarkAndFiringTests
{
    private const long T0 = 1_764_201_600_000; // a minute boundary
    private static readonly ProcessorOptions Options = new() { Windows = [TimeSpan.FromMinutes(1)], Cubes = ["delivery"] };

    private readonly CollectingOutput _output = new(Options.ResolveWindows(), Options.ResolveCubes());
    private readonly PartitionProcessor _p;
    private long _offset;

    public WatermarkAndFiringTests()
    {
        _p = new PartitionProcessor(new PartitionId("test/topic", 0), Options, _output);
    }

    [Fact]
    public void Watermark_is_the_newest_event_time_minus_the_out_of_orderness_and_never_goes_back()
    {
        Send(Beacons.Make("a", EventType.PlayRequest, T0 + 30_000));
        Assert.Equal(T0 + 20_000, _p.Watermark);
        Send(Beacons.Make("b", EventType.PlayRequest, T0 + 25_000));
        Assert.Equal(T0 + 20_000, _p.Watermark);
        Send(Beacons.Make("c", EventType.PlayRequest, T0 + 45_000));
        Assert.Equal(T0 + 35_000, _p.Watermark);
    }

    [Fact]
    public void A_window_is_written_when_the_watermark_passes_its_end_and_not_before()
    {
        Send(Beacons.Make("a", EventType.PlayRequest, T0 + 5_000));
        Send(Beacons.Make("b", EventType.PlayRequest, T0 + 69_999)); // watermark T0 + 59 999
        Assert.Empty(_output.Merged());

        Send(Beacons.Make("c", EventType.PlayRequest, T0 + 70_000)); // watermark reaches the end, T0 + 60 000
        var row = Assert.Single(_output.Merged());
        Assert.Equal(T0, row.Key.WindowStart);
        Assert.Equal(1, row.Value.Attempts);
    }

    [Fact]
    public void A_late_beacon_within_the_allowed_lateness_corrects_the_written_window()
    {
        Send(Beacons.Make("a", EventType.PlayRequest, T0 + 5_000));
        Send(Beacons.Make("b", EventType.PlayRequest, T0 + 75_000));
        Assert.Equal(1, Assert.Single(_output.Merged()).Value.Attempts);

        Send(Beacons.Make("late", EventType.PlayRequest, T0 + 10_000)); // 55 s behind the watermark
        Send(Beacons.Make("d", EventType.PlayRequest, T0 + 130_000));   // the next sweep (a pane later) writes the correction
        var window = _output.Merged().Single(r => r.Key.WindowStart == T0);
        Assert.Equal(2, window.Value.Attempts);
        Assert.True(_output.Corrections > 0);
        Assert.Equal(0, _output.StaleVersions);
        Assert.Equal(0, _p.Counters.TooLate);
    }

    [Fact]
    public void A_beacon_beyond_the_allowed_lateness_goes_to_the_late_output_with_its_lateness()
    {
        Send(Beacons.Make("a", EventType.PlayRequest, T0 + 300_000));
        var tooLate = Beacons.Make("x", EventType.PlayRequest, T0 + 100_000); // 190 s behind a watermark of T0 + 290 s
        Send(tooLate);
        var late = Assert.Single(_output.LateBeacons);
        Assert.Equal(tooLate.EventId, late.EventId);
        Assert.Equal(190_000, late.LatenessMs);
        Assert.Equal(1, _p.Counters.TooLate);
        Assert.Equal(0, _p.Counters.SessionsStarted - 1);
    }

    [Fact]
    public void Invalid_messages_are_rejected_with_their_reason_and_counted()
    {
        _p.Process(_offset++, 0, "k"u8, "{\"v\":1,"u8);
        _p.Process(_offset++, 0, "k"u8, []);
        Assert.Equal(2, _p.Counters.Invalid);
        Assert.Equal(1, _p.Counters.InvalidByReason[(int)InvalidEventReason.MalformedJson]);
        Assert.Equal(1, _p.Counters.InvalidByReason[(int)InvalidEventReason.Empty]);
        Assert.Equal([0L, 1L], _output.Rejected.Select(r => r.Offset));
    }

    [Fact]
    public void A_beacon_far_ahead_of_its_record_timestamp_is_rejected_instead_of_dragging_the_watermark()
    {
        var b = Beacons.Make("a", EventType.PlayRequest, T0 + (2 * PartitionProcessor.MaxFutureSkewMs));
        _p.Process(_offset++, T0, "a"u8, Beacons.Encode(b));
        Assert.Equal(long.MinValue, _p.Watermark);
        Assert.Equal("ts", Assert.Single(_output.Rejected).Error.Field);
    }

    [Fact]
    public void Finish_fires_every_window_and_ends_every_session()
    {
        Send(Beacons.Make("a", EventType.PlayRequest, T0 + 1_000));
        Send(Beacons.Make("a", EventType.FirstFrame, T0 + 2_500));
        _p.Finish();
        Assert.Equal(0, _p.ActiveSessions);
        Assert.Equal(0, _p.Windows.OpenWindowCount);
        var row = Assert.Single(_output.Merged());
        Assert.Equal(1, row.Value.Plays);
        Assert.Equal(1500, row.Value.StartTimeSumMs);
    }

    private void Send(PlaybackBeacon b) => _p.Process(_offset++, 0, System.Text.Encoding.UTF8.GetBytes(b.SessionId), Beacons.Encode(b));
}
