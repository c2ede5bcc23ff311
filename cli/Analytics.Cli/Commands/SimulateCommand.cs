using System.CommandLine;
using System.Globalization;
using Analytics.Common;
using Analytics.Ingest.Simulator;
using Analytics.Ingest.Simulator.Incidents;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>`analytics simulate`: realistic device traffic into any Kafka.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string?>("--bootstrap", "-b") { Description = "Kafka bootstrap servers, host:port,… (default from Kafka:BootstrapServers)" };
        var topic = new Option<string?>("--topic") { Description = "Topic (default playback-events)" };
        var rate = new Option<double?>("--rate") { Description = "Target beacons per second (sets the number of concurrent sessions)" };
        var sessions = new Option<int?>("--sessions") { Description = "Concurrent sessions, instead of --rate" };
        var seed = new Option<ulong?>("--seed") { Description = "Seed: the same seed gives the same traffic" };
        var duration = new Option<string?>("--duration") { Description = "Stop after this much event time, e.g. 10m (default: until Ctrl-C)" };
        var speed = new Option<double?>("--speed") { Description = "Event time runs this many times faster than the clock" };
        var unpaced = new Option<bool>("--unpaced") { Description = "Send as fast as Kafka accepts (event time starts now unless --start is given)" };
        var outOfOrder = new Option<double?>("--out-of-order") { Description = "Fraction of beacons delayed within the watermark (≤ 8 s)" };
        var late = new Option<double?>("--late") { Description = "Fraction delayed 15–90 s (late, within the allowed lateness)" };
        var tooLate = new Option<double?>("--too-late") { Description = "Fraction delayed 3–10 min (beyond the allowed lateness)" };
        var duplicates = new Option<double?>("--duplicates") { Description = "Fraction of beacons sent twice" };
        var malformed = new Option<double?>("--malformed") { Description = "Fraction of extra invalid messages" };
        var incident = IncidentOption();
        var command = new Command("simulate", "Send realistic playback beacons to Kafka (a player state machine per session, diurnal load)")
        {
            bootstrap, topic, rate, sessions, seed, duration, speed, unpaced, outOfOrder, late, tooLate, duplicates, malformed, incident,
        };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            static string? F(double? v) => v?.ToString(CultureInfo.InvariantCulture);
            var settings = CommandSupport.Settings(
                parse,
                [
                ("Kafka:BootstrapServers", parse.GetValue(bootstrap)),
                ("Kafka:Topic", parse.GetValue(topic)),
                ("Simulator:EventsPerSecond", F(parse.GetValue(rate))),
                ("Simulator:ConcurrentSessions", parse.GetValue(sessions)?.ToString(CultureInfo.InvariantCulture)),
                ("Simulator:Seed", parse.GetValue(seed)?.ToString(CultureInfo.InvariantCulture)),
                ("Simulator:Duration", parse.GetValue(duration)),
                ("Simulator:Speed", F(parse.GetValue(speed))),
                ("Simulator:Pacing", parse.GetValue(unpaced) ? nameof(SimulationPacing.Unpaced) : null),
                ("Simulator:OutOfOrderFraction", F(parse.GetValue(outOfOrder))),
                ("Simulator:LateFraction", F(parse.GetValue(late))),
                ("Simulator:TooLateFraction", F(parse.GetValue(tooLate))),
                ("Simulator:DuplicateFraction", F(parse.GetValue(duplicates))),
                ("Simulator:MalformedFraction", F(parse.GetValue(malformed))),
                .. IncidentSettings(parse.GetValue(incident)),
                ]);
            var options = settings.Simulator;
            if (options is { EventsPerSecond: null, ConcurrentSessions: null })
            {
                options = options with { EventsPerSecond = 2000 };
            }

            options.Validate();
            settings.Kafka.Validate();
            using var logging = CommandSupport.ConsoleLogging();
            var log = logging.CreateLogger("simulate");
            using var shutdown = new Shutdown(m => log.LogInformation("{Message}", m));
            var stop = shutdown.Link(ct);
            using var sink = KafkaTrafficSink.Create(settings.Kafka.BootstrapServers, settings.Kafka.Topic);
            log.LogInformation(
                "Simulating {Sessions} concurrent sessions (seed {Seed}) into {Topic} at {Bootstrap}.",
                options.ResolveConcurrentSessions(), options.Seed, settings.Kafka.Topic, settings.Kafka.BootstrapServers);
            foreach (var spec in options.ParseIncidents())
            {
                log.LogInformation(
                    "Injecting {Kind} on {Slice} from +{At} for {For}: watch {Metric}.",
                    spec.Info.Name, string.Join(",", spec.Slice.Select(d => $"{d.Key}={d.Value}")), Durations.Format(spec.AtMs), Durations.Format(spec.ForMs), spec.Metric);
            }
            var progress = new Progress<SimulationProgress>(p =>
            {
                if (p.Completed || (long)p.Elapsed.TotalSeconds % 5 == 0)
                {
                    log.LogInformation(
                        "sent {Messages:N0} messages ({Rate:N0}/s), {Live:N0} live sessions, event time {Time:HH:mm:ss}",
                        p.MessagesSent, p.MessagesPerSecond, p.LiveSessions, DateTimeOffset.FromUnixTimeMilliseconds(p.DeliveryTimeMs));
                }
            });
            try
            {
                var final = await SimulationRunner.RunAsync(sink, options, TimeProvider.System, progress, stop);
                log.LogInformation("Done: {Messages:N0} messages sent.", final.MessagesSent);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                using var flushTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await sink.FlushAsync(flushTimeout.Token);
                log.LogInformation("Stopped; everything sent was delivered.");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>`--incident SPEC` (repeatable), shared with `demo`; the help lists every kind with its knobs.</summary>
    public static Option<string[]> IncidentOption() => new("--incident")
    {
        Description = "Inject an incident or a premiere (repeatable), offsets in event time from the start, e.g. "
            + "pop-outage:pop=iad-2,at=2m,for=5m. Kinds: "
            + string.Join("; ", IncidentKindInfo.All.Select(k => $"{k.Syntax} ({k.Summary})")),
    };

    /// <summary>The specs as list items of Simulator:Incidents, so that their commas are not split.</summary>
    public static IEnumerable<(string Key, string? Value)> IncidentSettings(string[]? specs)
        => (specs ?? []).Select((spec, i) => ($"Simulator:Incidents:{i.ToString(CultureInfo.InvariantCulture)}", (string?)spec));
}
