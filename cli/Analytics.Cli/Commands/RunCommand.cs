using System.CommandLine;
using Analytics.Processors.Pipeline;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>`analytics run`: the processor against any Kafka and ClickHouse (what docker-compose runs).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string?>("--bootstrap", "-b") { Description = "Kafka bootstrap servers (default from Kafka:BootstrapServers)" };
        var topic = new Option<string?>("--topic") { Description = "Beacon topic (default playback-events)" };
        var group = new Option<string?>("--group") { Description = "Consumer group (default analytics-processor)" };
        var windows = new Option<string?>("--windows") { Description = "Window sizes (default 10s,1m)" };
        var bounded = new Option<bool>("--bounded") { Description = "Stop after the messages present at start: fire every window, checkpoint, commit (backfills, tests)" };
        var command = new Command("run", "Run the processor: Kafka → sessions and windows → ClickHouse") { bootstrap, topic, group, windows, bounded };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(
                parse,
                ("Kafka:BootstrapServers", parse.GetValue(bootstrap)),
                ("Kafka:Topic", parse.GetValue(topic)),
                ("Kafka:GroupId", parse.GetValue(group)),
                ("Processor:Windows", parse.GetValue(windows)));
            using var logging = CommandSupport.ConsoleLogging();
            var log = logging.CreateLogger("processor");
            using var shutdown = new Shutdown(m => log.LogInformation("{Message}", m));
            var stop = shutdown.Link(ct);
            await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: false, log, stop);
            await ClickHouseStore.MigrateAsync(store, settings, m => log.LogInformation("{Progress}", m), stop);
            var host = ProcessorHost.ForClickHouse(settings.Kafka, settings.Processor, settings.Sink, store, TimeProvider.System, log, stopAtEnd: parse.GetValue(bounded));
            using var reporter = new Timer(_ => log.LogInformation("{Status}", StatusLine.Format(host.Status)), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            await host.RunAsync(stop);
            log.LogInformation("{Status}", StatusLine.Format(host.Status));
            return 0;
        }));
        return command;
    }
}
