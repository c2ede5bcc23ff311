using System.Text;
using System.Text.Json;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>Renders an <see cref="EndToEndResult"/> as markdown (printed and saved) and JSON.</summary>
internal static class EndToEndReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Markdown(EndToEndResult r)
    {
        var sb = new StringBuilder();
        var s = r.Settings;
        var c = r.Corpus;
        sb.AppendLine(Units.F($"## End-to-end run of {r.StartedUtc:yyyy-MM-dd HH:mm} UTC"));
        sb.AppendLine();
        sb.AppendLine($"- Command: `{r.Command}`");
        sb.AppendLine($"- Machine: {r.Machine}");
        sb.AppendLine(Units.F($"- Events: {Units.Count(c.Events)} simulated beacons (seed {s.Seed}, {Units.Count(s.ConcurrentSessions)} concurrent sessions, clean traffic), {Units.Megabytes(c.JsonBytes)} of JSON, {c.AverageEventBytes:F0} B/event, {Units.Count(c.Sessions)} sessions, {c.EventTimeMinutes:F1} min of event time; held in memory ({Units.Megabytes(c.FootprintBytes)}), generated before any timing in {Units.Seconds(c.GenerationSeconds)}"));
        sb.AppendLine($"- Pipeline: {s.Partitions} partitions by StableHash(key) % {s.Partitions}, processed one after the other on one thread, a counting output, Finish() at the end (included in the time)");
        if (r.ChDbVersion is not null)
        {
            sb.AppendLine($"- chDB: ClickHouse {r.ChDbVersion} embedded, reading the same events from a JSON lines file (in the page cache)");
        }

        sb.AppendLine(Units.F($"- {s.Rounds} interleaved rounds; median and min–max over rounds; ratios from the medians of this run. CPU/wall is the process's CPU time over wall time (below 1: the core was partly taken by others); events per CPU-s is the median rate per second of process CPU time"));
        sb.AppendLine();

        var phases = new MarkdownTable("phase", "what", ">events/s (median)", ">min–max", ">s (median)", ">CPU/wall", ">events per CPU-s");
        foreach (var p in r.Phases)
        {
            phases.Row(p.Name, p.Description, Units.Rate(p.MedianEventsPerSecond), $"{Units.Rate(p.MinEventsPerSecond)}–{Units.Rate(p.MaxEventsPerSecond)}", Units.F($"{p.MedianSeconds:F2}"), Units.F($"{p.CpuPerWall:F2}"), Units.Rate(p.MedianEventsPerCpuSecond));
        }

        sb.AppendLine(phases.ToString());

        var ratios = new MarkdownTable("ratio", ">value", "meaning");
        foreach (var ratio in r.Ratios)
        {
            ratios.Row($"{ratio.Numerator} / {ratio.Denominator}", Units.F($"{ratio.Ratio:F2}"), ratio.Meaning);
        }

        sb.AppendLine(ratios.ToString());

        var gc = new MarkdownTable("pipeline", ">rows", ">corrections", ">sessions ended", ">timed out", ">alloc B/event", ">GC gen0/1/2", ">GC pause", ">peak heap after GC", ">of which pipeline state", ">heap before Finish", ">open sessions before Finish", ">Finish s");
        foreach (var p in r.Pipelines)
        {
            gc.Row(
                p.Name,
                Units.Count(p.Rows),
                Units.Count(p.Corrections),
                Units.Count(p.SessionsEnded),
                Units.Count(p.Timeouts),
                Units.F($"{p.AllocatedBytesPerEvent:F0}"),
                Units.F($"{p.Gen0:F0}/{p.Gen1:F0}/{p.Gen2:F0}"),
                Units.F($"{p.GcPauseMs:F0} ms ({p.GcPausePercent:F1} %)"),
                p.PeakHeapAfterGcBytes > 0 ? Units.Megabytes(p.PeakHeapAfterGcBytes) : "no GC",
                p.PeakHeapAfterGcBytes > 0 ? Units.Megabytes(p.PeakHeapAfterGcBytes - c.HeapWithCorpusBytes) : "-",
                Units.Megabytes(p.HeapBeforeFinishBytes),
                Units.Count(p.ActiveSessionsBeforeFinish),
                Units.F($"{p.FinishSeconds:F2}"));
        }

        sb.AppendLine(Units.F($"Pipeline details (medians over rounds). Heap figures include the corpus ({Units.Megabytes(c.HeapWithCorpusBytes)} of managed heap); \"pipeline state\" is the peak live heap after a GC minus that:"));
        sb.AppendLine();
        sb.AppendLine(gc.ToString());

        var memory = new MarkdownTable("when", ">RSS", ">peak RSS (VmHWM)", ">managed heap");
        foreach (var m in r.Memory)
        {
            memory.Row(m.When, Units.Megabytes(m.RssBytes), Units.Megabytes(m.PeakRssBytes), Units.Megabytes(m.ManagedHeapBytes));
        }

        sb.AppendLine("Process memory:");
        sb.AppendLine();
        sb.AppendLine(memory.ToString());

        if (r.CrossCheck is { } x)
        {
            sb.AppendLine($"Cross-check, pipeline (1 min delivery rows, final versions) vs chDB (events in the file): attempts {x.PipelineAttempts} vs {x.ChDbAttempts}, plays {x.PipelinePlays} vs {x.ChDbPlays}, errors {x.PipelineErrors} vs {x.ChDbErrors}: {(x.Agrees ? "agree" : "DISAGREE")}. Groups (minute × delivery dimensions): pipeline {x.PipelineGroups} rows, chDB {x.ChDbGroups} groups with a beacon.");
            sb.AppendLine();
        }

        return sb.ToString();
    }

    public static async Task<(string Markdown, string Json)> SaveAsync(EndToEndResult r, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var stamp = r.StartedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var md = Path.Combine(directory, $"e2e-{stamp}.md");
        var json = Path.Combine(directory, $"e2e-{stamp}.json");
        await File.WriteAllTextAsync(md, Markdown(r), ct);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(r, Json), ct);
        return (md, json);
    }
}
