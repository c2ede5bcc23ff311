using System.Text;
using System.Text.Json;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.Sessions;

/// <summary>Renders a <see cref="SessionMemoryResult"/> as markdown (printed and saved) and JSON.</summary>
internal static class SessionMemoryReport
{
    /// <summary>Issue 3's target.</summary>
    public const double TargetBytesPerSession = 1024;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Markdown(SessionMemoryResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Units.F($"## Memory per open session, run of {r.StartedUtc:yyyy-MM-dd HH:mm} UTC"));
        sb.AppendLine();
        sb.AppendLine($"- Command: `{r.Command}`");
        sb.AppendLine($"- Machine: {r.Machine}");
        sb.AppendLine($"- One PartitionProcessor, {r.Configuration}; every session gets play_request, first_frame and {r.Heartbeats} heartbeat(s) 10 s apart, all sessions starting within {SessionBeacons.SpreadMs / 1000} s, fed phase by phase so event time only moves forward: every session stays open");
        sb.AppendLine(Units.F($"- Managed heap measured after full compacting collections, relative to the empty partition; the two counts are independent runs in one process; peak RSS {Units.Megabytes(r.PeakRssBytes)}"));
        sb.AppendLine();
        var points = new MarkdownTable(">open sessions", ">managed heap growth", ">bytes per session", ">pending beacons per session", ">dimension combinations", ">open windows", ">window rows fired", ">feed s");
        foreach (var p in r.Points)
        {
            points.Row(
                Units.Count(p.ActiveSessions),
                Units.Megabytes(p.HeapDeltaBytes),
                Units.F($"{p.BytesPerSession:F0}"),
                Units.F($"{p.PendingBeaconsPerSession:F1}"),
                Units.Count(p.DimensionCombinations),
                Units.Count(p.OpenWindows),
                Units.Count(p.WindowRows),
                Units.F($"{p.FeedSeconds:F1}"));
        }

        sb.AppendLine(points.ToString());
        sb.AppendLine(Units.F($"Marginal cost between the two runs: {r.MarginalBytesPerSession:F0} B per session."));
        sb.AppendLine();
        var last = r.Points[^1];
        sb.AppendLine(Units.F($"Target ≤ {TargetBytesPerSession:F0} B per session at {Units.Count(last.ActiveSessions)} sessions: {last.BytesPerSession:F0} B, {(last.BytesPerSession <= TargetBytesPerSession ? "within" : "OVER")} the target."));
        sb.AppendLine();
        var parts = new MarkdownTable("part", ">bytes per session", "how");
        foreach (var p in r.Breakdown)
        {
            parts.Row(p.Part, Units.F($"{p.BytesPerSession:F0}"), p.How);
        }

        sb.AppendLine(Units.F($"Breakdown of the marginal cost (sizeof(SessionCore) = {r.SessionCoreBytes} B, sizeof(SessionEvent) = {r.SessionEventBytes} B):"));
        sb.AppendLine();
        sb.AppendLine(parts.ToString());
        return sb.ToString();
    }

    public static async Task<string> SaveAsync(SessionMemoryResult r, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var stamp = r.StartedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var md = Path.Combine(directory, $"sessions-{stamp}.md");
        await File.WriteAllTextAsync(md, Markdown(r), ct);
        await File.WriteAllTextAsync(Path.ChangeExtension(md, ".json"), JsonSerializer.Serialize(r, Json), ct);
        return md;
    }
}
