namespace Analytics.Ingest.Simulator;

/// <summary>A snapshot of a running simulation.</summary>
/// <param name="MessagesSent">All messages handed to the sink (valid, duplicates, malformed).</param>
/// <param name="EventsSent">Original valid beacons among them.</param>
/// <param name="DuplicatesSent">Re-sent copies among them.</param>
/// <param name="MalformedSent">Invalid extras among them.</param>
/// <param name="MessagesPerSecond">Send rate since the previous report, by the runner's clock.</param>
/// <param name="LiveSessions">Sessions between play_request and their terminal beacon.</param>
/// <param name="SessionsStarted">Sessions that sent play_request so far.</param>
/// <param name="DeliveryTimeMs">Delivery time of the last message sent (ms since the epoch).</param>
/// <param name="Elapsed">Time since the run started, by the runner's clock.</param>
/// <param name="Completed">True in the final report.</param>
internal readonly record struct SimulationProgress(
    long MessagesSent,
    long EventsSent,
    long DuplicatesSent,
    long MalformedSent,
    double MessagesPerSecond,
    int LiveSessions,
    long SessionsStarted,
    long DeliveryTimeMs,
    TimeSpan Elapsed,
    bool Completed);

/// <summary>Feeds generated traffic to a sink, in real time or as fast as the sink accepts.</summary>
internal static class SimulationRunner
{
    private const int UnpacedClockCheckEvery = 1024;

    /// <summary>
    /// Runs the simulation described by <paramref name="options"/>. In <see cref="SimulationPacing.RealTime"/>
    /// each message is sent when <paramref name="time"/> reaches its delivery time (event times start
    /// at now unless <see cref="SimulatorOptions.StartTimeMs"/> is set; <see cref="SimulatorOptions.Speed"/>
    /// compresses the schedule). Without Duration or MaxEvents it runs until cancelled. On
    /// cancellation it throws <see cref="OperationCanceledException"/> without flushing the sink.
    /// </summary>
    public static async Task<SimulationProgress> RunAsync(
        ITrafficSink sink,
        SimulatorOptions options,
        TimeProvider time,
        IProgress<SimulationProgress>? progress,
        CancellationToken ct)
    {
        options.Validate();
        var clockStartMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (options.StartTimeMs is null)
        {
            options = options with { StartTimeMs = clockStartMs };
        }

        var generator = new TrafficGenerator(options);
        var startMs = generator.StartTimeMs;
        var paced = options.Pacing == SimulationPacing.RealTime;
        var speed = options.Speed;
        var started = time.GetTimestamp();
        var lastReport = started;
        long sent = 0, events = 0, duplicates = 0, malformed = 0, sentAtLastReport = 0, lastDelivery = startMs;

        foreach (var message in generator.Messages())
        {
            ct.ThrowIfCancellationRequested();
            if (paced)
            {
                var dueMs = clockStartMs + (long)Math.Ceiling((message.DeliveryTimeMs - startMs) / speed);
                var waitMs = dueMs - time.GetUtcNow().ToUnixTimeMilliseconds();
                if (waitMs > 0)
                {
                    Report(completed: false, force: false);
                    await Task.Delay(TimeSpan.FromMilliseconds(waitMs), time, ct);
                }
            }

            await sink.SendAsync(message.Key, message.Value, ct);
            sent++;
            lastDelivery = message.DeliveryTimeMs;
            switch (message.Kind)
            {
                case DeliveryKind.Duplicate:
                    duplicates++;
                    break;
                case DeliveryKind.Malformed:
                    malformed++;
                    break;
                default:
                    events++;
                    break;
            }

            if (paced || sent % UnpacedClockCheckEvery == 0)
            {
                Report(completed: false, force: false);
            }
        }

        await sink.FlushAsync(ct);
        return Report(completed: true, force: true);

        SimulationProgress Report(bool completed, bool force)
        {
            var now = time.GetTimestamp();
            var sinceLast = time.GetElapsedTime(lastReport, now);
            if (!force && sinceLast < options.ProgressInterval)
            {
                return default;
            }

            var rate = sinceLast > TimeSpan.Zero ? (sent - sentAtLastReport) / sinceLast.TotalSeconds : 0;
            var snapshot = new SimulationProgress(
                sent, events, duplicates, malformed, rate, generator.LiveSessions, generator.SessionsStarted, lastDelivery, time.GetElapsedTime(started, now), completed);
            lastReport = now;
            sentAtLastReport = sent;
            progress?.Report(snapshot);
            return snapshot;
        }
    }
}
