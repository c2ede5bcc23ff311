using System.Text.Json;
using Analytics.Ingest.Events;
using BenchmarkDotNet.Attributes;

namespace Analytics.Benchmarks.Micro;

/// <summary>
/// Decoding and validating the same 1,000 valid simulator beacons three ways: the decoder as the
/// processor runs it (scanner first), the general token-walking decoder alone, and the bare
/// token read of the bytes (the ceiling a generic reader gives). Figures are per beacon.
/// Public and unsealed because BenchmarkDotNet derives from benchmark classes.
/// </summary>
public class DecoderBenchmarks
{
    private const int Beacons = 1_000;

    private EventDecoder _decoder = null!;
    private JsonEventDecoder _general = null!;
    private byte[][] _beacons = null!;

    [GlobalSetup]
    public void Setup()
    {
        var messages = MicroTraffic.Messages(Beacons * 5, 200);
        _beacons = messages.Where(m => m.IsValid).Take(Beacons).Select(m => m.Value).ToArray();
        _decoder = new EventDecoder();
        _general = new JsonEventDecoder(new StringPool());

        // Dimension values are interned on first sight; a running partition has seen them all.
        foreach (var m in messages)
        {
            _decoder.TryDecode(m.Value, out _);
            _general.TryDecode(m.Value, out _);
        }
    }

    [Benchmark(OperationsPerInvoke = Beacons)]
    public long Decode()
    {
        long sum = 0;
        foreach (var beacon in _beacons)
        {
            sum += _decoder.TryDecode(beacon, out var ev) ? ev.TimestampMs : -1;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Beacons)]
    public long DecodeGeneral()
    {
        long sum = 0;
        foreach (var beacon in _beacons)
        {
            sum += _general.TryDecode(beacon, out var ev) ? ev.TimestampMs : -1;
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Beacons)]
    public long TokensOnly()
    {
        long tokens = 0;
        foreach (var beacon in _beacons)
        {
            var reader = new Utf8JsonReader(beacon);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }
}
