using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Testing;

namespace Analytics.Alerts.Tests.Incidents;

/// <summary>Signals, windows and a manager on a manual clock, for incident tests.</summary>
internal static class IncidentFixtures
{
    public const long WindowMs = 60_000;
    public static readonly long T0 = 1_699_999_980_000; // a minute boundary

    public static long W(int i) => T0 + (i * WindowMs);

    public static AlertSignal Firing(string slice, int window, Severity severity = Severity.P1, double value = 0.3, double volume = 1000, string rule = "vsf", IReadOnlyDictionary<string, string>? labels = null)
        => new(rule, severity, "vsf_rate", Slice.Parse(slice), W(window), WindowMs, AlertState.Firing, value, 0.02, 0.05, volume,
            labels ?? new Dictionary<string, string>(), new Dictionary<string, string> { ["summary"] = $"VSF {value:P0} at {slice}" })
        { SinceMs = W(window) };

    public static (IncidentManager Manager, ManualTimeProvider Clock) Manager(IncidentOptions? options = null)
    {
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 90_000));
        return (new IncidentManager(options ?? new IncidentOptions(), clock), clock);
    }
}

/// <summary>An <see cref="ISliceSource"/> over finest rows per window, grouping as the views do.</summary>
internal sealed class FakeSliceSource : ISliceSource
{
    private readonly Dictionary<long, List<(Slice Slice, Dictionary<string, double> Values)>> _rows = [];

    public void Add(long window, string slice, double attempts, double failures)
    {
        if (!_rows.TryGetValue(window, out var list))
        {
            _rows[window] = list = [];
        }

        list.Add((Slice.Parse(slice), new Dictionary<string, double> { ["attempts"] = attempts, ["video_start_failures"] = failures }));
    }

    public Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct)
    {
        var rows = _rows.GetValueOrDefault(query.WindowStartMs) ?? [];
        IReadOnlyList<SliceRow> grouped = [.. rows
            .Where(r => within is null || within.Contains(r.Slice))
            .GroupBy(r => new Slice(query.By.Select(d => new KeyValuePair<string, string>(d, r.Slice[d] ?? ""))))
            .Select(g => new SliceRow(g.Key, query.WindowStartMs, new Dictionary<string, double>
            {
                ["attempts"] = g.Sum(r => r.Values["attempts"]),
                ["video_start_failures"] = g.Sum(r => r.Values["video_start_failures"]),
            }))];
        return Task.FromResult(grouped);
    }
}
