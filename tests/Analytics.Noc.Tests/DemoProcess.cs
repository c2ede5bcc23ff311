using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Noc.Tests;

/// <summary>`analytics demo` in its own process and ANALYTICS_HOME, on free ports, with the URLs its banner prints.</summary>
internal sealed partial class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<(Uri Endpoint, Uri Wall)> _urls = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"analytics-noc-demo-{Guid.NewGuid():N}");
    private Uri? _endpoint;

    private DemoProcess(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "analytics.dll"));
        start.ArgumentList.Add("demo");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ANALYTICS_HOME"] = _home;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Read(e.Data);
        _process.ErrorDataReceived += (_, e) => Read(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _ = _process.WaitForExitAsync().ContinueWith(_ => _urls.TrySetException(new InvalidOperationException($"the demo exited early:\n{Output}")), TaskScheduler.Default);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the demo and waits for its banner: the query endpoint's and the wall's URLs.</summary>
    public static async Task<(DemoProcess Demo, Uri Endpoint, Uri Wall)> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var demo = new DemoProcess(environment, args);
        try
        {
            var (endpoint, wall) = await demo._urls.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return (demo, endpoint, wall);
        }
        catch
        {
            await demo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops it as Ctrl-C would (SIGTERM), then kills it if it has not stopped within 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Read(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (EndpointLine().Match(line) is { Success: true } e)
        {
            _endpoint = new Uri(e.Groups[1].Value);
        }
        else if (WallLine().Match(line) is { Success: true } w && _endpoint is not null)
        {
            _urls.TrySetResult((_endpoint, new Uri(w.Groups[1].Value)));
        }
    }

    [GeneratedRegex(@"ClickHouse endpoint: (http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"NOC wall: (http://\S+)")]
    private static partial Regex WallLine();
}
