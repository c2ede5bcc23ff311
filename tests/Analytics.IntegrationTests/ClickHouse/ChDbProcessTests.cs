using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>What needs a fresh process: reopening a data directory after a restart, and signals once chDB is loaded.</summary>
public sealed class ChDbProcessTests : IDisposable
{
    private const int Sigint = 2;
    private const int Sigterm = 15;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"analytics-chdb-child-{Guid.NewGuid():N}");
    private readonly ITestOutputHelper _output;

    public ChDbProcessTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    [Fact]
    public async Task Data_written_by_one_process_is_read_by_the_next()
    {
        var write = await ChDbChildProcess.RunAsync("write", _path);
        Assert.True(write.ExitCode == 0, write.Output);

        var read = await ChDbChildProcess.RunAsync("read", _path);

        Assert.True(read.ExitCode == 0, read.Output);
        Assert.Contains("{\"id\":1,\"m\":{\"200\":5}}\n{\"id\":2,\"m\":{\"-3\":7}}", read.Output);
    }

    [Theory]
    [InlineData(Sigterm, ChDbChildProcess.ExitOnSigterm)]
    [InlineData(Sigint, ChDbChildProcess.ExitOnSigint)]
    public async Task Signals_reach_the_dotnet_handlers_after_chdb_is_open(int signal, int expectedExitCode)
    {
        using var process = ChDbChildProcess.Start("signals", _path);
        try
        {
            await SignalAndWaitAsync(process, signal, expectedExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private async Task SignalAndWaitAsync(Process process, int signal, int expectedExitCode)
    {
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data == "ready")
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Task.WhenAny(ready.Task, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(ready.Task.IsCompleted, $"The child never got ready:\n{output}");

        ChDbChildProcess.Signal(process, signal);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var text = Text(output);
        _output.WriteLine(text);
        Assert.Equal(expectedExitCode, process.ExitCode);
        Assert.Contains("changed-by-chdb: none", text);
        Assert.Contains("null-reference-caught", text);
        Assert.Contains($"clean-exit {expectedExitCode}", text);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
