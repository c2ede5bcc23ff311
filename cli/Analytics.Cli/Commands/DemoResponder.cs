using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>
/// The demo's stand-in for on-call: acknowledges each page a little after it opens, through the same
/// operator path as <c>analytics incidents ack</c> (an event the evaluator picks up), so the live view
/// shows the whole lifecycle. The embedded store admits one process, so a second CLI cannot do it.
/// </summary>
internal static class DemoResponder
{
    public static readonly TimeSpan AckAfter = TimeSpan.FromSeconds(45);

    public static async Task RunAsync(AlertService alerting, IncidentStore store, TimeSpan after, ILogger log, CancellationToken ct)
    {
        var acked = new HashSet<string>(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var incident in alerting.Status.Incidents.Where(i => i.Status == IncidentStatus.Triggered && now - i.TriggeredAtMs >= after.TotalMilliseconds))
            {
                if (acked.Add(incident.Id))
                {
                    await store.RecordOperatorActionAsync(incident.Id, IncidentChangeKind.Acknowledged, "demo-oncall", ct);
                    log.LogInformation("demo-oncall acknowledged {Incident}.", incident.Id);
                }
            }
        }
    }
}
