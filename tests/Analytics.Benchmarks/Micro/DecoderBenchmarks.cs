using System.Text.Json;
using Analytics.Ingest.Events;
using BenchmarkDotNet.Attributes;

namespace Analytics.Benchmarks.Micro;

/// <summary>
/// Decoding and validating one valid beacon, beside the bare token read of the same bytes (the ceiling).
/// Public and unsealed because BenchmarkDotNet derives from benchmark classes.
/// </summary>
public class DecoderBenchmarks
{
    private EventDecoder _decoder = null!;
    private byte[] _heartbeat = null!;
    private byte[] _playRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var messages = MicroTraffic.Messages(5_000, 200);
        _heartbeat = messages.First(m => m.Beacon!.Type == EventType.Heartbeat).Value;
        _playRequest = messages.First(m => m.Beacon!.Type == EventType.PlayRequest).Value;
        _decoder = new EventDecoder();

        // Dimension values are interned on first sight; a running partition has seen them all.
        foreach (var m in messages)
        {
            _decoder.TryDecode(m.Value, out _);
        }
    }

    [Benchmark]
    public long DecodeHeartbeat() => _decoder.TryDecode(_heartbeat, out var ev) ? ev.TimestampMs : -1;

    [Benchmark]
    public long DecodePlayRequest() => _decoder.TryDecode(_playRequest, out var ev) ? ev.TimestampMs : -1;

    [Benchmark(Baseline = true)]
    public int TokensOnlyHeartbeat()
    {
        var reader = new Utf8JsonReader(_heartbeat);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }
}
