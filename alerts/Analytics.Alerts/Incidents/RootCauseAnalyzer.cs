using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// Groups one window's firing alerts into problems, so an outage pages once with its root named.
/// <list type="number">
/// <item>Candidates are firing alerts on root dimensions (location: cdn, pop, region, country; release and
///   content: app_version, title_id), most severe first, then narrowest (least traffic, then most dimensions once
///   the topology adds implied parents: a POP before its CDN), then by key for determinism.</item>
/// <item>Each candidate not yet explained becomes a root. Every other firing alert S not yet assigned is its
///   symptom when the root explains it: S's slice lies inside the root's (topology included); or, with a
///   <see cref="WindowContext"/>, S's slice read broken down by the root's dimensions, with the root's traffic
///   removed, no longer breaches S's threshold (rate metrics subtract numerator and denominator); or, without a
///   context (or for a metric that is not a rate), S's labels carry the root's dimension values.</item>
/// <item>Firing alerts left over are roots of their own.</item>
/// <item>Roots on a coarse slice (global, one region or one CDN) are localised with <see cref="Adtributor"/>.</item>
/// </list>
/// Slices that share no traffic with the root (different values of a common dimension) are never its symptoms.
/// </summary>
internal sealed class RootCauseAnalyzer
{
    private static readonly HashSet<string> CoarseDimensions = new(["region", "cdn"], StringComparer.Ordinal);
    private readonly IncidentOptions _options;
    private readonly Topology _topology;

    public RootCauseAnalyzer(IncidentOptions options, Topology topology)
    {
        _options = options;
        _topology = topology;
    }

    public async Task<WindowFindings> AnalyzeAsync(long windowStartMs, long windowMs, IReadOnlyList<AlertSignal> signals, WindowContext? context, CancellationToken ct)
    {
        foreach (var signal in signals)
        {
            _topology.Observe(signal.Slice);
        }

        var firing = signals.Where(s => s.State == AlertState.Firing).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var candidates = firing.Where(IsCandidate)
            .OrderBy(s => s.Severity)
            .ThenBy(s => s.Volume)
            .ThenByDescending(s => _topology.Expand(s.Slice).Dimensions.Count)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
        var roots = new List<AlertSignal>();
        var symptomOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in candidates.Concat(firing.Where(s => !IsCandidate(s))))
        {
            if (symptomOf.ContainsKey(root.Key) || roots.Contains(root))
            {
                continue;
            }

            roots.Add(root);
            if (!IsCandidate(root))
            {
                continue;
            }

            foreach (var other in firing.Where(s => s != root && !symptomOf.ContainsKey(s.Key) && !roots.Contains(s)))
            {
                if (await ExplainsAsync(root, other, windowStartMs, windowMs, context, ct))
                {
                    symptomOf[other.Key] = root.Key;
                }
            }
        }

        var culprits = new Dictionary<string, IReadOnlyList<Culprit>>(StringComparer.Ordinal);
        if (context is not null)
        {
            foreach (var root in roots.Where(IsCoarse))
            {
                var found = await LocalizeAsync(root, windowStartMs, windowMs, context, ct);
                if (found.Count > 0)
                {
                    culprits[root.Key] = found;
                }
            }
        }

        return new WindowFindings(roots, symptomOf, culprits);
    }

    /// <summary>Whether <paramref name="root"/> explains <paramref name="symptom"/>'s breach (see the class summary).</summary>
    public async Task<bool> ExplainsAsync(AlertSignal root, AlertSignal symptom, long windowStartMs, long windowMs, WindowContext? context, CancellationToken ct)
    {
        if (_topology.Disjoint(root.Slice, symptom.Slice))
        {
            return false;
        }

        if (_topology.Contains(root.Slice, symptom.Slice))
        {
            return true;
        }

        var rate = RateMetrics.Find(symptom.Metric);
        var threshold = symptom.Threshold ?? symptom.Baseline;
        if (context is null || rate is null || threshold is null || symptom.Value is null)
        {
            return ByLabels(root, symptom);
        }

        var by = symptom.Slice.Names.Union(root.Slice.Names, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rows = await context.Slices.ReadAsync(new SliceQuery(by, windowStartMs, windowMs), symptom.Slice, ct);
        _topology.Observe(rows);
        double num = 0, den = 0, rootNum = 0, rootDen = 0;
        foreach (var row in rows.Where(r => symptom.Slice.Contains(r.Slice)))
        {
            var n = rate.NumeratorOf(row.Values);
            var d = rate.DenominatorOf(row.Values);
            num += n;
            den += d;
            if (_topology.Contains(root.Slice, row.Slice))
            {
                rootNum += n;
                rootDen += d;
            }
        }

        if (rootDen <= 0)
        {
            return false;
        }

        if (den - rootDen <= 0)
        {
            return true;
        }

        var without = (num - rootNum) / (den - rootDen);
        var breachIsHigh = symptom.Value.Value >= threshold.Value;
        return breachIsHigh ? without < threshold.Value : without > threshold.Value;
    }

    /// <summary>Without the numbers: the symptom's labels (or slice) carry every dimension value of the root.</summary>
    public static bool ByLabels(AlertSignal root, AlertSignal symptom)
        => root.Slice.Dimensions.All(d => symptom.Slice[d.Key] == d.Value || (symptom.Labels.TryGetValue(d.Key, out var v) && v == d.Value));

    private async Task<IReadOnlyList<Culprit>> LocalizeAsync(AlertSignal root, long windowStartMs, long windowMs, WindowContext context, CancellationToken ct)
    {
        var baselineStart = context.BaselineWindowStartMs ?? (Math.Min(root.SinceMs, windowStartMs) - windowMs);
        var dims = _options.LocalizationDimensions;
        var current = await context.Slices.ReadAsync(new SliceQuery(dims, windowStartMs, windowMs), root.Slice, ct);
        var baseline = await context.Slices.ReadAsync(new SliceQuery(dims, baselineStart, windowMs), root.Slice, ct);
        _topology.Observe(current);
        var adtributor = new Adtributor(_options.LocalizationExplainedShare, _options.LocalizationMinElementShare);
        var rate = RateMetrics.Find(root.Metric);
        var result = rate is null
            ? adtributor.Localize(root.Slice, dims, current, baseline, v => v.GetValueOrDefault(root.Metric), scale: null)
            : adtributor.Localize(root.Slice, dims, current, baseline, rate.NumeratorOf, rate.DenominatorOf);
        return result.Culprits;
    }

    private bool IsCandidate(AlertSignal s)
        => !s.Slice.IsGlobal && s.Slice.Names.All(n => _options.RootDimensions.Contains(n, StringComparer.Ordinal));

    private static bool IsCoarse(AlertSignal s)
        => s.Slice.IsGlobal || (s.Slice.Dimensions.Count == 1 && CoarseDimensions.Contains(s.Slice.Dimensions[0].Key));
}
