using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Processors.Sinks.RowBinary;

namespace Analytics.Processors.Tests.Sinks;

public class RowBinaryTests
{
    private static readonly PartitionId Partition = new("src", 3);

    [Fact]
    public void Sizes_are_unsigned_LEB128_and_strings_are_UTF8_with_their_byte_count()
    {
        var b = new RowBinaryBuffer();
        b.VarUInt(0);
        b.VarUInt(127);
        b.VarUInt(300);
        b.String("é");
        Assert.Equal(new byte[] { 0x00, 0x7F, 0xAC, 0x02, 0x02, 0xC3, 0xA9 }, b.Written.ToArray());
    }

    [Fact]
    public void Integers_are_little_endian_and_saturate_at_the_column_type_bounds()
    {
        var b = new RowBinaryBuffer();
        b.UInt16(0x0102);
        b.UInt32(-5);
        b.UInt32(1L << 33);
        b.UInt8(300);
        b.Int64(-2);
        Assert.Equal(
            new byte[] { 0x02, 0x01, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF },
            b.Written.ToArray());
    }

    [Fact]
    public void A_layout_header_is_the_column_count_then_names_then_types()
    {
        var layout = new RowLayout([("a", "UInt8"), ("bc", "String")]);
        byte[] expected = [2, 1, (byte)'a', 2, (byte)'b', (byte)'c', 5, .. "UInt8"u8, 6, .. "String"u8];
        Assert.Equal(expected, layout.Header);
    }

    [Fact]
    public void A_correction_replaces_its_earlier_version_still_in_the_buffer()
    {
        var cube = Cube.Delivery;
        var a = Key(cube, "a");
        var b = Key(cube, "b");
        var coalescing = QoeRowWriter.ForWindows("t", cube);
        coalescing.WindowRow(Partition, 1, 60_000, cube, a, Acc(1), correction: false);
        coalescing.WindowRow(Partition, 1, 60_000, cube, b, Acc(2), correction: false);
        coalescing.WindowRow(Partition, 2, 60_000, cube, a, Acc(3), correction: true);
        coalescing.WindowRow(Partition, 3, 60_000, cube, a, Acc(4), correction: true);

        // What is left is what a writer given only the latest version of each key writes.
        var reference = QoeRowWriter.ForWindows("t", cube);
        reference.WindowRow(Partition, 1, 60_000, cube, b, Acc(2), correction: false);
        reference.WindowRow(Partition, 3, 60_000, cube, a, Acc(4), correction: false);

        Assert.Equal(2, coalescing.Rows);
        Assert.Equal(2, coalescing.Coalesced);
        var taken = coalescing.Take();
        Assert.Equal(2, taken.Rows);
        Assert.Equal(reference.Take().Data, taken.Data);
    }

    [Fact]
    public void A_correction_after_a_take_is_a_row_of_its_own()
    {
        var cube = Cube.Delivery;
        var a = Key(cube, "a");
        var writer = QoeRowWriter.ForWindows("t", cube);
        writer.WindowRow(Partition, 1, 60_000, cube, a, Acc(1), correction: false);
        var first = writer.Take();
        writer.WindowRow(Partition, 2, 60_000, cube, a, Acc(2), correction: true);
        var second = writer.Take();
        Assert.Equal((1, 1), (first.Rows, second.Rows));
        Assert.Equal(0, writer.Coalesced);
        Assert.Equal(first.Data.Length, second.Data.Length);
    }

    [Fact]
    public void An_insert_body_has_the_header_once_then_every_batch()
    {
        var cube = Cube.Delivery;
        var writer = QoeRowWriter.ForWindows("t", cube);
        writer.WindowRow(Partition, 1, 60_000, cube, Key(cube, "a"), Acc(1), correction: false);
        var one = writer.Take();
        writer.WindowRow(Partition, 1, 60_000, cube, Key(cube, "b"), Acc(1), correction: false);
        var two = writer.Take();
        byte[] expected = [.. one.Layout.Header, .. one.Data, .. two.Data];
        Assert.Equal(expected, RowBatch.InsertBody([one, two]));
    }

    private static CubeKey Key(Cube cube, string value) => new(cube.Dimensions.Select(d => $"{d}-{value}").ToArray());

    private static QoeAccumulator Acc(long attempts) => new() { Attempts = attempts, Plays = attempts };
}
