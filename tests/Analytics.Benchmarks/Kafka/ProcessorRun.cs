using System.Diagnostics;
using Analytics.Ingest.Kafka;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Benchmarks.Kafka;

/// <summary>The processor (bounded, as <c>analytics run --bounded</c>) from offset 0 to the end of the topic, timed.</summary>
internal static class ProcessorRun
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(10);

    public static async Task<KafkaSample> RunAsync(
        KafkaOptions kafka,
        ProcessorOptions processor,
        SinkOptions sink,
        MeteredConnection store,
        long expected,
        ILogger log,
        CancellationToken ct)
    {
        var host = ProcessorHost.ForClickHouse(kafka, processor, sink, store, TimeProvider.System, log, stopAtEnd: true);
        var startCpu = ProcessCpu.Now();
        var clock = Stopwatch.StartNew();
        var run = host.RunAsync(ct);
        TimeSpan? first = null, firstCpu = null, consumed = null;
        while (!run.IsCompleted)
        {
            var messages = host.Status.Messages;
            if (first is null && messages > 0)
            {
                (first, firstCpu) = (clock.Elapsed, ProcessCpu.Now());
            }

            if (consumed is null && messages >= expected)
            {
                consumed = clock.Elapsed;
            }

            await Task.WhenAny(run, Task.Delay(PollEvery, ct));
        }

        await run;
        var end = clock.Elapsed;
        var endCpu = ProcessCpu.Now();
        var status = host.Status;
        if (status.Messages != expected)
        {
            throw new InvalidOperationException($"The processor read {status.Messages} messages, not the {expected} in the topic.");
        }

        first ??= end;
        firstCpu ??= endCpu;
        return new KafkaSample(
            end - first.Value,
            endCpu - firstCpu.Value,
            first.Value,
            end,
            end - (consumed ?? end),
            status.Messages,
            status.RowsWritten,
            store.Inserts,
            store.Bytes,
            store.CheckpointBytes,
            endCpu - startCpu)
        {
            RowsByTable = status.RowsByTable,
            CoalescedRows = status.CoalescedRows,
        };
    }
}
