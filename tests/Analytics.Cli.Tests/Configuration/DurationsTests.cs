using Analytics.Common;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Cli.Tests.Configuration;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("0ms", 0)]
    [InlineData("250ms", 250)]
    [InlineData("250MS", 250)]
    [InlineData("10s", 10_000)]
    [InlineData("0.5s", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("4m30s", 270_000)]
    [InlineData("1h 15m", 4_500_000)]
    [InlineData("1m500ms", 60_500)]
    public void Parses_unit_suffixes_and_timespans(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("-5s")]
    [InlineData("ten seconds")]
    [InlineData("10")]
    [InlineData("30s4m")]
    [InlineData("1m1m")]
    [InlineData("1m30")]
    [InlineData("1.2.3s")]
    public void Refuses_what_is_not_a_duration(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Fact]
    public void A_parse_error_names_the_setting_and_shows_how_to_write_a_duration()
    {
        var error = Assert.Throws<FormatException>(() => Durations.Parse("soon", "--duration"));

        Assert.Contains("--duration", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"soon\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("10s", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_000, "10s")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "90s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(7_200_000, "2h")]
    [InlineData(86_400_000, "1d")]
    [InlineData(0, "0s")]
    public void Formats_in_the_largest_whole_unit(long milliseconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void Formatting_then_parsing_gives_back_any_positive_whole_millisecond_duration()
    {
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), ms =>
        {
            var duration = TimeSpan.FromMilliseconds(ms);
            return Durations.TryParse(Durations.Format(duration), out var back) && back == duration;
        }).QuickCheckThrowOnFailure();
    }
}
