using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.IntegrationTests.ClickHouse;

namespace Analytics.IntegrationTests.Cli;

/// <summary>
/// The README's main job, run as a user runs it: `analytics demo` in its own process, queried with
/// `analytics query` while it runs, stopped with SIGTERM, and queried again afterwards.
/// </summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"analytics-demo-test-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_demo_writes_aggregates_answers_queries_while_running_and_stops_cleanly_on_sigterm()
    {
        using var demo = Start("demo", "--rate", "1500", "--port", "0");
        var output = new StringBuilder();
        var rowsWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        demo.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data is not null && RowsLine().Match(e.Data) is { Success: true } m && long.Parse(m.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                rowsWritten.TrySetResult();
            }
        };
        demo.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            // The first 10 s windows close about 20 s in; give a slow machine three times that.
            var first = await Task.WhenAny(rowsWritten.Task, Task.Delay(TimeSpan.FromSeconds(60)), demo.WaitForExitAsync());
            Assert.True(first == rowsWritten.Task, $"no rows within 60 s:\n{output}");

            var live = await RunAsync("query", "--format", "tsv", "SELECT count() FROM qoe_delivery_10s");
            Assert.True(live.ExitCode == 0 && Count(live.Output) > 0, $"query during the demo: {live.Output}");
            Assert.True(File.Exists(Path.Combine(_home, "clickhouse", "endpoint.json")), "the running demo advertises its endpoint");

            ChDbChildProcess.Signal(demo, Sigterm);
            var stopped = await Task.WhenAny(demo.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(demo.HasExited, $"the demo did not stop within 60 s of SIGTERM:\n{output}");
            Assert.Equal(0, demo.ExitCode);
            var final = FinalStatus().Matches(output.ToString()).Last();
            Assert.True(long.Parse(final.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, $"no offsets committed at shutdown:\n{output}");
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
            }
        }

        Assert.False(File.Exists(Path.Combine(_home, "clickhouse", "endpoint.json")), "the endpoint file outlived the demo");
        var after = await RunAsync("query", "--format", "tsv", "SELECT count() FROM qoe_delivery_10s");
        Assert.True(after.ExitCode == 0 && Count(after.Output) > 0, $"query after the demo: {after.Output}");
    }

    [Fact]
    public async Task A_bad_duration_is_one_line_that_says_how_to_write_it_and_starts_nothing()
    {
        var result = await RunAsync("demo", "--duration", "soon");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "analytics: invalid setting: demo: --duration must be a positive duration such as 500ms, 10s, 2m or 4m30s (got \"soon\").",
            result.Output.Trim());
        Assert.False(Directory.Exists(Path.Combine(_home, "clickhouse")), "the demo opened its store before checking its arguments");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process Start(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "analytics.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ANALYTICS_HOME"] = _home;
        return Process.Start(start)!;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (p.ExitCode, await stdout + await stderr);
    }

    /// <summary>The value under the header of a one-column `--format tsv` answer.</summary>
    private static long Count(string tsv) => long.Parse(tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\| rows ([\d,]+) in")]
    private static partial Regex RowsLine();

    [GeneratedRegex(@"checkpoints [\d,]+, commits ([\d,]+)")]
    private static partial Regex FinalStatus();
}
