using System.Text;
using Analytics.Ingest.Events;

namespace Analytics.Testing.DecoderFuzz;

/// <summary>
/// Decodes each input with <see cref="EventDecoder"/> (scanner first) and with the general
/// <see cref="JsonEventDecoder"/> alone (the oracle), and compares the verdict, the rejection
/// (reason, field, message) and every decoded field. Counts what it saw.
/// </summary>
internal sealed class DecoderDifferential
{
    private const int KeptMismatches = 5;

    private readonly EventDecoder _decoder = new(new StringPool());
    private readonly JsonEventDecoder _oracle = new(new StringPool());
    private readonly long[] _invalid = new long[InvalidEventReasons.All.Count + 1];
    private readonly List<string> _mismatches = [];

    public long Inputs { get; private set; }

    public long Valid { get; private set; }

    /// <summary>Valid inputs the scanner decoded without the general decoder.</summary>
    public long ScannerValid { get; private set; }

    public long Mismatches { get; private set; }

    /// <summary>The first mismatches, each with its input escaped.</summary>
    public IReadOnlyList<string> FirstMismatches => _mismatches;

    public long Invalid(InvalidEventReason reason) => _invalid[(int)reason];

    /// <summary>Runs <paramref name="count"/> inputs of a seeded <see cref="BeaconMutator"/>.</summary>
    public static DecoderDifferential Run(int count, ulong seed, Action<long>? progress = null)
    {
        var mutator = new BeaconMutator(seed);
        var differential = new DecoderDifferential();
        for (var i = 1; i <= count; i++)
        {
            differential.Check(mutator.Next());
            if (i % 100_000 == 0)
            {
                progress?.Invoke(i);
            }
        }

        return differential;
    }

    /// <summary>Compares the two decoders on one input; false (and counted) when they differ.</summary>
    public bool Check(ReadOnlySpan<byte> input)
    {
        Inputs++;
        var general = _decoder.GeneralDecodes;
        var ok = _decoder.TryDecode(input, out var ev);
        var expectedOk = _oracle.TryDecode(input, out var expected);
        var difference = ok != expectedOk ? $"verdict {ok}, oracle {expectedOk} ({_oracle.Error})"
            : !ok ? Rejection()
            : Fields(ev, expected);
        if (ok && difference is null)
        {
            Valid++;
            ScannerValid += _decoder.GeneralDecodes == general ? 1 : 0;
        }
        else if (difference is null)
        {
            _invalid[(int)_oracle.Error.Reason]++;
        }

        if (difference is null)
        {
            return true;
        }

        Mismatches++;
        if (_mismatches.Count < KeptMismatches)
        {
            _mismatches.Add($"{difference}: {Escape(input)}");
        }

        return false;
    }

    private string? Rejection()
    {
        if (_decoder.Error != _oracle.Error)
        {
            return $"error {_decoder.Error}, oracle {_oracle.Error}";
        }

        return Ids();
    }

    private string? Fields(in PlaybackEvent a, in PlaybackEvent b)
    {
        var differs = new List<string>();
        Compare(differs, "type", a.Type, b.Type);
        Compare(differs, "ts", a.TimestampMs, b.TimestampMs);
        Compare(differs, "event_id hash", a.EventIdHash, b.EventIdHash);
        Compare(differs, "dimensions", a.Dimensions, b.Dimensions);
        Compare(differs, "playhead_ms", a.PlayheadMs, b.PlayheadMs);
        Compare(differs, "bitrate_kbps", a.BitrateKbps, b.BitrateKbps);
        Compare(differs, "bytes", a.Bytes, b.Bytes);
        Compare(differs, "cache_hit", a.CacheHit, b.CacheHit);
        Compare(differs, "error_code", a.ErrorCode, b.ErrorCode);
        Compare(differs, "fatal", a.Fatal, b.Fatal);
        if (Ids() is { } ids)
        {
            differs.Add(ids);
        }

        return differs.Count == 0 ? null : "fields differ: " + string.Join("; ", differs);
    }

    private string? Ids()
    {
        if (!_decoder.SessionId.SequenceEqual(_oracle.SessionId))
        {
            return $"session_id \"{_decoder.SessionId}\", oracle \"{_oracle.SessionId}\"";
        }

        return _decoder.EventIdUtf8.SequenceEqual(_oracle.EventIdUtf8) ? null
            : $"event_id {Escape(_decoder.EventIdUtf8)}, oracle {Escape(_oracle.EventIdUtf8)}";
    }

    private static void Compare<T>(List<string> differs, string name, T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
        {
            differs.Add($"{name} {actual}, oracle {expected}");
        }
    }

    /// <summary>The input as printable ASCII, other bytes as \xNN, at most 400 bytes.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, 400)])
        {
            sb.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return bytes.Length > 400 ? sb.Append($"… ({bytes.Length} bytes)").ToString() : sb.ToString();
    }
}
