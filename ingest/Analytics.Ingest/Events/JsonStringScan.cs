using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace Analytics.Ingest.Events;

/// <summary>
/// String scanning for <see cref="JsonCursor"/>: finding where a string's plain ASCII run stops
/// with 32-byte vector compares, checking escapes and UTF-8 as the reader does, and unescaping.
/// </summary>
internal static class JsonStringScan
{
    /// <summary>Bytes that end the plain ASCII run of a string: its quote, an escape, a control or non-ASCII byte.</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [.. Enumerable.Range(0, 256).Where(b => b is < 0x20 or >= 0x80 or '"' or '\\').Select(b => (byte)b)]);

    /// <summary>
    /// The first quote, backslash, control or non-ASCII byte at or after <paramref name="from"/>;
    /// -1 if none. Strings in beacons are short, so one 32-byte compare usually finds it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FindStop(ReadOnlySpan<byte> json, int from)
    {
        if (Vector256.IsHardwareAccelerated && from <= json.Length - Vector256<byte>.Count)
        {
            var mask = StopMask(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(json), (nuint)from));
            if (mask != 0)
            {
                return from + BitOperations.TrailingZeroCount(mask);
            }
        }

        return FindStopSlow(json, from);
    }

    private static int FindStopSlow(ReadOnlySpan<byte> json, int from)
    {
        var rest = json[from..];
        if (rest.IsEmpty)
        {
            return -1;
        }

        if (Vector256.IsHardwareAccelerated && rest.Length < Vector256<byte>.Count && json.Length >= Vector256<byte>.Count)
        {
            // Near the end: load the last 32 bytes and drop those before the string.
            var last = json.Length - Vector256<byte>.Count;
            var mask = StopMask(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(json), (nuint)last)) >> (from - last);
            return mask == 0 ? -1 : from + BitOperations.TrailingZeroCount(mask);
        }

        if (Vector256.IsHardwareAccelerated && rest.Length >= Vector256<byte>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(rest);
            var last = rest.Length - Vector256<byte>.Count;
            for (var offset = 0; ; offset = Math.Min(offset + Vector256<byte>.Count, last))
            {
                var mask = StopMask(Vector256.LoadUnsafe(ref start, (nuint)offset));
                if (mask != 0)
                {
                    return from + offset + BitOperations.TrailingZeroCount(mask);
                }

                if (offset == last)
                {
                    return -1;
                }
            }
        }

        var i = rest.IndexOfAny(StringStops);
        return i < 0 ? -1 : from + i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StopMask(Vector256<byte> v)
        => (Vector256.Equals(v, Vector256.Create((byte)'"')) | Vector256.Equals(v, Vector256.Create((byte)'\\'))
            | Vector256.LessThan(v, Vector256.Create((byte)0x20)) | Vector256.GreaterThan(v, Vector256.Create((byte)0x7F))).ExtractMostSignificantBits();

    /// <summary>
    /// Finds the closing quote of a string the way the reader checks it: escapes well formed,
    /// no control bytes, valid UTF-8. The content is not unescaped.
    /// </summary>
    public static bool TrySkipString(ReadOnlySpan<byte> json, int from, out int end)
    {
        var p = from;
        var ascii = true;
        while (true)
        {
            var stop = FindStop(json, p);
            if (stop < 0)
            {
                end = -1;
                return false;
            }

            var b = json[stop];
            if (b == '"')
            {
                end = stop;
                return ascii || Utf8.IsValid(json[from..stop]);
            }

            if (b >= 0x80)
            {
                ascii = false;
                p = stop + 1;
            }
            else if (b == '\\' && EscapeLength(json, stop) is > 0 and var length)
            {
                p = stop + length;
            }
            else
            {
                end = -1;
                return false;
            }
        }
    }

    /// <summary>Bytes taken by a well-formed escape at <paramref name="at"/> (its backslash), or 0.</summary>
    private static int EscapeLength(ReadOnlySpan<byte> json, int at)
    {
        if (at + 1 >= json.Length)
        {
            return 0;
        }

        return json[at + 1] switch
        {
            (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' => 2,
            (byte)'u' when at + 6 <= json.Length && Hex(json[(at + 2)..(at + 6)]) >= 0 => 6,
            _ => 0,
        };
    }

    /// <summary>
    /// Unescapes a string's raw bytes (escapes already checked well formed) into
    /// <paramref name="scratch"/>. False for surrogate escapes or when it does not fit.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> raw, Span<byte> scratch, out int length)
    {
        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (n >= scratch.Length - 3)
            {
                length = 0;
                return false;
            }

            if (raw[i] != '\\')
            {
                scratch[n++] = raw[i];
                continue;
            }

            var e = raw[++i];
            if (e == 'u')
            {
                // Surrogate pairs are rare; the general decoder handles them.
                var code = Hex(raw[(i + 1)..(i + 5)]);
                if (code is >= 0xD800 and <= 0xDFFF)
                {
                    length = 0;
                    return false;
                }

                n += ((Rune)code).EncodeToUtf8(scratch[n..]);
                i += 4;
                continue;
            }

            scratch[n++] = e switch
            {
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                _ => e, // the quote, backslash and slash stand for themselves
            };
        }

        length = n;
        return true;
    }

    /// <summary>The value of four hex digits, or -1.</summary>
    public static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            var v = d switch
            {
                >= (byte)'0' and <= (byte)'9' => d - '0',
                >= (byte)'a' and <= (byte)'f' => d - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => d - 'A' + 10,
                _ => -1,
            };
            if (v < 0)
            {
                return -1;
            }

            value = (value << 4) | v;
        }

        return value;
    }
}
