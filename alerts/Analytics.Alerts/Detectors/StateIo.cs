namespace Analytics.Alerts.Detectors;

/// <summary>Reads of fixed-size arrays that fail loudly when the saved state ends early.</summary>
internal static class StateIo
{
    public static void ReadInto(this BinaryReader reader, Span<byte> target)
    {
        if (reader.Read(target) != target.Length)
        {
            throw new EndOfStreamException();
        }
    }

    public static void WriteAll(this BinaryWriter writer, ReadOnlySpan<float> values)
    {
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    public static void ReadInto(this BinaryReader reader, Span<float> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = reader.ReadSingle();
        }
    }

    public static void WriteAll(this BinaryWriter writer, ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    public static void ReadInto(this BinaryReader reader, Span<double> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = reader.ReadDouble();
        }
    }
}
