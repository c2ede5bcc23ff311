using System.Buffers.Binary;
using System.Numerics;

namespace Analytics.Ingest.Events;

/// <summary>
/// A small direct-mapped cache in front of <see cref="StringPool"/> for one dimension field. A
/// value's slot comes from its length and at most 16 of its bytes, and a hit is confirmed by a
/// byte compare, so a repeated value costs no hash of the whole string. Only values the pool
/// keeps are cached, so the pool's bound and overflow count mean what they did. Not thread-safe.
/// </summary>
internal sealed class InternCache
{

    /// <summary>Longer values (rare for dimensions) go straight to the pool.</summary>
    private const int MaxKeyBytes = 32;

    private readonly StringPool _pool;
    private readonly int _slotBits;
    private readonly byte[] _keys;
    private readonly byte[] _lengths;
    private readonly string[] _values;

    /// <param name="pool">Where values are interned.</param>
    /// <param name="slotBits">log2 of the slots: about twice the field's usual distinct values.</param>
    public InternCache(StringPool pool, int slotBits = 6)
    {
        _pool = pool;
        _slotBits = slotBits;
        _keys = new byte[(1 << slotBits) * MaxKeyBytes];
        _lengths = new byte[1 << slotBits];
        _values = new string[1 << slotBits];
    }

    /// <summary>The pooled string for a non-empty UTF-8 value.</summary>
    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxKeyBytes)
        {
            return _pool.GetOrAdd(utf8);
        }

        var slot = Slot(utf8, _slotBits);
        var key = _keys.AsSpan(slot * MaxKeyBytes, MaxKeyBytes);

        // Empty slots have length 0, which no value has.
        if (_lengths[slot] == utf8.Length && SameBytes(utf8, key))
        {
            return _values[slot];
        }

        var value = _pool.GetOrAdd(utf8, out var kept);
        if (kept)
        {
            utf8.CopyTo(key);
            _lengths[slot] = (byte)utf8.Length;
            _values[slot] = value;
        }

        return value;
    }

    /// <summary>Whether <paramref name="key"/> starts with <paramref name="value"/> (at most 32 bytes).</summary>
    private static bool SameBytes(ReadOnlySpan<byte> value, ReadOnlySpan<byte> key)
    {
        // Two overlapping loads cover 4 to 16 bytes without a loop or a call.
        var n = value.Length;
        if (n >= 8 && n <= 16)
        {
            return BinaryPrimitives.ReadUInt64LittleEndian(value) == BinaryPrimitives.ReadUInt64LittleEndian(key)
                && BinaryPrimitives.ReadUInt64LittleEndian(value[(n - 8)..]) == BinaryPrimitives.ReadUInt64LittleEndian(key[(n - 8)..]);
        }

        if (n >= 4 && n < 8)
        {
            return BinaryPrimitives.ReadUInt32LittleEndian(value) == BinaryPrimitives.ReadUInt32LittleEndian(key)
                && BinaryPrimitives.ReadUInt32LittleEndian(value[(n - 4)..]) == BinaryPrimitives.ReadUInt32LittleEndian(key[(n - 4)..]);
        }

        if (n < 4)
        {
            return value[0] == key[0] && value[n - 1] == key[n - 1] && value[n / 2] == key[n / 2];
        }

        return value.SequenceEqual(key[..n]);
    }

    private static int Slot(ReadOnlySpan<byte> s, int slotBits)
    {
        // Values of one field tend to differ at their ends (versions, numbered ids), so mix both.
        ulong x;
        if (s.Length >= 8)
        {
            x = BinaryPrimitives.ReadUInt64LittleEndian(s) ^ BitOperations.RotateLeft(BinaryPrimitives.ReadUInt64LittleEndian(s[^8..]), 29);
        }
        else if (s.Length >= 4)
        {
            x = BinaryPrimitives.ReadUInt32LittleEndian(s) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(s[^4..]) << 32);
        }
        else
        {
            x = s[0] | ((ulong)s[^1] << 8) | ((ulong)s[s.Length / 2] << 16);
        }

        x += (ulong)s.Length;
        return (int)((x * 0x9E3779B97F4A7C15UL) >> (64 - slotBits));
    }
}
