namespace Analytics.Processors.Dimensions;

/// <summary>
/// The dimension values of one cube row. Interned per partition, so lookups usually hit on
/// reference equality; equality still falls back to values so two equal keys never make two rows.
/// </summary>
internal sealed class CubeKey : IEquatable<CubeKey>
{
    private readonly int _hash;

    public CubeKey(string[] values)
    {
        Values = values;
        var h = new HashCode();
        foreach (var v in values)
        {
            h.Add(v, StringComparer.Ordinal);
        }

        _hash = h.ToHashCode();
    }

    public string[] Values { get; }

    public bool Equals(CubeKey? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hash != _hash || other.Values.Length != Values.Length)
        {
            return false;
        }

        for (var i = 0; i < Values.Length; i++)
        {
            if (!string.Equals(Values[i], other.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is CubeKey k && Equals(k);

    public override int GetHashCode() => _hash;

    public override string ToString() => string.Join('/', Values);
}

/// <summary>A session's dimensions and, per configured cube, the key of the rows it contributes to.</summary>
internal sealed class SessionDims
{
    public SessionDims(Analytics.Ingest.Events.EventDimensions values, CubeKey[] keys)
    {
        Values = values;
        Keys = keys;
    }

    public static IEqualityComparer<SessionDims> ValueComparer { get; } = new ByValues();

    public Analytics.Ingest.Events.EventDimensions Values { get; }

    public CubeKey[] Keys { get; }

    /// <summary>
    /// Per window size and cube, the cell this combination last wrote to; the window store fills it,
    /// so most contributions skip the lookup by key.
    /// </summary>
    public Windows.WindowCell?[]? CachedCells { get; set; }

    private sealed class ByValues : IEqualityComparer<SessionDims>
    {
        public bool Equals(SessionDims? x, SessionDims? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.Values.Equals(y.Values));

        public int GetHashCode(SessionDims obj) => obj.Values.GetHashCode();
    }
}
