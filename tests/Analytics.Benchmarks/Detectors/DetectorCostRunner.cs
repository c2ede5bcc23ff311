using System.Diagnostics;
using System.Globalization;
using Analytics.Alerts.Detectors;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.Detectors;

/// <summary>
/// Per-point cost and state size of every value detector, in two modes measured side by side in each
/// round: one long series (the CLI, a backtest) and many series in turn (live alerting, where each
/// detector's state is cold in cache when its next window arrives).
/// </summary>
internal sealed class DetectorCostRunner(DetectorCostOptions options)
{
    private const long FiveMinutes = 300_000;

    public string Run(string command)
    {
        var names = DetectorCatalog.Names.Where(n => DetectorCatalog.Create(n) is IAnomalyDetector).ToList();
        var values = Values(options.Points);
        var single = names.ToDictionary(n => n, _ => new List<double>());
        var live = names.ToDictionary(n => n, _ => new List<double>());
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var name in names)
            {
                single[name].Add(SingleSeries(name, values));
                live[name].Add(ManySeries(name, values));
            }

            Progress.Report(F($"round {round}/{options.Rounds}: ensemble {Stats.Of(single["ensemble"]).Median:F0} ns/point alone, {Stats.Of(live["ensemble"]).Median:F0} ns/point over {options.Series:N0} series"));
        }

        var table = new MarkdownTable("detector", ">ns/point, one series", ">points/s", ">ns/point, many series", ">points/s", ">state bytes", ">heap bytes");
        foreach (var name in names)
        {
            var a = Stats.Of(single[name]);
            var b = Stats.Of(live[name]);
            var (state, heap) = Footprint(name, values);
            table.Row(name, F($"{a.Median:F0} ({a.Min:F0}–{a.Max:F0})"), Rate(a.Median), F($"{b.Median:F0} ({b.Min:F0}–{b.Max:F0})"), Rate(b.Median), F($"{state:N0}"), F($"{heap:N0}"));
        }

        var ensemble = Stats.Of(live["ensemble"]).Median;
        var text = $"""
            # Detector cost

            `{command}`

            {MachineInfo.Current()}. {options.Points:N0} points per detector and mode, {options.Rounds} rounds (median, min–max);
            one thread. "Many series": {options.Series:N0} detectors, each scoring one point in turn.
            State bytes: `DetectorState.Save` after the run (what survives a restart). Heap bytes: managed
            memory per live detector, from 2,000 detectors after warm-up.

            {table}

            100,000 live series scored every 10 s with the ensemble: {F($"{100_000 / 10.0 * ensemble / 1e9:P2}")} of one core.
            """;
        return text;
    }

    private static string Rate(double nsPerPoint) => F($"{1e9 / nsPerPoint / 1e6:F2}M");

    /// <summary>A daily curve with noise and a few anomalies, 5-minute points: what QoE counts look like.</summary>
    private static double[] Values(int count)
    {
        var random = new Random(7);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var hour = (i % 288) / 12.0;
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = 1000 + (600 * Math.Sin(2 * Math.PI * (hour - 9) / 24)) + (30 * noise) + (i % 5_003 == 0 ? 800 : 0);
        }

        return values;
    }

    private static double SingleSeries(string name, double[] values)
    {
        var detector = (IAnomalyDetector)DetectorCatalog.Create(name);
        var sink = 0.0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < values.Length; i++)
        {
            sink += detector.Score(i * FiveMinutes, values[i]);
        }

        clock.Stop();
        GC.KeepAlive(sink);
        return clock.Elapsed.TotalNanoseconds / values.Length;
    }

    private double ManySeries(string name, double[] values)
    {
        var detectors = Enumerable.Range(0, options.Series).Select(_ => (IAnomalyDetector)DetectorCatalog.Create(name)).ToArray();
        var perSeries = values.Length / detectors.Length;
        var sink = 0.0;
        var clock = Stopwatch.StartNew();
        for (var t = 0; t < perSeries; t++)
        {
            for (var s = 0; s < detectors.Length; s++)
            {
                sink += detectors[s].Score(t * FiveMinutes, values[(s * 7919 + t) % values.Length]);
            }
        }

        clock.Stop();
        GC.KeepAlive(sink);
        return clock.Elapsed.TotalNanoseconds / (perSeries * (double)detectors.Length);
    }

    private static (int State, long Heap) Footprint(string name, double[] values)
    {
        const int Count = 2_000;
        var before = ProcessMemory.CollectAndMeasureHeap();
        var detectors = new IAnomalyDetector[Count];
        for (var s = 0; s < Count; s++)
        {
            detectors[s] = (IAnomalyDetector)DetectorCatalog.Create(name);
            for (var t = 0; t < 2_000; t++)
            {
                detectors[s].Score(t * FiveMinutes, values[(s * 7919 + t) % values.Length]);
            }
        }

        var heap = (ProcessMemory.CollectAndMeasureHeap() - before) / Count;
        var state = DetectorState.Save(detectors[0]).Length;
        GC.KeepAlive(detectors);
        return (state, heap);
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
