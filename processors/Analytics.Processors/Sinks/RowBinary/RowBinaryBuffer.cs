using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Analytics.Processors.Sinks.RowBinary;

/// <summary>
/// Appends values in ClickHouse's RowBinary encoding: little-endian fixed-width integers, strings and
/// collection sizes prefixed by an unsigned LEB128 length. Out-of-range values saturate at the
/// column type's bounds instead of wrapping, so a row is never silently wrong by 2^32.
/// </summary>
internal sealed class RowBinaryBuffer
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public RowBinaryBuffer(int initialCapacity = 64 * 1024) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.ResetWrittenCount();

    public void UInt8(long value)
    {
        _buffer.GetSpan(1)[0] = (byte)Math.Clamp(value, 0, byte.MaxValue);
        _buffer.Advance(1);
    }

    public void UInt8(bool value) => UInt8(value ? 1 : 0);

    public void UInt16(long value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.GetSpan(2), (ushort)Math.Clamp(value, 0, ushort.MaxValue));
        _buffer.Advance(2);
    }

    public void Int16(short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void UInt32(long value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), (uint)Math.Clamp(value, 0, uint.MaxValue));
        _buffer.Advance(4);
    }

    public void UInt64(long value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), (ulong)Math.Max(0, value));
        _buffer.Advance(8);
    }

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>A DateTime column: whole seconds since the epoch, from milliseconds (floored).</summary>
    public void DateTimeFromMs(long ms) => UInt32(Math.Max(0, ms) / 1000);

    /// <summary>A DateTime64(3) column: milliseconds since the epoch.</summary>
    public void DateTime64Ms(long ms) => Int64(ms);

    /// <summary>A size: a string's byte count, or a Map's or Array's element count.</summary>
    public void VarUInt(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)bytes);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(bytes));
        _buffer.Advance(bytes);
    }

    public void String(ReadOnlySpan<byte> utf8)
    {
        VarUInt((ulong)utf8.Length);
        _buffer.Write(utf8);
    }

    /// <summary>Whether the following Nullable value is NULL (then nothing follows it).</summary>
    public void NullFlag(bool isNull) => UInt8(isNull);

    public void CopyTo(Span<byte> destination) => _buffer.WrittenSpan.CopyTo(destination);
}
