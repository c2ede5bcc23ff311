using System.Globalization;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Evaluation;
using Analytics.Alerts.Rules.Testing;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Tests.Rules;

/// <summary>The evaluator's state machine, re-evaluation, saved state and memory bounds.</summary>
public sealed class RuleEvaluatorTests
{
    private const long Minute = 60_000;
    private const long Start = 1_768_478_400_000; // 2026-01-15T12:00:00Z

    private static readonly Slice Pop = Slice.Parse("cdn=oca,pop=iad-2");

    private static RuleSet Threshold(double fire, double clear, int forWindows, double minVolume)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"name: R\nmetric: vsf_rate\nby: [cdn, pop]\nmin_volume: {minVolume}\nseverity: P0\ncondition: {{threshold: {{above: {fire}, clear_below: {clear}, for: {forWindows}}}}}");
        var (set, problems) = RuleFiles.Parse(RuleFiles.OneRule(text));
        Assert.Empty(problems);
        return set;
    }

    private static FixtureSliceSource Source(Slice slice, double?[] attempts, double?[] failures)
        => new(Minute, [new FixtureSeries(slice, Start, new Dictionary<string, IReadOnlyList<double?>> { ["attempts"] = attempts, ["video_start_failures"] = failures })]);

    /// <summary>
    /// Threshold + for + hysteresis against its definition, written declaratively: run(t) counts consecutive
    /// breaches; firing(t) = (breach and run ≥ for) or (firing(t−1) and not clear); pending = breach and not
    /// firing; resolved = firing(t−1) and clear. Under min volume nothing is judged.
    /// </summary>
    [Fact]
    public async Task Threshold_for_and_hysteresis_match_a_reference_over_random_series()
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var random = new Random(seed);
            var (fire, clear, forWindows, minVolume) = (0.2 + (random.NextDouble() * 0.3), 0.05 + (random.NextDouble() * 0.15), random.Next(1, 5), 50.0);
            var n = 40;
            var attempts = Enumerable.Range(0, n).Select(_ => (double?)(random.NextDouble() < 0.15 ? random.Next(0, 50) : 100)).ToArray();
            var failures = attempts.Select(a => (double?)Math.Round(a!.Value * random.NextDouble() * 0.6)).ToArray();
            var evaluator = new RuleEvaluator(Threshold(fire, clear, forWindows, minVolume));
            var source = Source(Pop, attempts, failures);

            var (run, firing, since) = (0, false, -1);
            for (var t = 0; t < n; t++)
            {
                var signal = (await evaluator.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)).SingleOrDefault();
                var judged = attempts[t] >= minVolume && attempts[t] > 0;
                var value = failures[t]!.Value / attempts[t]!.Value;
                var breach = judged && value > fire;
                var cleared = judged && value <= clear;
                run = breach ? run + 1 : 0;
                var wasFiring = firing;
                firing = (breach && run >= forWindows) || (wasFiring && !cleared);
                var pending = breach && !firing;
                since = (wasFiring || pending || firing) && (since >= 0 && (wasFiring || run > 1)) ? since : t;
                AlertState? expected = firing ? AlertState.Firing : pending ? AlertState.Pending : wasFiring && cleared ? AlertState.Resolved : null;

                Assert.True(expected == signal?.State, $"seed {seed}, window {t}: expected {expected}, got {signal?.State} (value {value:F3}, fire {fire:F3}, clear {clear:F3}, for {forWindows})");
                if (signal is not null && expected != AlertState.Resolved)
                {
                    Assert.Equal(Start + (since * Minute), signal.SinceMs);
                }
            }
        }
    }

    [Fact]
    public async Task The_same_window_twice_does_not_advance_the_state()
    {
        var evaluator = new RuleEvaluator(Threshold(0.3, 0.1, 3, 10));
        var source = Source(Pop, [100, 100, 100], [50, 50, 50]);

        var first = await evaluator.EvaluateAsync(Start, Minute, source, CancellationToken.None);
        var again = await evaluator.EvaluateAsync(Start, Minute, source, CancellationToken.None);
        var second = await evaluator.EvaluateAsync(Start + Minute, Minute, source, CancellationToken.None);
        var older = await evaluator.EvaluateAsync(Start, Minute, source, CancellationToken.None);
        var third = await evaluator.EvaluateAsync(Start + (2 * Minute), Minute, source, CancellationToken.None);

        Assert.Equal(AlertState.Pending, Assert.Single(first).State);
        Assert.Same(first[0], Assert.Single(again));
        Assert.Equal(AlertState.Pending, Assert.Single(second).State);
        Assert.Empty(older);
        Assert.Equal(AlertState.Firing, Assert.Single(third).State);
    }

    [Fact]
    public async Task A_signal_carries_labels_annotations_and_the_figures()
    {
        var (set, problems) = RuleFiles.Parse(RuleFiles.OneRule(
            "name: R\nmetric: vsf_rate\nby: [cdn, pop]\nseverity: P0\nlabels: {team: delivery}\ncondition: {threshold: {above: 0.3}}\n"
            + "annotations: {summary: \"{{ value | percent }} of {{ volume | round }} at {{ pop }} ({{ rule }}, {{ severity }}) since {{ since }}\"}"));
        Assert.Empty(problems);
        var evaluator = new RuleEvaluator(set);

        var signal = Assert.Single(await evaluator.EvaluateAsync(Start, Minute, Source(Pop, [2000], [1000]), CancellationToken.None));

        Assert.Equal("R/cdn=oca,pop=iad-2", signal.Key);
        Assert.Equal((0.5, 0.3, 2000.0), (signal.Value, signal.Threshold, signal.Volume));
        Assert.Equal("delivery", signal.Labels["team"]);
        Assert.Equal("iad-2", signal.Labels["pop"]);
        Assert.Equal("R", signal.Labels["alertname"]);
        Assert.Equal("P0", signal.Labels["severity"]);
        Assert.Equal("50 % of 2,000 at iad-2 (R, P0) since 12:00", signal.Annotations["summary"]);
    }

    [Fact]
    public async Task Where_keeps_only_matching_slices()
    {
        var (set, _) = RuleFiles.Parse(RuleFiles.OneRule("name: R\nmetric: vsf_rate\nby: [cdn, pop]\nwhere: {cdn: akamai}\nseverity: P0\ncondition: {threshold: {above: 0.3}}"));
        var evaluator = new RuleEvaluator(set);
        var akamai = Slice.Parse("cdn=akamai,pop=fra-1");
        var source = new FixtureSliceSource(Minute,
        [
            new FixtureSeries(Pop, Start, new Dictionary<string, IReadOnlyList<double?>> { ["attempts"] = [100], ["video_start_failures"] = [90] }),
            new FixtureSeries(akamai, Start, new Dictionary<string, IReadOnlyList<double?>> { ["attempts"] = [100], ["video_start_failures"] = [90] }),
        ]);

        var signal = Assert.Single(await evaluator.EvaluateAsync(Start, Minute, source, CancellationToken.None));

        Assert.Equal(akamai, signal.Slice);
    }

    [Fact]
    public async Task Saved_state_resumes_exactly_including_detectors()
    {
        var rules = RuleSet.Load([RuleFiles.Pack]);
        var source = RandomTraffic(60);
        var straight = new RuleEvaluator(rules);
        var first = new RuleEvaluator(rules);
        var expected = new List<string>();
        var actual = new List<string>();
        for (var t = 0; t < 60; t++)
        {
            expected.AddRange(Describe(await straight.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)));
        }

        for (var t = 0; t < 30; t++)
        {
            actual.AddRange(Describe(await first.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)));
        }

        using var buffer = new MemoryStream();
        first.WriteState(new BinaryWriter(buffer));
        buffer.Position = 0;
        var resumed = new RuleEvaluator(rules);
        resumed.ReadState(new BinaryReader(buffer));
        Assert.Equal(first.SeriesCount, resumed.SeriesCount);
        for (var t = 30; t < 60; t++)
        {
            actual.AddRange(Describe(await resumed.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)));
        }

        Assert.Contains(expected, s => s.Contains("GlobalStartFailureAnomaly", StringComparison.Ordinal));
        Assert.Contains(expected, s => s.Contains("RegionTrafficGone", StringComparison.Ordinal) && s.Contains("Firing", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Bytes_that_are_not_state_are_refused_clearly()
    {
        var evaluator = new RuleEvaluator(RuleSet.Load([RuleFiles.Pack]));

        var ex = Assert.Throws<RuleStateException>(() => evaluator.ReadState(new BinaryReader(new MemoryStream([1, 2, 3]))));

        Assert.Contains("Delete the saved state", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Idle_slices_are_forgotten_and_a_firing_one_resolves()
    {
        var options = new RuleEvaluatorOptions { IdleEviction = TimeSpan.FromMinutes(5) };
        var evaluator = new RuleEvaluator(Threshold(0.3, 0.1, 1, 10), options: options);
        var source = Source(Pop, [100], [90]);

        Assert.Equal(AlertState.Firing, Assert.Single(await evaluator.EvaluateAsync(Start, Minute, source, CancellationToken.None)).State);
        var states = new List<AlertState>();
        for (var t = 1; t <= 7; t++)
        {
            states.AddRange((await evaluator.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)).Select(s => s.State));
        }

        Assert.Equal([.. Enumerable.Repeat(AlertState.Firing, 5), AlertState.Resolved], states);
        Assert.Equal(0, evaluator.SeriesCount);
    }

    [Fact]
    public async Task Under_min_volume_a_firing_alert_stays_and_a_pending_one_resets()
    {
        var evaluator = new RuleEvaluator(Threshold(0.3, 0.1, 2, 50));
        var source = Source(Pop, [100, 100, 10, 100, 10, 100, 100], [90, 90, 9, 90, 9, 90, 90]);

        var states = new List<string>();
        for (var t = 0; t < 7; t++)
        {
            states.Add(string.Join(",", (await evaluator.EvaluateAsync(Start + (t * Minute), Minute, source, CancellationToken.None)).Select(s => s.State)));
        }

        Assert.Equal(["Pending", "Firing", "Firing", "Firing", "Firing", "Firing", "Firing"], states);

        var pending = new RuleEvaluator(Threshold(0.3, 0.1, 2, 50));
        var quiet = Source(Pop, [100, 10, 100, 100], [90, 9, 90, 90]);
        var seen = new List<string>();
        for (var t = 0; t < 4; t++)
        {
            seen.Add(string.Join(",", (await pending.EvaluateAsync(Start + (t * Minute), Minute, quiet, CancellationToken.None)).Select(s => s.State)));
        }

        Assert.Equal(["Pending", "", "Pending", "Firing"], seen);
    }

    [Fact]
    public async Task Each_by_set_is_read_once_per_window_and_outside_where_dimensions_go_to_the_source()
    {
        var (set, problems) = RuleSet.Parse([("r.yaml", RuleFiles.OneRule(
            "name: A\nmetric: vsf_rate\nby: [cdn]\nseverity: P0\ncondition: {threshold: {above: 0.3}}")
            + "      - name: B\n        metric: ebvs_rate\n        by: [cdn]\n        severity: P1\n        condition: {threshold: {above: 0.3}}\n"
            + "      - name: C\n        metric: vsf_rate\n        by: [cdn]\n        where: {region: eu}\n        severity: P1\n        condition: {threshold: {above: 0.5}}\n")]);
        Assert.DoesNotContain(problems, p => p.IsError); // A and C overlap: a warning only
        var source = new RecordingSource();

        await new RuleEvaluator(set).EvaluateAsync(Start, Minute, source, CancellationToken.None);

        Assert.Equal(["cdn@", "cdn@region=eu"], source.Queries.Order(StringComparer.Ordinal));
    }

    private sealed class RecordingSource : ISliceSource
    {
        public List<string> Queries { get; } = [];

        public Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct)
        {
            Queries.Add($"{string.Join(',', query.By)}@{within?.ToString() ?? ""}");
            return Task.FromResult<IReadOnlyList<SliceRow>>([]);
        }
    }

    private static IEnumerable<string> Describe(IReadOnlyList<AlertSignal> signals)
        => signals.Select(s => $"{s.WindowStartMs} {s.Key} {s.State} {s.SinceMs} {s.Value} {s.Baseline}").Order(StringComparer.Ordinal);

    /// <summary>Traffic in two regions and CDNs with a VSF surge and a region going silent halfway.</summary>
    private static FixtureSliceSource RandomTraffic(int n)
    {
        var random = new Random(7);
        var series = new List<FixtureSeries>();
        foreach (var (region, pop) in new[] { ("eu", "fra-1"), ("apac", "nrt-1") })
        {
            var attempts = Enumerable.Range(0, n).Select(t => (double?)(region == "apac" && t >= 35 ? null : 1000 + random.Next(0, 50))).ToArray();
            var failures = Enumerable.Range(0, n).Select(t => (double?)(t is >= 20 and < 24 ? 300 : random.Next(5, 20))).ToArray();
            var slice = new Slice([new("region", region), new("country", region + "-1"), new("cdn", "oca"), new("pop", pop), new("title_id", "t1")]);
            series.Add(new FixtureSeries(slice, Start, new Dictionary<string, IReadOnlyList<double?>> { ["attempts"] = attempts, ["video_start_failures"] = failures }));
        }

        return new FixtureSliceSource(Minute, series);
    }
}
