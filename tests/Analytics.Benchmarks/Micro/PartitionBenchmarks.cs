using Analytics.Benchmarks.EndToEnd;
using Analytics.Ingest.Simulator;
using Analytics.Processors.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Analytics.Benchmarks.Micro;

/// <summary>
/// The session fast path: one partition, already holding its open sessions and windows, processes the next
/// batch of in-order beacons (decode, sessionize, window updates, sweeps and firing). Each iteration
/// starts from a fresh partition warmed with the same prefix, so every invocation does identical work.
/// </summary>
[InvocationCount(1)]
[IterationCount(8)]
public class PartitionBenchmarks
{
    private const int Warm = 30_000;
    private const int Batch = 80_000;

    private SimulatedMessage[] _messages = null!;
    private PartitionProcessor _processor = null!;

    [Params("full", "foundation")]
    public string Configuration { get; set; } = "full";

    [GlobalSetup]
    public void Setup() => _messages = MicroTraffic.Messages(Warm + Batch, 3_000);

    [IterationSetup]
    public void WarmPartition()
    {
        var options = Configuration == "full" ? PipelineConfiguration.Full.Options : PipelineConfiguration.Foundation.Options;
        _processor = new PartitionProcessor(new PartitionId("bench/playback-events", 0), options, new CountingOutput());
        for (var i = 0; i < Warm; i++)
        {
            _processor.Process(i, _messages[i].DeliveryTimeMs, _messages[i].Key, _messages[i].Value);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long ProcessBatch()
    {
        for (var i = Warm; i < Warm + Batch; i++)
        {
            _processor.Process(i, _messages[i].DeliveryTimeMs, _messages[i].Key, _messages[i].Value);
        }

        return _processor.Counters.Valid;
    }
}
