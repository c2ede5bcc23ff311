namespace Analytics.Processors.Aggregates;

/// <summary>Counts and sums: attempts, plays, milliseconds, bytes. Integer, so retraction is exact.</summary>
internal readonly struct SumAggregate : IAggregate<long, long, long>
{
    public static long Init() => 0;

    public static long Accumulate(long state, long input) => state + input;

    public static long Deaccumulate(long state, long input) => state - input;

    public static long Merge(long left, long right) => left + right;

    public static long Result(long state) => state;
}
