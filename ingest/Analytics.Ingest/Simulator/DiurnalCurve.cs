namespace Analytics.Ingest.Simulator;

/// <summary>
/// Viewing load by local time of day: low at 4–5 am, rising through the afternoon, peaking at
/// 9 pm. Factors average 1 over a day, so a region's mean load is its weight.
/// </summary>
internal static class DiurnalCurve
{
    public const int PeakLocalHour = 21;
    public const int TroughLocalHour = 4;

    private const long MsPerHour = 3_600_000;
    private const long MsPerDay = 24 * MsPerHour;

    // Typical prime-time shape of streaming services, by local hour.
    private static readonly double[] Shape =
    [
        1.20, 0.85, 0.55, 0.38, 0.30, 0.31, 0.38, 0.50, 0.60, 0.68, 0.75, 0.82,
        0.90, 0.92, 0.95, 1.00, 1.08, 1.20, 1.40, 1.65, 1.85, 1.90, 1.80, 1.55,
    ];

    private static readonly double[] Normalised = Normalise(Shape);

    /// <summary>The load factor at a local time of day, interpolated between hours.</summary>
    public static double FactorAtLocalTime(long localMsOfDay)
    {
        localMsOfDay = ((localMsOfDay % MsPerDay) + MsPerDay) % MsPerDay;
        var hour = (int)(localMsOfDay / MsPerHour);
        var frac = (localMsOfDay - (hour * MsPerHour)) / (double)MsPerHour;
        return (Normalised[hour] * (1 - frac)) + (Normalised[(hour + 1) % 24] * frac);
    }

    /// <summary>The load factor of a region at a UTC instant.</summary>
    public static double Factor(Region region, long utcMs)
        => FactorAtLocalTime(utcMs + (region.UtcOffsetMinutes * 60_000L));

    /// <summary>Network congestion multiplier: about 1.2 at the local peak, 0.85 in the night.</summary>
    public static double Congestion(Region region, long utcMs) => 0.75 + (0.25 * Factor(region, utcMs));

    /// <summary>Each region's share of arrivals at a UTC instant (weight × local factor), written into <paramref name="loads"/>.</summary>
    public static double RegionLoads(long utcMs, Span<double> loads)
    {
        var total = 0.0;
        for (var i = 0; i < DimensionCatalog.Regions.Count; i++)
        {
            var r = DimensionCatalog.Regions[i];
            loads[i] = r.Weight * Factor(r, utcMs);
            total += loads[i];
        }

        return total;
    }

    private static double[] Normalise(double[] shape)
    {
        var mean = shape.Average();
        return shape.Select(x => x / mean).ToArray();
    }
}
