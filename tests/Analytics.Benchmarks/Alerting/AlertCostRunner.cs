using System.Diagnostics;
using System.Globalization;
using System.Text;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Evaluation;
using Analytics.Alerts.Slices;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.Alerting;

/// <summary>
/// CPU to judge one window of many live series (rule × slice) with the rule engine alone: the slices
/// come from memory, so ClickHouse's share (reported by the backtest) is not in it. Half the series
/// are thresholds with hysteresis, half the volume-aware rate detector: the costliest kind.
/// </summary>
internal static class AlertCostRunner
{
    private const string Rules = """
        groups:
          - name: cost
            window: 1m
            rules:
              - name: SliceStartFailures
                metric: vsf_rate
                by: [region, country, isp, device_type]
                condition:
                  threshold: {above: 0.30, clear_below: 0.10, for: 2}
                min_volume: 5
                severity: P1
              - name: SliceStartFailureAnomaly
                metric: vsf_rate
                by: [region, country, isp, device_type]
                condition:
                  anomaly: {detector: rate, score_above: 0.99, clear_below: 0.9, for: 2}
                min_volume: 5
                severity: P2
        """;

    public static string Run(int series, int windows, string command)
    {
        var rules = RuleSet.Parse([("cost.yaml", Rules)]).Set;
        var slices = series / rules.Rules.Count;
        var source = new SyntheticSource(slices);
        var evaluator = new RuleEvaluator(rules);
        var perWindow = new List<double>();
        const long Start = 1_768_435_200_000;
        for (var w = 0; w < windows; w++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var signals = evaluator.EvaluateAsync(Start + (w * 60_000L), 60_000, source, CancellationToken.None).GetAwaiter().GetResult();
            var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Progress.Report(string.Create(CultureInfo.InvariantCulture, $"alert-cost: window {w + 1}/{windows}: {used:0.000} s CPU, {wall.Elapsed.TotalSeconds:0.000} s wall, {evaluator.SeriesCount:N0} series, {signals.Count} signals"));
            perWindow.Add(used);
        }

        // The first windows warm the detectors up and allocate the series: the steady state is what a live window costs.
        // Quiet threshold series are judged but not held, so fewer are held than judged.
        var steady = perWindow.Skip(Math.Min(5, windows / 2)).ToList();
        var stats = Stats.Of(steady);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`");
        md.AppendLine();
        md.AppendLine("| series judged (rule × slice) | held in memory | windows (steady) | CPU per window, median | min | max | target |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| {slices * rules.Rules.Count:N0} | {evaluator.SeriesCount:N0} | {steady.Count} | {stats.Median:0.000} s | {stats.Min:0.000} s | {stats.Max:0.000} s | ≤ 1 s per 10 s window |");
        return md.ToString();
    }

    /// <summary>Every slice of the query with a plausible, slowly varying start-failure count.</summary>
    private sealed class SyntheticSource(int slices) : ISliceSource
    {
        public Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct)
        {
            var rows = new List<SliceRow>(slices);
            var window = query.WindowStartMs / query.WindowMs;
            for (var i = 0; i < slices; i++)
            {
                var attempts = 20 + (i % 50);
                var failures = (double)((i + window) % 7 == 0 ? 2 : 0);
                rows.Add(new SliceRow(
                    new Slice([new("region", $"r{i % 8}"), new("country", $"c{i % 40}"), new("isp", $"isp{i / 40}"), new("device_type", $"d{i % 6}")]),
                    query.WindowStartMs,
                    new Dictionary<string, double>(StringComparer.Ordinal)
                    {
                        ["attempts"] = attempts,
                        ["video_start_failures"] = failures,
                        ["vsf_rate"] = failures / attempts,
                    }));
            }

            return Task.FromResult<IReadOnlyList<SliceRow>>(rows);
        }
    }
}
