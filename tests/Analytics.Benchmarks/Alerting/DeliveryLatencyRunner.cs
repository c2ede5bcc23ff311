using System.Globalization;
using System.Text;
using Analytics.Alerts.Delivery;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Benchmarks.Harness;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;
using Analytics.Testing.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Benchmarks.Alerting;

/// <summary>
/// From an incident handed to delivery to its first request at the receiver: the outbox write to
/// chDB, the queue and one signed webhook POST to a local listener. A second webhook receiver points
/// at a closed port the whole time, so the figure also shows that a receiver that is down holds up
/// only its own notifications.
/// </summary>
internal static class DeliveryLatencyRunner
{
    public static async Task<string> RunAsync(int incidents, string command, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"analytics-delivery-bench-{Environment.ProcessId}");
        var secretFile = Path.Combine(dir, "secret");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(secretFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), ct);
        await using var db = await ChDbConnection.OpenAsync(new ChDbOptions { Path = Path.Combine(dir, "chdb") }, ct);
        const string Database = "delivery_bench";
        await db.ExecuteAsync($"DROP DATABASE IF EXISTS {Database}", ct);
        await new SchemaMigrator(db).MigrateAsync(Database, QoeTables.Migrations, ct);
        await using var up = await CapturingHttpServer.StartAsync();

        var yaml = $"""
            route:
              receivers: [up, down]
            receivers:
              - name: up
                webhook:
                  url: {up.Url}/hook
                  secret_file: {secretFile}
              - name: down
                webhook:
                  url: http://127.0.0.1:9/hook
                  secret_file: {secretFile}
            """;
        var (config, problems) = OnCallFile.Parse("bench.yaml", yaml);
        if (config is null)
        {
            throw new InvalidOperationException(string.Join("\n", problems));
        }

        var services = ReceiverServices.Create(TimeProvider.System, NullLogger.Instance);
        await using var dispatcher = await Dispatcher.StartAsync(config, services, new NotificationLog(db, Database), new DeliveryOptions(), [], ct);
        var latencies = new List<double>();
        var outbox = new List<double>();
        var time = TimeProvider.System;
        for (var i = 0; i < incidents; i++)
        {
            var change = Opened(i, time.GetUtcNow().ToUnixTimeMilliseconds());
            var started = time.GetTimestamp();
            await dispatcher.NotifyAsync([change], ct);
            outbox.Add(time.GetElapsedTime(started).TotalMilliseconds);
            var request = (await up.WaitForAsync(i + 1))[i];
            latencies.Add(time.GetElapsedTime(started, request.ReceivedAt).TotalMilliseconds);
            if ((i + 1) % 50 == 0)
            {
                Progress.Report($"delivery-latency: {i + 1}/{incidents} incidents delivered");
            }
        }

        var down = dispatcher.Queues.Single(q => q.Receiver.Name == "down");
        var all = Stats.Of(latencies);
        var write = Stats.Of(outbox);
        var p99 = latencies.Order().ElementAt((int)Math.Ceiling(0.99 * latencies.Count) - 1);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`");
        md.AppendLine();
        md.AppendLine("| incidents | incident → first request, median | p99 | max | of which outbox write, median | down receiver still owes | target |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {incidents} | {all.Median:0.0} ms | {p99:0.0} ms | {all.Max:0.0} ms | {write.Median:0.0} ms | {down.Pending} of {incidents} | ≤ 1 s |");
        return md.ToString();
    }

    private static IncidentChange Opened(int i, long now)
    {
        var slice = Slice.Parse($"cdn=oca,pop=p{i}");
        var incident = new Incident
        {
            Id = $"INC-{i:x6}",
            Key = $"bench/{slice}",
            Rule = "bench",
            Severity = Severity.P1,
            Metric = "vsf_rate",
            Slice = slice,
            Title = $"VSF 40 % at CDN oca, POP p{i}",
            OpenedAtMs = now,
            TriggeredAtMs = now,
            Value = 0.4,
            Baseline = 0.02,
            Threshold = 0.1,
            Seq = 1,
        };
        return new IncidentChange(IncidentChangeKind.Opened, incident, 1, true, false, null, now, "auto", incident.Title);
    }
}
