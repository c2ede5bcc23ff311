using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Analytics.Testing;
using Analytics.Testing.Http;

namespace Analytics.IntegrationTests.Fixtures;

/// <summary>
/// A real Prometheus Alertmanager (Debian's prometheus-alertmanager 0.25) as a child process: its own
/// config and storage in a temporary directory, on a free loopback port, gossip off. Its one receiver is a
/// webhook pointing at <see cref="Webhook"/>, a local server that records every notification, and it groups
/// by <c>alertname</c> and <c>cdn</c> with 1 s waits so grouping and resolves show within seconds.
/// Killed on dispose. Tests using it are <see cref="AlertmanagerFactAttribute"/>s, skipped when the binary is absent.
/// </summary>
public sealed class AlertmanagerFixture : IAsyncLifetime
{
    /// <summary>The webhook receiver's name in the generated config.</summary>
    public const string ReceiverName = "capture";

    /// <summary>The path Alertmanager posts notifications to on <see cref="Webhook"/>.</summary>
    public const string WebhookPath = "/alertmanager";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly StringBuilder _log = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"analytics-alertmanager-{Guid.NewGuid():N}");
    private Process? _process;

    /// <summary>The binary: <c>ANALYTICS_ALERTMANAGER</c>, else Debian's; null when neither exists.</summary>
    public static string? Binary { get; } = Environment.GetEnvironmentVariable("ANALYTICS_ALERTMANAGER") is { Length: > 0 } configured
        ? configured
        : File.Exists("/usr/bin/prometheus-alertmanager") ? "/usr/bin/prometheus-alertmanager" : null;

    /// <summary>Alertmanager's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Where Alertmanager delivers its (grouped) notifications.</summary>
    internal CapturingHttpServer Webhook { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Webhook = await CapturingHttpServer.StartAsync();
        if (Binary is null)
        {
            return; // Every test is skipped (AlertmanagerFactAttribute).
        }

        var port = LocalPorts.Free();
        Url = $"http://127.0.0.1:{port}";
        Directory.CreateDirectory(_directory);
        var config = Path.Combine(_directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              resolve_timeout: 5m
            route:
              receiver: {ReceiverName}
              group_by: [alertname, cdn]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 24h
            receivers:
              - name: {ReceiverName}
                webhook_configs:
                  - url: {Webhook.Url}{WebhookPath}
                    send_resolved: true
            """);

        // An empty cluster address turns gossip off: one instance, no port to clash with.
        var start = new ProcessStartInfo(Binary, [
            $"--config.file={config}", $"--storage.path={Path.Combine(_directory, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Binary}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        await Webhook.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>The alerts Alertmanager holds (<c>GET /api/v2/alerts</c>), filtered by a matcher such as <c>alertname="x"</c>.</summary>
    public async Task<IReadOnlyList<JsonElement>> AlertsAsync(string matcher)
    {
        using var http = new HttpClient();
        var json = await http.GetStringAsync($"{Url}/api/v2/alerts?filter={Uri.EscapeDataString(matcher)}");
        return [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(a => a.Clone())];
    }

    /// <summary>
    /// The first webhook notification (the parsed body Alertmanager posted) matching <paramref name="match"/>,
    /// polling what the webhook received until <paramref name="timeout"/> (default 20 s).
    /// </summary>
    public async Task<JsonElement> NotificationAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < (timeout ?? TimeSpan.FromSeconds(20)))
        {
            foreach (var request in Webhook.Requests.Where(r => r.Path == WebhookPath))
            {
                var body = JsonDocument.Parse(request.Text).RootElement;
                if (match(body))
                {
                    return body.Clone();
                }
            }

            await Task.Delay(50);
        }

        var seen = string.Join("\n", Webhook.Requests.Select(r => r.Text));
        throw new TimeoutException($"Alertmanager sent no notification with {what} within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s. Received:\n{seen}\nAlertmanager's log:\n{Log()}");
    }

    /// <summary>What Alertmanager printed, for failing tests.</summary>
    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient();
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < StartTimeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Alertmanager exited with code {_process.ExitCode} at start:\n{Log()}");
            }

            try
            {
                using var response = await http.GetAsync($"{Url}/-/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"Alertmanager was not ready on {Url}/-/ready within {StartTimeout.TotalSeconds} s:\n{Log()}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}

/// <summary>A test against the real Alertmanager: skipped, saying how to get it, when the binary is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlertmanagerFactAttribute : FactAttribute
{
    public AlertmanagerFactAttribute()
    {
        if (AlertmanagerFixture.Binary is null)
        {
            Skip = "prometheus-alertmanager is not installed (looked for /usr/bin/prometheus-alertmanager): run ./analytics setup, "
                + "which installs Debian's package, or set ANALYTICS_ALERTMANAGER to the binary.";
        }
    }
}
