using System.Diagnostics;
using Analytics.Benchmarks.Harness;
using Analytics.Ingest.Kafka;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// The embedded Kafka for the benchmark: a child <c>analytics broker</c> when the CLI is built, so the
/// mock cluster's CPU is not billed to the measured process; otherwise (or on request) in this process.
/// </summary>
internal sealed class KafkaBroker : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process? _child;
    private readonly BrokerHost? _host;
    private readonly Queue<string> _childErrors = new();

    private KafkaBroker(string bootstrap, string where, Process? child, BrokerHost? host)
    {
        Bootstrap = bootstrap;
        Where = where;
        _child = child;
        _host = host;
    }

    public string Bootstrap { get; private set; }

    /// <summary>How the broker runs, for the report.</summary>
    public string Where { get; private set; }

    public bool IsChildProcess => _child is not null;

    public static async Task<KafkaBroker> StartAsync(int partitions, bool inProcess, CancellationToken ct)
    {
        var dll = CliDll();
        if (!inProcess && dll is null)
        {
            Progress.Report("analytics.dll not built (dotnet build Analytics.sln -c Release): hosting the broker in this process");
        }

        if (inProcess || dll is null)
        {
            var host = await BrokerHost.StartAsync(new BrokerHostOptions { Partitions = partitions }, ct);
            return new KafkaBroker(host.Bootstrap, "in the measuring process (its CPU counts)", null, host);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "broker", "--partitions", partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll} broker.");
        var broker = new KafkaBroker(string.Empty, string.Empty, child, null);
        child.ErrorDataReceived += (_, e) => broker.KeepError(e.Data);
        child.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        string? line;
        try
        {
            line = await child.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            line = null;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            var errors = broker.ChildErrors();
            broker.Dispose();
            throw new InvalidOperationException($"The child broker (pid {child.Id}) printed no bootstrap list within {StartTimeout.TotalSeconds:F0} s. Its stderr: {errors}");
        }

        broker.Bootstrap = line.Trim();
        broker.Where = $"child process `analytics broker` (pid {child.Id})";
        return broker;
    }

    public void Dispose()
    {
        _host?.Dispose();
        if (_child is { HasExited: false })
        {
            // Our own child, by its handle: the mock keeps its data in memory only.
            _child.Kill(entireProcessTree: true);
            _child.WaitForExit(10_000);
        }

        _child?.Dispose();
    }

    private static string? CliDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln")))
            {
                var dll = Path.Combine(dir.FullName, "cli", "Analytics.Cli", "bin", "Release", "net10.0", "analytics.dll");
                return File.Exists(dll) ? dll : null;
            }
        }

        return null;
    }

    private void KeepError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_childErrors)
        {
            _childErrors.Enqueue(line);
            if (_childErrors.Count > 20)
            {
                _childErrors.Dequeue();
            }
        }
    }

    private string ChildErrors()
    {
        lock (_childErrors)
        {
            return _childErrors.Count == 0 ? "(empty)" : string.Join(" | ", _childErrors);
        }
    }
}
