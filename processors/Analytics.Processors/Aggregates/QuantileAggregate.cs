using Analytics.Processors.Sketches;

namespace Analytics.Processors.Aggregates;

/// <summary>Quantiles of a distribution (video start time) through a mergeable, retractable <see cref="DdSketch"/>.</summary>
internal readonly struct QuantileAggregate : IAggregate<DdSketch, double, DdSketch>
{
    public static DdSketch Init() => new();

    public static DdSketch Accumulate(DdSketch state, double input)
    {
        state.Add(input);
        return state;
    }

    public static DdSketch Deaccumulate(DdSketch state, double input)
    {
        state.Remove(input);
        return state;
    }

    public static DdSketch Merge(DdSketch left, DdSketch right)
    {
        left.Merge(right);
        return left;
    }

    public static DdSketch Result(DdSketch state) => state;
}
