using System.Text;

namespace Analytics.Alerts.Detectors;

/// <summary>
/// Saves and restores a detector's state as bytes, so live detection survives a restart. The bytes name
/// the detector and a fingerprint of its options: state saved under other options is refused, not misread.
/// </summary>
internal static class DetectorState
{
    private const uint Magic = 0x31534441; // "ADS1" little-endian
    private const byte FormatVersion = 1;

    public static byte[] Save(IDetector detector)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(detector.Name);
            writer.Write(Fingerprint(detector.Options));
            detector.WriteState(writer);
        }

        return buffer.ToArray();
    }

    public static void Restore(IDetector detector, ReadOnlySpan<byte> state)
    {
        using var buffer = new MemoryStream(state.ToArray(), writable: false);
        using var reader = new BinaryReader(buffer, Encoding.UTF8);
        try
        {
            if (buffer.Length < 5 || reader.ReadUInt32() != Magic || reader.ReadByte() != FormatVersion)
            {
                throw new DetectorStateException(DetectorStateProblem.NotDetectorState, detector.Name, "the bytes are not detector state of format 1");
            }

            var name = reader.ReadString();
            if (name != detector.Name)
            {
                throw new DetectorStateException(DetectorStateProblem.OtherDetector, detector.Name, $"it was saved by detector \"{name}\"");
            }

            if (reader.ReadUInt64() != Fingerprint(detector.Options))
            {
                throw new DetectorStateException(DetectorStateProblem.OptionsChanged, detector.Name, "its options changed since the state was saved; start it afresh");
            }

            detector.ReadState(reader);
        }
        catch (EndOfStreamException ex)
        {
            throw new DetectorStateException(DetectorStateProblem.Corrupt, detector.Name, "the state ends early", ex);
        }

        if (buffer.Position != buffer.Length)
        {
            throw new DetectorStateException(DetectorStateProblem.Corrupt, detector.Name, $"{buffer.Length - buffer.Position} bytes are left over");
        }
    }

    /// <summary>FNV-1a over the options' printed form: records print every property, nested ones included.</summary>
    public static ulong Fingerprint(object options)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(options.ToString() ?? string.Empty))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
