using Analytics.Benchmarks.DecoderFuzz;
using Analytics.Benchmarks.Detectors;
using Analytics.Benchmarks.EndToEnd;
using Analytics.Benchmarks.Harness;
using Analytics.Benchmarks.Kafka;
using Analytics.Benchmarks.Micro;
using Analytics.Benchmarks.Sessions;
using Analytics.Common;

namespace Analytics.Benchmarks;

internal static class Program
{
    private const string Usage = """
        Analytics benchmarks (run with -c Release).

          e2e       [--events 2000000] [--rounds 5] [--partitions 6] [--seed 42] [--concurrency 20000]
                    [--no-chdb] [--keep-events-file] [--out DIR] [--only PHASE,...]
                    JSON ceiling, pipeline (full and Foundation) and chDB over the same simulated events.
          kafka     [--events 1000000] [--rounds 3] [--partitions 40] [--concurrency 20000]
                    [--rate 50000] [--latency-seconds 90] [--seed 42] [--in-process-broker] [--out DIR]
                    The real path: pre-produced beacons through the embedded Kafka, bare consume vs the
                    processor (store discarded, chDB; 1 and 2 workers), then live produce-to-queryable latency.
          sessions  [--sessions 1000000] [--checkpoint 100000] [--heartbeats 1] [--seed 42]
                    Managed memory per open session in one partition.
          detectors [--points 2000000] [--series 10000] [--rounds 5]
                    Per-point cost and state size of every anomaly detector, one series and many.
          fuzz-decoder [--inputs 1000000] [--seed 42]
                    Scanner-first decoder against the general decoder.
          alert-cost [--series 100000] [--windows 20]
                    CPU of the rule engine to judge one window of that many live series (memory source).
          delivery-latency [--incidents 200]
                    From an incident handed to delivery to its first webhook request (chDB outbox).
          micro     [BenchmarkDotNet arguments, e.g. --filter '*Decoder*' or --list flat]
                    Micro-benchmarks (short jobs).

        Results are written under .artifacts/benchmarks/ (or --out).
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var rest = args.Skip(1).ToArray();
        var command = "dotnet run -c Release --project tests/Analytics.Benchmarks -- " + string.Join(' ', args);
        try
        {
            switch (args[0])
            {
                case "e2e":
                    var e2e = EndToEndOptions.Parse(rest);
                    var result = await new EndToEndRunner(e2e).RunAsync(command, cancel.Token);
                    Console.WriteLine(EndToEndReport.Markdown(result));
                    var (md, json) = await EndToEndReport.SaveAsync(result, e2e.OutputDirectory, cancel.Token);
                    Progress.Report($"saved {md} and {json}");
                    return 0;
                case "kafka":
                    var kafka = KafkaBenchOptions.Parse(rest);
                    var through = await new KafkaBenchRunner(kafka).RunAsync(command, cancel.Token);
                    Console.WriteLine(KafkaBenchReport.Markdown(through));
                    var (kmd, kjson) = await KafkaBenchReport.SaveAsync(through, kafka.OutputDirectory, cancel.Token);
                    Progress.Report($"saved {kmd} and {kjson}");
                    return 0;
                case "sessions":
                    var sessions = SessionMemoryOptions.Parse(rest);
                    var memory = new SessionMemoryRunner(sessions).Run(command);
                    Console.WriteLine(SessionMemoryReport.Markdown(memory));
                    Progress.Report($"saved {await SessionMemoryReport.SaveAsync(memory, sessions.OutputDirectory, cancel.Token)}");
                    return 0;
                case "detectors":
                    var cost = DetectorCostOptions.Parse(rest);
                    var report = new DetectorCostRunner(cost).Run(command);
                    Console.WriteLine(report);
                    Directory.CreateDirectory(cost.OutputDirectory);
                    var path = Path.Combine(cost.OutputDirectory, "detectors.md");
                    await File.WriteAllTextAsync(path, report, cancel.Token);
                    Progress.Report($"saved {path}");
                    return 0;
                case "fuzz-decoder":
                    return DecoderFuzzCommand.Run(rest);
                case "alert-cost":
                    var reader = new ArgReader("benchmarks:alert-cost", rest);
                    var (series, windows) = (reader.Int("series", 100_000), reader.Int("windows", 20));
                    reader.RejectUnknown();
                    var costReport = Alerting.AlertCostRunner.Run(series, windows, command);
                    Console.WriteLine(costReport);
                    Directory.CreateDirectory(ArtifactPaths.DefaultDirectory());
                    await File.WriteAllTextAsync(Path.Combine(ArtifactPaths.DefaultDirectory(), "alert-cost.md"), costReport, cancel.Token);
                    return 0;
                case "delivery-latency":
                    var latencyArgs = new ArgReader("benchmarks:delivery-latency", rest);
                    var incidents = latencyArgs.Int("incidents", 200);
                    latencyArgs.RejectUnknown();
                    var latencyReport = await Alerting.DeliveryLatencyRunner.RunAsync(incidents, command, cancel.Token);
                    Console.WriteLine(latencyReport);
                    Directory.CreateDirectory(ArtifactPaths.DefaultDirectory());
                    await File.WriteAllTextAsync(Path.Combine(ArtifactPaths.DefaultDirectory(), "delivery-latency.md"), latencyReport, cancel.Token);
                    return 0;
                case "micro":
                    return MicroBenchmarks.Run(rest);
                default:
                    Console.Error.WriteLine($"Unknown command \"{args[0]}\".");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (OptionsValidationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
    }
}
