using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>`analytics migrate`: brings the configured ClickHouse's schema up to date (the processor also does this at start).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the QoE schema migrations to the configured ClickHouse");
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(parse);
            using var logging = CommandSupport.ConsoleLogging();
            var log = logging.CreateLogger("migrate");
            await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: false, log, ct);
            await ClickHouseStore.MigrateAsync(store, settings, m => log.LogInformation("{Progress}", m), ct);
            log.LogInformation("Schema of {Database} on {Store} is current.", settings.Sink.Database, store.Description);
            return 0;
        }));
        return command;
    }
}
