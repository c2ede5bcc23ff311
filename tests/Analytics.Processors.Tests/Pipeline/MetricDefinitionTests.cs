using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Analytics.Testing.Reference;
using static Analytics.Ingest.Events.EventType;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>
/// One small session per definition of docs/metrics.md, with the answer worked out by hand. Each case
/// checks the streaming processor and the reference model, so a definition both got wrong still fails.
/// </summary>
public sealed class MetricDefinitionTests
{
    private const long T = 1_764_201_600_000; // a minute boundary

    private static readonly ProcessorOptions Options = new() { Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], Cubes = ["delivery"] };

    [Fact]
    public void A_start_that_reaches_the_first_frame_is_an_attempt_and_a_play_with_its_start_time()
    {
        var totals = Totals(Beacons.Make("s", PlayRequest, T), Beacons.Make("s", FirstFrame, T + 1_800), Beacons.Make("s", End, T + 20_000));
        Assert.All(totals, t =>
        {
            Assert.Equal(1, t.Attempts);
            Assert.Equal(1, t.Plays);
            Assert.Equal(0, t.VideoStartFailures + t.ExitsBeforeVideoStart);
            Assert.Equal(1_800, t.StartTimeSumMs);
            Assert.InRange(t.StartTime.Quantile(0.5), 1_782, 1_818);
        });
    }

    [Fact]
    public void A_fatal_error_before_the_first_frame_is_a_video_start_failure_not_an_exit()
    {
        var totals = Totals(Beacons.Make("s", PlayRequest, T), Beacons.Make("s", Error, T + 3_000, error: "E500", fatal: true));
        Assert.All(totals, t => Assert.Equal((1L, 1L, 0L, 0L, 0L), (t.Attempts, t.VideoStartFailures, t.ExitsBeforeVideoStart, t.Plays, t.PlaybackFailures)));
    }

    [Fact]
    public void Leaving_before_the_first_frame_without_an_error_is_an_exit_before_video_start_not_a_failure()
    {
        var totals = Totals(Beacons.Make("s", PlayRequest, T), Beacons.Make("s", End, T + 4_000));
        Assert.All(totals, t => Assert.Equal((1L, 0L, 1L, 0L), (t.Attempts, t.VideoStartFailures, t.ExitsBeforeVideoStart, t.Plays)));
    }

    [Fact]
    public void A_start_that_goes_silent_is_an_exit_before_video_start_at_its_last_beacon()
    {
        var totals = Totals(Beacons.Make("s", PlayRequest, T), Beacons.Make("s", Heartbeat, T + 5_000), Beacons.Make("other", PlayRequest, T + 200_000), Beacons.Make("other", FirstFrame, T + 201_000));
        Assert.All(totals, t => Assert.Equal((2L, 1L, 0L), (t.Attempts, t.ExitsBeforeVideoStart, t.VideoStartFailures)));
    }

    [Fact]
    public void A_non_fatal_error_is_counted_by_code_and_fails_nothing()
    {
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", FirstFrame, T + 1_000),
            Beacons.Make("s", Error, T + 2_000, error: "E42", fatal: false),
            Beacons.Make("s", End, T + 9_000));
        Assert.All(totals, t =>
        {
            Assert.Equal((1L, 0L, 0L, 0L), (t.Errors, t.FatalErrors, t.PlaybackFailures, t.VideoStartFailures));
            Assert.Equal(1, t.ErrorsByCode!["E42"]);
        });
    }

    [Fact]
    public void A_fatal_error_after_the_first_frame_is_a_playback_failure()
    {
        var totals = Totals(Beacons.Make("s", PlayRequest, T), Beacons.Make("s", FirstFrame, T + 1_000), Beacons.Make("s", Error, T + 30_000, error: "E9", fatal: true));
        Assert.All(totals, t => Assert.Equal((1L, 1L, 0L, 1L), (t.Plays, t.PlaybackFailures, t.VideoStartFailures, t.FatalErrors)));
    }

    [Fact]
    public void A_fatal_error_of_a_session_joined_mid_playback_is_an_error_not_a_playback_failure()
    {
        // No play was counted for it, so counting its failure would put in vpf_rate's numerator a
        // session its denominator (plays) does not have.
        var totals = Totals(Beacons.Make("s", Heartbeat, T), Beacons.Make("s", Error, T + 5_000, error: "E9", fatal: true));
        Assert.All(totals, t => Assert.Equal((0L, 0L, 0L, 0L, 1L, 1L), (t.Attempts, t.Plays, t.PlaybackFailures, t.VideoStartFailures, t.Errors, t.FatalErrors)));
    }

    [Fact]
    public void Rebuffering_ratio_is_stall_time_over_playing_plus_stall_time_and_seek_stalls_leave_the_connection_induced_ratio()
    {
        // Playing 1–11 s (10 s), network stall 11–13 s (2 s), playing 13–20 s (7 s), seek stall 20–24 s (4 s), playing 24–30 s (6 s).
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", FirstFrame, T + 1_000),
            Beacons.Make("s", RebufferStart, T + 11_000),
            Beacons.Make("s", RebufferEnd, T + 13_000),
            Beacons.Make("s", Seek, T + 20_000),
            Beacons.Make("s", RebufferStart, T + 20_000),
            Beacons.Make("s", RebufferEnd, T + 24_000),
            Beacons.Make("s", End, T + 30_000));
        Assert.All(totals, t =>
        {
            Assert.Equal((23_000L, 6_000L, 4_000L, 2L, 1L), (t.PlayingMs, t.RebufferMs, t.SeekRebufferMs, t.Rebuffers, t.SeekRebuffers));
            var summary = t.Result();
            Assert.Equal(6.0 / 29, summary.RebufferingRatio, 12);
            Assert.Equal(2.0 / 25, summary.ConnectionInducedRebufferingRatio, 12);
        });
    }

    [Fact]
    public void Pause_time_is_neither_playing_nor_rebuffering_but_the_session_stays_in_play()
    {
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", FirstFrame, T + 1_000),
            Beacons.Make("s", Pause, T + 5_000),
            Beacons.Make("s", Resume, T + 35_000),
            Beacons.Make("s", End, T + 40_000));
        Assert.All(totals, t => Assert.Equal((9_000L, 0L), (t.PlayingMs, t.RebufferMs)));
        Assert.Equal(1, Totals10s(totals).Last().ConcurrentPlays); // one session in play over 1–40 s; each 10 s window counts it once
    }

    [Fact]
    public void Average_bitrate_is_weighted_by_playing_time_and_only_real_switches_after_the_start_count()
    {
        // 2350 kbps for 10 s, then 5800 kbps for 30 s: (2350·10 + 5800·30) / 40 = 4937.5.
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", BitrateChange, T + 500, kbps: 1750),
            Beacons.Make("s", FirstFrame, T + 1_000, kbps: 2350),
            Beacons.Make("s", BitrateChange, T + 11_000, kbps: 5800),
            Beacons.Make("s", BitrateChange, T + 21_000, kbps: 5800),
            Beacons.Make("s", End, T + 41_000));
        Assert.All(totals, t =>
        {
            Assert.Equal(1, t.BitrateSwitches);
            Assert.Equal(4937.5, t.Result().AverageBitrateKbps, 9);
        });
    }

    [Fact]
    public void Cache_hit_ratio_is_weighted_by_bytes()
    {
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", FirstFrame, T + 1_000),
            Beacons.Make("s", Heartbeat, T + 11_000, bytes: 9_000_000, cacheHit: true),
            Beacons.Make("s", Heartbeat, T + 21_000, bytes: 1_000_000, cacheHit: false),
            Beacons.Make("s", Heartbeat, T + 31_000, bytes: 10_000_000, cacheHit: false),
            Beacons.Make("s", End, T + 32_000));
        Assert.All(totals, t => Assert.Equal((20_000_000L, 9_000_000L, 0.45), (t.Bytes, t.CacheHitBytes, t.Result().CacheHitRatio)));
    }

    [Fact]
    public void Concurrent_plays_count_each_session_in_play_once_per_window_and_never_while_starting()
    {
        var totals = Totals(
            Beacons.Make("a", PlayRequest, T), Beacons.Make("a", FirstFrame, T + 2_000), Beacons.Make("a", End, T + 25_000),
            Beacons.Make("b", PlayRequest, T + 3_000), Beacons.Make("b", FirstFrame, T + 14_000), Beacons.Make("b", End, T + 16_000),
            Beacons.Make("c", PlayRequest, T + 4_000), Beacons.Make("c", End, T + 19_000));
        var windows = Totals10s(totals);
        Assert.Equal([1L, 2L, 1L], windows.Select(w => w.ConcurrentPlays));
        Assert.Equal(2, totals[1].ConcurrentPlays); // the 1 min window: a and b, not c (never started)
    }

    [Fact]
    public void A_session_that_goes_silent_ends_at_its_last_beacon_so_the_silence_is_not_playing_time()
    {
        var totals = Totals(
            Beacons.Make("s", PlayRequest, T),
            Beacons.Make("s", FirstFrame, T + 1_000),
            Beacons.Make("s", Heartbeat, T + 11_000),
            Beacons.Make("later", PlayRequest, T + 300_000));
        Assert.All(totals, t => Assert.Equal(10_000, t.PlayingMs));
    }

    /// <summary>The delivery cube's totals over all windows, per window size [10 s, 1 min], from both implementations (which must agree).</summary>
    private static QoeAccumulator[] Totals(params PlaybackBeacon[] beacons)
    {
        var messages = beacons.Select(b => new DeliveredMessage(0, b.TimestampMs, System.Text.Encoding.UTF8.GetBytes(b.SessionId), Beacons.Encode(b), b)).ToList();
        var (output, _) = ProcessorHarness.Run(messages, Options);
        var streaming = output.Merged();
        var reference = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
        var problems = RowComparer.Compare(reference.Rows, streaming);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        _lastRows = streaming;
        return [Sum(streaming, 10_000), Sum(streaming, 60_000)];
    }

    [ThreadStatic]
    private static Dictionary<ExpectedKey, QoeAccumulator>? _lastRows;

    /// <summary>The 10 s rows of the last <see cref="Totals"/> call, in time order.</summary>
    private static List<QoeAccumulator> Totals10s(QoeAccumulator[] _) => _lastRows!.Where(kv => kv.Key.WindowMs == 10_000).OrderBy(kv => kv.Key.WindowStart).Select(kv => kv.Value).ToList();

    private static QoeAccumulator Sum(Dictionary<ExpectedKey, QoeAccumulator> rows, long windowMs)
    {
        var total = new QoeAccumulator();
        foreach (var (key, acc) in rows.Where(kv => kv.Key.WindowMs == windowMs))
        {
            total.Merge(acc);
        }

        return total;
    }
}
