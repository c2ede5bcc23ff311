using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

public sealed class NabFileLayoutTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(7, 1)] // ⌊1.05⌋
    [InlineData(40, 6)]
    [InlineData(100, 15)]
    [InlineData(1000, 150)]
    [InlineData(4032, 604)] // ⌊604.8⌋
    [InlineData(4999, 749)] // ⌊749.85⌋
    [InlineData(5000, 750)]
    [InlineData(10_320, 750)]
    [InlineData(40_000, 750)] // capped at 0.15 · 5000
    public void Probation_is_fifteen_percent_capped_at_750_rows(int rows, int expected)
    {
        Assert.Equal(expected, NabFileLayout.ProbationLength(rows));
        Assert.Equal(expected, NabFileLayout.Create("f.csv", Times(rows), []).ProbationRows);
    }

    [Fact]
    public void Probationary_rows_are_marked_and_the_rest_are_outside_without_windows()
    {
        var layout = Layout(100);

        Assert.Equal(100, layout.Rows);
        Assert.Equal(0, layout.WindowCount);
        Assert.All(layout.Window[..15], w => Assert.Equal(NabFileLayout.Probation, w));
        Assert.All(layout.Window[15..], w => Assert.Equal(NabFileLayout.Outside, w));
        // With no window before it, a false positive costs the whole fpWeight.
        Assert.All(layout.Sigmoid, s => Assert.Equal(-1.0, s));
    }

    [Fact]
    public void Window_rows_come_from_timestamps_with_both_ends_included()
    {
        // Rows every minute; the first window's ends fall on rows 20 and 29, the second's between rows.
        var timestamps = Times(100);
        var layout = NabFileLayout.Create(
            "f.csv",
            timestamps,
            [(Time(20), Time(29)), (Time(50) + 1, Time(60) + (Minute / 2))]);

        Assert.Equal(2, layout.WindowCount);
        for (var row = 0; row < 100; row++)
        {
            var expected = row switch
            {
                < 15 => NabFileLayout.Probation,
                >= 20 and <= 29 => 0,
                >= 51 and <= 60 => 1,
                _ => NabFileLayout.Outside,
            };
            Assert.Equal(expected, layout.Window[row]);
        }
    }

    [Fact]
    public void Each_row_carries_the_sigmoid_of_its_position()
    {
        var layout = Layout(40, (20, 29));

        for (var row = 0; row < 40; row++)
        {
            var expected = row switch
            {
                < 20 => -1.0, // before any window
                <= 29 => S(-(29 - row + 1) / 10.0), // inside: −(right − i + 1) / width
                _ => S(Math.Abs(29 - row) / 9.0), // after: |prevRight − i| / (prevWidth − 1)
            };
            Assert.Equal(expected, layout.Sigmoid[row], Tolerance);
        }

        Assert.Equal(S(-1.0), layout.Sigmoid[20], Tolerance);
        Assert.Equal(S(-0.1), layout.Sigmoid[29], Tolerance);
        Assert.Equal(S(1.0 / 9.0), layout.Sigmoid[30], Tolerance);
    }

    [Fact]
    public void A_false_positive_is_measured_from_the_last_window_that_ended_before_it()
    {
        // Windows 20..29 (width 10) and 50..53 (width 4); row 45 follows the first, row 60 the second.
        var layout = Layout(100, (20, 29), (50, 53));

        Assert.Equal(S(16.0 / 9.0), layout.Sigmoid[45], Tolerance);
        Assert.Equal(S(7.0 / 3.0), layout.Sigmoid[60], Tolerance);
        Assert.Equal(-1.0, layout.Sigmoid[70]); // 17/3 > 3
        Assert.Equal(S(-4.0 / 4.0), layout.Sigmoid[50], Tolerance);
        Assert.Equal(0.11 * S(16.0 / 9.0), layout.Weighted(45, Standard), Tolerance);
        Assert.Equal(0.22 * S(7.0 / 3.0), layout.Weighted(60, LowFp), Tolerance);
    }

    [Fact]
    public void A_window_that_covers_no_row_is_an_error()
    {
        var between = Assert.Throws<NabCorpusException>(
            () => NabFileLayout.Create("g/f.csv", Times(100), [(Time(20) + 1, Time(21) - 1)]));
        Assert.Equal("g/f.csv", between.Path);
        Assert.Contains("window 1 covers no row", between.Message, StringComparison.Ordinal);

        var after = Assert.Throws<NabCorpusException>(
            () => NabFileLayout.Create("g/f.csv", Times(100), [(Time(10), Time(12)), (Time(200), Time(210))]));
        Assert.Contains("window 2 covers no row", after.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_windows_are_an_error()
    {
        var shared = Assert.Throws<NabCorpusException>(
            () => NabFileLayout.Create("g/f.csv", Times(100), [(Time(20), Time(30)), (Time(30), Time(40))]));
        Assert.Contains("window 2 overlaps window 1", shared.Message, StringComparison.Ordinal);

        var inside = Assert.Throws<NabCorpusException>(
            () => NabFileLayout.Create("g/f.csv", Times(100), [(Time(20), Time(40)), (Time(25), Time(30))]));
        Assert.Contains("overlaps", inside.Message, StringComparison.Ordinal);

        // Adjacent windows that share no row are fine.
        Assert.Equal(2, NabFileLayout.Create("g/f.csv", Times(100), [(Time(20), Time(30)), (Time(31), Time(40))]).WindowCount);
    }
}
