using System.Text;

namespace Analytics.Ingest.Events;

/// <summary>
/// Interns low-cardinality UTF-8 values (regions, CDNs, app versions) so that decoding an event
/// allocates nothing once the dimension values have been seen. When full, values are still
/// returned but not kept, so a flood of unique values costs allocations, never unbounded memory.
/// Not thread-safe: one pool per decoding thread.
/// </summary>
internal sealed class StringPool
{
    private Entry[] _entries;
    private int _count;

    public StringPool(int maxEntries = 1 << 16)
    {
        if (maxEntries < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "must be at least 16");
        }

        MaxEntries = maxEntries;
        _entries = new Entry[64];
    }

    public int MaxEntries { get; }

    public int Count => _count;

    /// <summary>Values returned without being kept because the pool was full.</summary>
    public long Overflows { get; private set; }

    public string GetOrAdd(ReadOnlySpan<byte> utf8) => GetOrAdd(utf8, out _);

    /// <summary>As <see cref="GetOrAdd(ReadOnlySpan{byte})"/>; <paramref name="kept"/> says whether the pool holds the value.</summary>
    public string GetOrAdd(ReadOnlySpan<byte> utf8, out bool kept)
    {
        kept = true;
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        var hash = (uint)StableHash.Hash64(utf8);
        var mask = _entries.Length - 1;
        var i = (int)(hash & (uint)mask);
        while (true)
        {
            ref var e = ref _entries[i];
            if (e.Value is null)
            {
                break;
            }

            if (e.Hash == hash && utf8.SequenceEqual(e.Key))
            {
                return e.Value;
            }

            i = (i + 1) & mask;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (_count >= MaxEntries)
        {
            Overflows++;
            kept = false;
            return value;
        }

        _entries[i] = new Entry(hash, utf8.ToArray(), value);
        _count++;
        if (_count * 2 > _entries.Length)
        {
            Grow();
        }

        return value;
    }

    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        var mask = _entries.Length - 1;
        foreach (var e in old)
        {
            if (e.Value is null)
            {
                continue;
            }

            var i = (int)(e.Hash & (uint)mask);
            while (_entries[i].Value is not null)
            {
                i = (i + 1) & mask;
            }

            _entries[i] = e;
        }
    }

    private readonly record struct Entry(uint Hash, byte[] Key, string Value);
}
