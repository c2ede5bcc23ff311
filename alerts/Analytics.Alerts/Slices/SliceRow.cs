namespace Analytics.Alerts.Slices;

/// <summary>
/// One slice in one window, as the analyst views (<c>qoe_*_v</c>) compute it after grouping by the
/// slice's dimensions: the additive sums (<c>attempts</c>, <c>video_start_failures</c>, …) and the
/// derived metrics (<c>vsf_rate</c>, <c>start_time_p95_ms</c>, …), by view column name. A derived
/// metric whose denominator is zero is absent (the views' NULL).
/// </summary>
internal sealed record SliceRow(Slice Slice, long WindowStartMs, IReadOnlyDictionary<string, double> Values)
{
    public double? Get(string column) => Values.TryGetValue(column, out var v) && double.IsFinite(v) ? v : null;
}

/// <summary>What to read: every slice of <paramref name="By"/> in one window of <paramref name="WindowMs"/>.</summary>
internal sealed record SliceQuery(IReadOnlyList<string> By, long WindowStartMs, long WindowMs);

/// <summary>Where the numbers come from: ClickHouse in production, fixture series in <c>analytics rules test</c>.</summary>
internal interface ISliceSource
{
    /// <summary>Every slice of the query's dimensions with traffic in the window. Filters restrict to slices inside <paramref name="within"/>.</summary>
    Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct);
}
