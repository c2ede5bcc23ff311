namespace Analytics.Alerts.Metrics;

/// <summary>One family of fact tables (<c>qoe_&lt;cube&gt;_1m</c>, its view) and the dimensions it groups by.</summary>
internal sealed record Cube(string Name, IReadOnlyList<string> Dimensions, IReadOnlyList<long> WindowsMs)
{
    public string Table(long windowMs) => $"qoe_{Name}_{(windowMs % 60_000 == 0 ? $"{windowMs / 60_000}m" : $"{windowMs / 1000}s")}";
}

/// <summary>The cubes the processor writes, and which one answers a rule's <c>by</c>.</summary>
internal static class Cubes
{
    public const long TenSecondsMs = 10_000;
    public const long OneMinuteMs = 60_000;

    /// <summary>
    /// The processor's cubes and the window tables its migrations create, in tie-break order: the
    /// first smallest cube holding every dimension wins.
    /// </summary>
    public static IReadOnlyList<Cube> All { get; } = FromProcessor();

    /// <summary>Every dimension of any cube, for "did you mean" hints.</summary>
    public static IReadOnlyList<string> Dimensions { get; } = [.. All.SelectMany(c => c.Dimensions).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The smallest cube that has every dimension of <paramref name="by"/> (ties go to the earlier cube)
    /// and, when given, a table of <paramref name="windowMs"/>; null when none does. <c>by: []</c>
    /// (global) reads the smallest cube: every cube counts all the traffic.
    /// </summary>
    public static Cube? CubeFor(IEnumerable<string> by, long? windowMs = null)
    {
        var dims = by.ToList();
        return All.Where(c => dims.All(d => c.Dimensions.Contains(d, StringComparer.Ordinal)))
            .Where(c => windowMs is not { } w || c.WindowsMs.Contains(w))
            .OrderBy(c => c.Dimensions.Count)
            .FirstOrDefault();
    }

    private static List<Cube> FromProcessor()
    {
        var defaults = new Processors.Pipeline.ProcessorOptions();
        var sizes = defaults.ResolveWindows().Sizes;
        var bySize = defaults.CubesBySize();
        return [.. defaults.ResolveCubes().Select((c, i) => new Cube(
            c.Name,
            [.. c.Dimensions.Select(d => Processors.Dimensions.Dimensions.ColumnName(d))],
            [.. sizes.Where((_, s) => bySize[s].Contains(i))]))];
    }

    public static bool IsDimension(string name) => Dimensions.Contains(name, StringComparer.Ordinal);
}
