using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.Kafka;

/// <summary>Renders a <see cref="KafkaBenchResult"/> as markdown (printed and saved, 80 columns) and JSON.</summary>
internal static class KafkaBenchReport
{
    private const int Width = 80;
    // A latency with no samples is NaN; JSON has no NaN unless spelled out.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string Markdown(KafkaBenchResult r)
    {
        var sb = new StringBuilder();
        var s = r.Settings;
        var t = r.Topic;
        sb.AppendLine(Units.F($"## Through-Kafka run of {r.StartedUtc:yyyy-MM-dd HH:mm} UTC"));
        sb.AppendLine();
        Bullet(sb, $"Command: `{r.Command}`");
        Bullet(sb, $"Machine: {r.Machine}");
        Bullet(sb, $"Kafka: librdkafka mock cluster, 3 brokers, {s.Partitions} partitions, {r.Broker}.");
        Bullet(sb, Units.F($"Topic: {Units.Count(t.Events)} beacons (seed {s.Seed}, clean traffic, {Units.Count(s.ConcurrentSessions)} sessions starting evenly over {s.EventTimeSpan.TotalMinutes:F1} min from 20:00 UTC), {Units.Megabytes(t.ValueBytes)} of JSON, {Units.Count(t.Sessions)} sessions, {t.EventTimeMinutes:F1} min of event time; produced with lz4 in {Units.Seconds(t.ProduceSeconds)}; every partition checked to start at offset 0."));
        Bullet(sb, $"Store: chDB (ClickHouse {r.ChDbVersion}) in the measuring process. `chdb-*` get a fresh database per round, migrated before timing; `discard-*` answer queries and store checkpoints in chDB but drop the fact and session inserts.");
        Bullet(sb, Units.F($"{s.Rounds} interleaved rounds, a fresh consumer group each; median and min–max over rounds. Time runs from the first message consumed to the end (for the processor: rows written, partitions checkpointed, offsets committed); the group join before it is apart. CPU: the measuring process's (Process.TotalProcessorTime) over the same span."));
        sb.AppendLine();

        var consume = r.Phases.FirstOrDefault(p => p.Name == "consume")?.Rate.Median;
        var speed = new MarkdownTable("phase", ">events/s", ">min–max", ">per CPU-s", ">CPU/wall", ">÷ consume");
        var rows = new MarkdownTable("phase", ">rows", ">rows/s", ">MiB out", ">ckpt MiB", ">join s", ">tail s");
        foreach (var p in r.Phases)
        {
            var rate = p.Rate;
            speed.Row(
                p.Name,
                Units.Rate(rate.Median),
                $"{Units.Rate(rate.Min)}–{Units.Rate(rate.Max)}",
                Units.Rate(p.RatePerCpuSecond.Median),
                Units.F($"{p.CpuPerWall.Median:F2}"),
                consume is { } c ? Units.F($"{rate.Median / c:F2}") : "-");
            rows.Row(
                p.Name,
                Units.Count((long)p.Rows.Median),
                p.Rows.Median > 0 ? Units.Rate(p.RowsPerSecond.Median) : "-",
                Units.F($"{p.Bytes.Median / 1048576.0:F0}"),
                Units.F($"{p.CheckpointBytes.Median / 1048576.0:F1}"),
                Units.F($"{p.Startup.Median:F1}"),
                Units.F($"{p.Tail.Median:F1}"));
        }

        sb.AppendLine(speed.ToString());
        sb.AppendLine(rows.ToString());
        WriteAmplification(sb, r);
        Paragraph(sb, "MiB out: the sink's insert payloads, fact and session rows (for `consume`: the message bytes read); ckpt MiB: checkpoint inserts; tail: from the last message processed to the end. Phases:");
        foreach (var p in r.Phases)
        {
            Bullet(sb, $"{p.Name}: {p.Description}");
        }

        sb.AppendLine();
        AppendRatios(sb, r);
        AppendTotals(sb, r);
        if (r.Latency is { } l)
        {
            AppendLatency(sb, l, s);
        }

        return sb.ToString();
    }

