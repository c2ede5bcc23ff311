using Analytics.Processors.Pipeline;
using Spectre.Console;

namespace Analytics.Cli.Tests.Console;

public sealed class LiveViewTests
{
    [Fact]
    public void The_live_view_fits_80_columns_with_every_label_in_full()
    {
        var windows = new[]
        {
            new TopLine("10s", "2026-11-29 15:38:50", 1_962, 1_254, 61, 10, 850, 4_320, 0.0088, 73, 5_950, 26_076),
            new TopLine("1m", "2026-11-29 15:38:00", 12_801, 11_708, 550, 229, 1_790, 4_680, 0.0087, 381, 5_980, 26_699),
        };
        var snapshot = new DemoSnapshot(
            TimeSpan.FromMinutes(4),
            default,
            new PipelineStatus(6, 840_023, 839_204, 819, 0, 1_667, 3, 27_815, 1_000, 10, 248_494, 123, 48, 48, 819, 0, 1_764_430_755_970, null),
            2_822,
            windows,
            [])
        {
            OnCall = "delivery: log 2 sent, local-webhook 2 sent; actions: dry run",
            Actions = ["DRY RUN cdn_steer: would move 30 % of pop iad-1 to cdn akamai (INC-b6f9fa)"],
        };

        var text = Render(new LiveView("127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003", "playback-events", "http://127.0.0.1:8123/").Render(snapshot));
        var lines = text.Split('\n');

        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"{l.TrimEnd().Length} columns: {l}"));
        foreach (var label in new[] { "start attempts", "video start failures", "exits before start", "start time p50 / p95", "rebuffering ratio", "average bitrate", "concurrent plays", "10s from 15:38:50", "1m from 15:38:00" })
        {
            Assert.Contains(label, text);
        }

        Assert.Contains("4.30 %", text); // 550 of 12,801 starts failed in the minute
        Assert.Contains("0.85 s / 4.32 s", text);
        Assert.DoesNotContain("…", lines.First(l => l.Contains("metric", StringComparison.Ordinal)));
    }

    private static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        console.Write(renderable);
        return writer.ToString();
    }
}
