using System.Buffers.Binary;
using System.Numerics;

namespace Analytics.Ingest.Events;

/// <summary>
/// A 64-bit hash that is the same in every process and on every run, unlike <see cref="HashCode"/>.
/// Event-id hashes are kept in checkpoints, so they must survive a restart.
/// </summary>
internal static class StableHash
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;

    public static ulong Hash64(ReadOnlySpan<byte> data)
    {
        var h = Prime3 ^ ((ulong)data.Length * Prime1);
        while (data.Length >= 8)
        {
            var k = BinaryPrimitives.ReadUInt64LittleEndian(data) * Prime2;
            h ^= BitOperations.RotateLeft(k, 31) * Prime1;
            h = BitOperations.RotateLeft(h, 27) * Prime1 + Prime2;
            data = data[8..];
        }

        if (data.Length > 0)
        {
            ulong tail = 0;
            for (var i = data.Length - 1; i >= 0; i--)
            {
                tail = (tail << 8) | data[i];
            }

            h ^= BitOperations.RotateLeft(tail * Prime2, 31) * Prime1;
        }

        // Final avalanche so that ids differing in one byte land far apart.
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        h ^= h >> 32;
        return h;
    }

    public static ulong Hash64(string text)
    {
        Span<byte> buffer = text.Length <= 256 ? stackalloc byte[text.Length * 3] : new byte[text.Length * 3];
        var n = System.Text.Encoding.UTF8.GetBytes(text, buffer);
        return Hash64(buffer[..n]);
    }
}
