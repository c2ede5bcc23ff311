using Analytics.Ingest.Events;

namespace Analytics.Processors.Dimensions;

/// <summary>
/// Interns dimension combinations for one partition, so sessions with the same dimensions share one
/// <see cref="SessionDims"/> and every cube row key exists once. Entries no longer referenced are
/// dropped by <see cref="Compact"/>.
/// </summary>
internal sealed class DimensionCatalog
{
    private readonly IReadOnlyList<Cube> _cubes;
    // Keyed by the SessionDims itself (value equality): a dictionary keyed by EventDimensions would
    // hold every combination twice.
    private readonly HashSet<SessionDims> _dims = new(SessionDims.ValueComparer);
    private readonly Dictionary<CubeKey, CubeKey>[] _keys;

    public DimensionCatalog(IReadOnlyList<Cube> cubes)
    {
        _cubes = cubes;
        _keys = cubes.Select(_ => new Dictionary<CubeKey, CubeKey>()).ToArray();
    }

    public IReadOnlyList<Cube> Cubes => _cubes;

    public int Count => _dims.Count;

    public SessionDims Intern(in EventDimensions values)
    {
        if (_dims.TryGetValue(new SessionDims(values, []), out var dims))
        {
            return dims;
        }

        var keys = new CubeKey[_cubes.Count];
        for (var c = 0; c < _cubes.Count; c++)
        {
            var cube = _cubes[c];
            var parts = new string[cube.Dimensions.Length];
            for (var d = 0; d < parts.Length; d++)
            {
                parts[d] = cube.Dimensions[d].ValueOf(values);
            }

            var key = new CubeKey(parts);
            if (!_keys[c].TryGetValue(key, out var interned))
            {
                _keys[c].Add(key, key);
                interned = key;
            }

            keys[c] = interned;
        }

        dims = new SessionDims(values, keys);
        _dims.Add(dims);
        return dims;
    }

    public CubeKey InternKey(int cube, string[] values)
    {
        var key = new CubeKey(values);
        if (_keys[cube].TryGetValue(key, out var interned))
        {
            return interned;
        }

        _keys[cube].Add(key, key);
        return key;
    }

    /// <summary>Keeps only the combinations still in use; called from time to time so the catalog cannot grow forever.</summary>
    public void Compact(IEnumerable<SessionDims> live, IEnumerable<(int Cube, CubeKey Key)> liveKeys)
    {
        _dims.Clear();
        foreach (var k in _keys)
        {
            k.Clear();
        }

        foreach (var d in live)
        {
            _dims.Add(d);
            for (var c = 0; c < d.Keys.Length; c++)
            {
                _keys[c].TryAdd(d.Keys[c], d.Keys[c]);
            }
        }

        foreach (var (cube, key) in liveKeys)
        {
            _keys[cube].TryAdd(key, key);
        }
    }
}
