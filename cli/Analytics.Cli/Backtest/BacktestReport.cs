using System.Globalization;
using System.Text;
using Analytics.Alerts.Rules;

namespace Analytics.Cli.Backtest;

/// <summary>The backtest's tables, in Markdown that fits 80 columns where it can.</summary>
internal static class BacktestReport
{
    public static string Markdown(IReadOnlyList<BacktestResult> results, string command, int concurrency, int normalConcurrency)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`; injected scenarios at {concurrency:N0} concurrent sessions, the normal day at {normalConcurrency:N0}; 1-minute windows.");
        md.AppendLine();
        md.AppendLine("| scenario | detected | windows to incident | severity | names the slice | incidents opened |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results.Where(r => r.Outcomes.Count > 0))
        {
            foreach (var o in r.Outcomes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} ({o.Slice}) | {(o.Detected ? "yes" : "**no**")} | {o.WindowsToDetect?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {o.Severity?.ToString() ?? "-"} | {(o.NamedExactly ? "yes" : "no")} | {r.Opened.Count} |");
            }
        }

        md.AppendLine();
        foreach (var r in results.Where(r => r.Outcomes.Count == 0))
        {
            var bySeverity = string.Join(", ", Enum.GetValues<Severity>().Select(s => $"{s} {r.FalseBySeverity.GetValueOrDefault(s)}"));
            md.AppendLine(CultureInfo.InvariantCulture, $"{r.Scenario}: {r.WindowsJudged:N0} windows judged over {r.Beacons:N0} beacons; false pages: {bySeverity}.");
        }

        md.AppendLine();
        md.AppendLine("| scenario | beacons | pipeline | alerting | windows |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Beacons:N0} | {r.PipelineTime.TotalSeconds:N0} s | {r.AlertingTime.TotalSeconds:N1} s | {r.WindowsJudged:N0} |");
        }

        md.AppendLine();
        md.AppendLine("Incidents opened:");
        foreach (var r in results)
        {
            foreach (var (id, severity, slice, title) in r.Opened)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Scenario}: {id} {severity} `{slice}`: {title}");
            }
        }

        return md.ToString();
    }
}
