namespace Analytics.Processors.Aggregates;

/// <summary>Occurrences per key, e.g. errors by code. Keys whose count returns to zero are removed.</summary>
internal readonly struct CountByKeyAggregate : IAggregate<Dictionary<string, long>, string, IReadOnlyDictionary<string, long>>
{
    public static Dictionary<string, long> Init() => new(StringComparer.Ordinal);

    public static Dictionary<string, long> Accumulate(Dictionary<string, long> state, string input) => Add(state, input, 1);

    public static Dictionary<string, long> Deaccumulate(Dictionary<string, long> state, string input) => Add(state, input, -1);

    public static Dictionary<string, long> Merge(Dictionary<string, long> left, Dictionary<string, long> right)
    {
        foreach (var (key, count) in right)
        {
            Add(left, key, count);
        }

        return left;
    }

    public static IReadOnlyDictionary<string, long> Result(Dictionary<string, long> state) => state;

    private static Dictionary<string, long> Add(Dictionary<string, long> state, string key, long count)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(state, key, out _);
        slot += count;
        if (slot == 0)
        {
            state.Remove(key);
        }

        return state;
    }
}
