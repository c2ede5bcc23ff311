namespace Analytics.Processors.Aggregates;

/// <summary>Numerator and denominator kept apart, so that ratios merge correctly (a ratio of sums, never an average of ratios).</summary>
internal readonly record struct RatioState(long Numerator, long Denominator)
{
    public double Value => Denominator == 0 ? double.NaN : (double)Numerator / Denominator;
}

/// <summary>A ratio such as rebuffering ratio or cache hit ratio; the input is one (numerator, denominator) observation.</summary>
internal readonly struct RatioAggregate : IAggregate<RatioState, RatioState, double>
{
    public static RatioState Init() => default;

    public static RatioState Accumulate(RatioState state, RatioState input)
        => new(state.Numerator + input.Numerator, state.Denominator + input.Denominator);

    public static RatioState Deaccumulate(RatioState state, RatioState input)
        => new(state.Numerator - input.Numerator, state.Denominator - input.Denominator);

    public static RatioState Merge(RatioState left, RatioState right) => Accumulate(left, right);

    public static double Result(RatioState state) => state.Value;
}

/// <summary>
/// Time-weighted average, e.g. bitrate weighted by the milliseconds each rendition played.
/// The input is (value, duration); the state is Σ value·duration over Σ duration.
/// </summary>
internal readonly struct TimeWeightedAverageAggregate : IAggregate<RatioState, (long Value, long DurationMs), double>
{
    public static RatioState Init() => default;

    public static RatioState Accumulate(RatioState state, (long Value, long DurationMs) input)
        => RatioAggregate.Accumulate(state, new RatioState(input.Value * input.DurationMs, input.DurationMs));

    public static RatioState Deaccumulate(RatioState state, (long Value, long DurationMs) input)
        => RatioAggregate.Deaccumulate(state, new RatioState(input.Value * input.DurationMs, input.DurationMs));

    public static RatioState Merge(RatioState left, RatioState right) => RatioAggregate.Merge(left, right);

    public static double Result(RatioState state) => state.Value;
}
