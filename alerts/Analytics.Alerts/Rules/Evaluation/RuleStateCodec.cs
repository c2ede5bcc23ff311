using System.Text;
using Analytics.Alerts.Detectors;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>
/// The saved form of the evaluator's state. Each rule's state is a length-prefixed block tagged with the
/// rule's name and fingerprint, so a changed or removed rule is skipped without misreading the rest.
/// Detectors are saved through <see cref="DetectorState"/>, which refuses state of other options.
/// </summary>
internal static class RuleStateCodec
{
    private const uint Magic = 0x31455241; // "ARE1" little-endian
    private const byte FormatVersion = 1;

    public static void Write(BinaryWriter writer, IReadOnlyList<RuleRuntime> rules)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(rules.Count);
        foreach (var runtime in rules)
        {
            writer.Write(runtime.Rule.Name);
            writer.Write(runtime.Rule.Fingerprint);
            var block = Block(runtime);
            writer.Write(block.Length);
            writer.Write(block);
        }
    }

    public static void Read(BinaryReader reader, IReadOnlyList<RuleRuntime> rules, RuleEvaluatorOptions options)
    {
        try
        {
            if (reader.ReadUInt32() != Magic || reader.ReadByte() != FormatVersion)
            {
                throw new RuleStateException("the bytes are not rule state of format 1");
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var fingerprint = reader.ReadString();
                var block = reader.ReadBytes(reader.ReadInt32());
                if (rules.FirstOrDefault(r => r.Rule.Name == name && r.Rule.Fingerprint == fingerprint) is { } runtime)
                {
                    Restore(runtime, block);
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or ArgumentOutOfRangeException)
        {
            throw new RuleStateException("the state ends early or is corrupt", ex);
        }
    }

    private static byte[] Block(RuleRuntime runtime)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(runtime.LastWindowMs);
            w.Write(runtime.Series.Count);
            foreach (var (slice, s) in runtime.Series)
            {
                w.Write(slice.Dimensions.Count);
                foreach (var (k, v) in slice.Dimensions)
                {
                    w.Write(k);
                    w.Write(v);
                }

                w.Write(s.Streak);
                w.Write(s.Firing);
                w.Write(s.SinceMs);
                w.Write(s.LastSeenMs);
                w.Write(s.BaselineVolume);
                w.Write(s.BaselineWindows);
                var detector = s.Detector is null ? [] : DetectorState.Save(s.Detector);
                w.Write(detector.Length);
                w.Write(detector);
            }
        }

        return buffer.ToArray();
    }

    private static void Restore(RuleRuntime runtime, byte[] block)
    {
        using var reader = new BinaryReader(new MemoryStream(block, writable: false), Encoding.UTF8);
        runtime.Series.Clear();
        runtime.LastWindowMs = reader.ReadInt64();
        runtime.LastSignals = [];
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var dims = new KeyValuePair<string, string>[reader.ReadInt32()];
            for (var d = 0; d < dims.Length; d++)
            {
                dims[d] = new(reader.ReadString(), reader.ReadString());
            }

            var state = new SeriesState
            {
                Streak = reader.ReadInt32(),
                Firing = reader.ReadBoolean(),
                SinceMs = reader.ReadInt64(),
                LastSeenMs = reader.ReadInt64(),
                BaselineVolume = reader.ReadDouble(),
                BaselineWindows = reader.ReadInt64(),
            };
            var detector = reader.ReadBytes(reader.ReadInt32());
            if (detector.Length > 0 && runtime.Rule.Condition is AnomalyCondition anomaly)
            {
                state.Detector = ConditionJudge.CreateDetector(runtime.Rule, anomaly);
                DetectorState.Restore(state.Detector, detector);
            }

            runtime.Series[new Slice(dims)] = state;
        }
    }
}