    public static async Task<(string Markdown, string Json)> SaveAsync(KafkaBenchResult r, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var stamp = r.StartedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var md = Path.Combine(directory, $"kafka-{stamp}.md");
        var json = Path.Combine(directory, $"kafka-{stamp}.json");
        await File.WriteAllTextAsync(md, Markdown(r), ct);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(r, Json), ct);
        return (md, json);
    }

    private static void AppendRatios(StringBuilder sb, KafkaBenchResult r)
    {
        var median = r.Phases.ToDictionary(p => p.Name, p => p.Rate.Median);
        var pairs = new (string Num, string Den, string Meaning)[]
        {
            ("chdb-w2", "consume", "end to end vs the client (target ≥ 0.80)"),
            ("discard-w2", "consume", "Kafka + pipeline vs the client"),
            ("chdb-w2", "discard-w2", "what the store costs"),
            ("discard-w2", "discard-w1", "1 → 2 workers, store discarded"),
            ("chdb-w2", "chdb-w1", "1 → 2 workers, into chDB"),
        };
        var ratios = new MarkdownTable("ratio (medians)", ">value", "meaning");
        foreach (var (num, den, meaning) in pairs.Where(p => median.ContainsKey(p.Num) && median.ContainsKey(p.Den)))
        {
            ratios.Row($"{num} / {den}", Units.F($"{median[num] / median[den]:F2}"), meaning);
        }

        sb.AppendLine(ratios.ToString());
    }

    private static void AppendTotals(StringBuilder sb, KafkaBenchResult r)
    {
        if (r.Totals.Count == 0)
        {
            return;
        }

        var distinct = r.Totals.Select(x => (x.Attempts, x.Plays)).Distinct().Count();
        var agree = r.Totals.All(x => x.Agrees);
        var first = r.Totals[0];
        Paragraph(sb, Units.F($"Cross-check, sum(attempts) and sum(plays) of qoe_delivery_1m FINAL after every chdb run: {(distinct == 1 ? "the same in all" : "DIFFERENT across")} {r.Totals.Count} runs ({first.Attempts} / {first.Plays}); the produced beacons hold {first.ExpectedAttempts} play_request and {first.ExpectedPlays} first_frame: {(agree ? "agree" : "DISAGREE")}."));
    }

    private static void AppendLatency(StringBuilder sb, LatencyResult l, KafkaBenchOptions s)
    {
        var rates = l.Rates;
        Paragraph(sb, Units.F($"Latency: the simulator live at {Units.Rate(s.Rate)} beacons/s in the measuring process (achieved {Units.Rate(rates.Produced)}/s), the processor (default workers) into chDB, {l.WarmUpSeconds:F0} s warm-up, then 1 beacon in {RecordingTrafficSink.SampleEvery} sampled for {s.LatencySeconds} s. A second chDB connection polls qoe_delivery_{l.WindowSeconds:F0}s every {WindowPoller.Interval.TotalMilliseconds:F0} ms for new (window_start, source_partition) rows. A window can close once its partition gets a beacon past its end + out-of-orderness ({l.OutOfOrdernessSeconds:F0} s): \"window close\" is that beacon's produce time (from the samples)."));
        var table = new MarkdownTable("latency", ">p50 ms", ">p99 ms", ">max ms", ">samples");
        table.Row("produced → row queryable", Ms(l.ProduceToQueryable.P50), Ms(l.ProduceToQueryable.P99), Ms(l.ProduceToQueryable.Max), Units.Count(l.ProduceToQueryable.Count));
        table.Row("window close → row queryable", Ms(l.CloseToQueryable.P50), Ms(l.CloseToQueryable.P99), Ms(l.CloseToQueryable.Max), Units.Count(l.CloseToQueryable.Count));
        sb.AppendLine(table.ToString());
        var target = (l.WindowSeconds + 2) * 1000;
        Paragraph(sb, Units.F($"Processed {Units.Rate(rates.Processed)}/s over the sampled span, {Units.Count(rates.Backlog)} beacons behind at its end: {(rates.KeptUp ? "kept up" : "DID NOT KEEP UP, so these figures measure the backlog")}. Target p99 ≤ window + 2 s = {target:F0} ms: {(l.ProduceToQueryable.P99 <= target ? "met" : "not met")}. Sampled beacons whose row never showed: {l.Unseen}; producer failures: {l.ProducerFailures}{(l.FirstProducerError is null ? string.Empty : $" (first: {l.FirstProducerError})")}; failed polls: {l.PollFailures}."));
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : Units.F($"{ms:F0}");

    private static void Bullet(StringBuilder sb, string text) => Wrap(sb, text, "- ", "  ");

    private static void Paragraph(StringBuilder sb, string text)
    {
        Wrap(sb, text, string.Empty, string.Empty);
        sb.AppendLine();
    }

    /// <summary>Greedy word wrap, so the printed report fits a terminal; markdown renders it the same.</summary>
    private static void Wrap(StringBuilder sb, string text, string first, string rest)
    {
        var line = new StringBuilder(first);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                sb.AppendLine(line.ToString());
                line.Clear().Append(rest);
                empty = true;
            }

            line.Append(empty ? string.Empty : " ").Append(word);
            empty = false;
        }

        sb.AppendLine(line.ToString());
    }

    /// <summary>Rows per beacon by table, from the last round of the last processor phase into chDB.</summary>
    private static void WriteAmplification(StringBuilder sb, KafkaBenchResult r)
    {
        var sample = r.Phases.LastOrDefault(p => p.Name.StartsWith("chdb", StringComparison.Ordinal))?.Samples.LastOrDefault();
        if (sample is null || sample.RowsByTable.Count == 0)
        {
            return;
        }

        var table = new MarkdownTable("table", ">rows", ">per beacon");
        foreach (var (name, rows) in sample.RowsByTable.OrderByDescending(t => t.Value))
        {
            table.Row(name, Units.Count(rows), Units.F($"{(double)rows / sample.Messages:F3}"));
        }

        table.Row("all", Units.Count(sample.Rows), Units.F($"{(double)sample.Rows / sample.Messages:F3}"));
        table.Row("(coalesced, not written)", Units.Count(sample.CoalescedRows), Units.F($"{(double)sample.CoalescedRows / sample.Messages:F3}"));
        Paragraph(sb, "Rows written per beacon (write amplification), last round into chDB:");
        sb.AppendLine(table.ToString());
    }
}
