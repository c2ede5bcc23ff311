using Analytics.Alerts.Detectors;
using Analytics.Cli.Commands;
using Analytics.Testing;

namespace Analytics.Cli.Tests.Commands;

/// <summary>The progress of <c>analytics detect</c>, on a clock that moves only when told to.</summary>
public sealed class DetectProgressTests : IDisposable
{
    private const long Big = 100L * 1024 * 1024;
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _error = new() { NewLine = "\n" };

    public void Dispose() => _error.Dispose();

    [Fact]
    public void A_big_input_prints_progress_at_most_once_a_second()
    {
        var progress = new DetectProgress(_error, _clock, Big);

        progress.Report(1_000_000, 30_000);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        progress.Report(2_000_000, 60_000);
        Assert.Empty(Lines());

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        progress.Report(Big * 41 / 100, 1_203_455);
        progress.Report(Big * 42 / 100, 1_230_000);
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Report(Big, 2_400_000);

        Assert.Equal(["detect: 41% (1,203,455 rows, 1.2M rows/s)", "detect: 99% (2,400,000 rows, 1.2M rows/s)"], Lines());
    }

    [Theory]
    [InlineData(1024L)]
    [InlineData(DetectProgress.Threshold)]
    [InlineData(null)]
    public void A_small_input_or_one_of_unknown_length_never_prints_progress(long? length)
    {
        var progress = new DetectProgress(_error, _clock, length);

        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(5));
            progress.Report(1024, 100 * i);
        }

        Assert.False(progress.Enabled);
        Assert.Empty(Lines());
    }

    [Fact]
    public void The_summary_names_rows_detector_time_and_missing_points()
    {
        var detector = new GaussianDetector();
        var clean = new DetectProgress(_error, _clock, Big);
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        clean.Summary(1_234_567, detector);
        detector.Score(0, double.NaN);
        clean.Summary(1, detector);

        Assert.Equal(
            ["detect: 1,234,567 rows scored by gaussian in 2.50 s", "detect: 1 row scored by gaussian in 2.50 s; 1 missing (non-finite) point scored 0"],
            Lines());
    }

    [Theory]
    [InlineData(2_100_000.0, "2.1M")]
    [InlineData(950_400.0, "950K")]
    [InlineData(1_000.0, "1K")]
    [InlineData(999.4, "999")]
    [InlineData(0.0, "0")]
    public void Rates_are_short(double perSecond, string expected)
    {
        Assert.Equal(expected, DetectProgress.Rate(perSecond));
    }

    private string[] Lines() => _error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
