using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Analytics.Ingest.Events;

/// <summary>
/// Forward-only reads over one JSON text for <see cref="BeaconScanner"/>. Each read consumes a
/// piece only in a form <see cref="System.Text.Json.Utf8JsonReader"/> certainly accepts, and
/// returns false for anything else (escapes, odd numbers, deep nesting, bad syntax): the caller
/// then leaves the whole beacon to the general decoder. Never throws on input.
/// </summary>
internal ref struct JsonCursor
{
    /// <summary>Containers a skipped value may open, counting the beacon object; the reader allows 8.</summary>
    public const int MaxNesting = 6;

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    private readonly ReadOnlySpan<byte> _json;
    private readonly Span<byte> _scratch;
    private int _pos;

    /// <param name="json">The text.</param>
    /// <param name="scratch">Where escaped strings are unescaped; the longest value read.</param>
    public JsonCursor(ReadOnlySpan<byte> json, Span<byte> scratch)
    {
        _json = json;
        _scratch = scratch;
    }

    /// <summary>Skips whitespace and returns the next byte without consuming it; 0 at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Peek()
    {
        if ((uint)_pos < (uint)_json.Length)
        {
            var b = _json[_pos];
            if (b > ' ')
            {
                return b;
            }
        }

        return PeekPastWhitespace();
    }

    /// <summary>Consumes the byte <see cref="Peek"/> returned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance() => _pos++;

    /// <summary>Whether only whitespace is left.</summary>
    public bool AtEnd()
    {
        Peek();
        return _pos >= _json.Length;
    }

    /// <summary>Consumes <paramref name="token"/> after optional whitespace.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryConsume(byte token)
    {
        if (Peek() != token)
        {
            return false;
        }

        _pos++;
        return true;
    }

    /// <summary>
    /// Reads a string value in valid UTF-8, unescaped into the scratch buffer when it has escapes.
    /// Gives up on surrogate escapes and on values longer than the scratch buffer.
    /// </summary>
    public bool TryReadString(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (Peek() != '"')
        {
            return false;
        }

        var from = _pos + 1;
        var stop = JsonStringScan.FindStop(_json, from);
        if (stop < 0)
        {
            return false;
        }

        var b = _json[stop];
        if (b == '"')
        {
            value = _json[from..stop];
            _pos = stop + 1;
            return true;
        }

        return b >= 0x80 || b == '\\' ? TryReadSlowString(from, out value) : false;
    }

    /// <summary>Reads a member name and its colon; names with escapes are left to the general decoder.</summary>
    public bool TryReadName(out ReadOnlySpan<byte> name)
    {
        name = default;
        if (Peek() != '"')
        {
            return false;
        }

        var from = _pos + 1;
        var stop = JsonStringScan.FindStop(_json, from);
        if (stop < 0 || (_json[stop] != '"' && !(_json[stop] >= 0x80 && JsonStringScan.TrySkipString(_json, from, out stop))))
        {
            return false;
        }

        if (_json[from..stop].Contains((byte)'\\'))
        {
            return false;
        }

        name = _json[from..stop];
        _pos = stop + 1;
        return TryConsume((byte)':');
    }

    /// <summary>Consumes a literal such as <c>null</c>; the caller checks what follows it.</summary>
    public bool TryReadLiteral(ReadOnlySpan<byte> literal)
    {
        if (Peek() != literal[0] || !_json[_pos..].StartsWith(literal))
        {
            return false;
        }

        _pos += literal.Length;
        return true;
    }

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    public bool TryReadBool(out bool value)
    {
        value = Peek() == 't';
        return value ? TryReadLiteral("true"u8) : TryReadLiteral("false"u8);
    }

    /// <summary>
    /// Reads an integer of at most 18 digits with no fraction or exponent, as <c>TryGetInt64</c>
    /// would. Leading zeros are JSON errors, so they are refused; <c>-0</c> reads as 0.
    /// </summary>
    public bool TryReadInt64(out long value)
    {
        value = 0;
        var negative = Peek() == '-';
        var p = negative ? _pos + 1 : _pos;
        var start = p;
        ulong v = 0;

        // Timestamps have 13 digits: take 8 at a time while they last (at most 16, below overflow).
        while (p <= _json.Length - 8 && p - start < 16 && EightDigits(BinaryPrimitives.ReadUInt64LittleEndian(_json[p..]), out var eight))
        {
            v = (v * 100_000_000) + eight;
            p += 8;
        }

        while (p < _json.Length && (uint)(_json[p] - '0') <= 9)
        {
            v = (v * 10) + (uint)(_json[p] - '0');
            p++;
        }

        var digits = p - start;
        if (digits == 0 || digits > 18 || (_json[start] == '0' && digits > 1))
        {
            return false;
        }

        if (p < _json.Length && _json[p] is (byte)'.' or (byte)'e' or (byte)'E')
        {
            return false;
        }

        value = negative ? -(long)v : (long)v;
        _pos = p;
        return true;
    }

    /// <summary>Consumes any JSON value, nested at most <see cref="MaxNesting"/> deep in all.</summary>
    public bool TrySkipValue(int depth)
    {
        switch (Peek())
        {
            case (byte)'"':
                if (!JsonStringScan.TrySkipString(_json, _pos + 1, out var end))
                {
                    return false;
                }

                _pos = end + 1;
                return true;
            case (byte)'t':
                return TryReadLiteral("true"u8);
            case (byte)'f':
                return TryReadLiteral("false"u8);
            case (byte)'n':
                return TryReadLiteral("null"u8);
            case (byte)'{':
                return depth < MaxNesting && TrySkipContainer(depth + 1, (byte)'}', members: true);
            case (byte)'[':
                return depth < MaxNesting && TrySkipContainer(depth + 1, (byte)']', members: false);
            case (byte)'-' or >= (byte)'0' and <= (byte)'9':
                return TrySkipNumber();
            default:
                return false;
        }
    }

    private bool TrySkipContainer(int depth, byte close, bool members)
    {
        _pos++;
        if (TryConsume(close))
        {
            return true;
        }

        while (true)
        {
            if ((members && !TryReadName(out _)) || !TrySkipValue(depth))
            {
                return false;
            }

            var next = Peek();
            _pos++;
            if (next == close)
            {
                return true;
            }

            if (next != ',')
            {
                return false;
            }
        }
    }

    /// <summary>The JSON number grammar; what follows is the caller's to check.</summary>
    private bool TrySkipNumber()
    {
        var p = _pos;
        if (_json[p] == '-')
        {
            p++;
        }

        var digits = Digits(p);
        if (digits == 0 || (_json[p] == '0' && digits > 1))
        {
            return false;
        }

        p += digits;
        if (p < _json.Length && _json[p] == '.')
        {
            digits = Digits(++p);
            if (digits == 0)
            {
                return false;
            }

            p += digits;
        }

        if (p < _json.Length && _json[p] is (byte)'e' or (byte)'E')
        {
            p++;
            if (p < _json.Length && _json[p] is (byte)'+' or (byte)'-')
            {
                p++;
            }

            digits = Digits(p);
            if (digits == 0)
            {
                return false;
            }

            p += digits;
        }

        _pos = p;
        return true;
    }

    private readonly int Digits(int from)
    {
        var p = from;
        while (p < _json.Length && (uint)(_json[p] - '0') <= 9)
        {
            p++;
        }

        return p - from;
    }

    /// <summary>Reads a string with escapes or non-ASCII bytes; the value is unescaped into the scratch buffer.</summary>
    private bool TryReadSlowString(int from, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!JsonStringScan.TrySkipString(_json, from, out var end))
        {
            return false;
        }

        var raw = _json[from..end];
        if (raw.IndexOf((byte)'\\') < 0)
        {
            value = raw;
            _pos = end + 1;
            return true;
        }

        if (!JsonStringScan.TryUnescape(raw, _scratch, out var n))
        {
            return false;
        }

        value = _scratch[..n];
        _pos = end + 1;
        return true;
    }

    /// <summary>The value of 8 ASCII digits read little-endian (first digit in the low byte), if they are all digits.</summary>
    private static bool EightDigits(ulong chunk, out uint value)
    {
        const ulong High = 0xF0F0F0F0F0F0F0F0UL, Zeros = 0x3030303030303030UL;
        value = 0;
        if ((chunk & High) != Zeros || ((chunk + 0x0606060606060606UL) & High) != Zeros)
        {
            return false;
        }

        // Combine neighbours in place: digit pairs, then groups of 4, then all 8.
        var d = chunk - Zeros;
        d = ((d * 10) + (d >> 8)) & 0x00FF00FF00FF00FFUL;
        d = ((d * 100) + (d >> 16)) & 0x0000FFFF0000FFFFUL;
        value = (uint)((d * 10000) + (d >> 32));
        return true;
    }

    private byte PeekPastWhitespace()
    {
        if (_pos < _json.Length && IsWhitespace(_json[_pos]))
        {
            var n = _json[_pos..].IndexOfAnyExcept(Whitespace);
            _pos = n < 0 ? _json.Length : _pos + n;
        }

        return _pos < _json.Length ? _json[_pos] : (byte)0;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
