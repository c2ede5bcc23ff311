using System.CommandLine;
using Analytics.Noc.Wall;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>`analytics serve`: the ClickHouse-compatible query endpoint over the embedded store, without the demo.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "Port on 127.0.0.1 (default 8123; 0 picks a free one)" };
        var nocPort = new Option<int?>("--noc-port") { Description = "NOC wall port on 127.0.0.1 (default 8124, or a free one if taken)" };
        var command = new Command("serve", "Serve the embedded store over ClickHouse's HTTP interface (for curl, Grafana, analytics query), and the NOC wall") { port, nocPort };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(
                parse,
                ("ClickHouse:Endpoint:Port", parse.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Noc:Port", parse.GetValue(nocPort)?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            using var logging = CommandSupport.ConsoleLogging();
            var log = logging.CreateLogger("serve");
            using var shutdown = new Shutdown(m => log.LogInformation("{Message}", m));
            var stop = shutdown.Link(ct);
            await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: true, log, stop);
            await using var endpoint = await ClickHouseQueryEndpoint.StartAsync(settings.Endpoint, store, log, stop);
            EndpointFile.Write(settings.ChDb.FullPath, endpoint.Url);
            // The wall logs its own URL.
            await using var wall = settings.Noc.Enabled
                ? await NocWallServer.StartOrMoveAsync(settings.Noc, store, settings.Sink.Database, TimeProvider.System, log, stop)
                : null;

            log.LogInformation("Serving {Store} at {Url} (read-only). Try: curl '{Url}?query=SELECT+count()+FROM+qoe_delivery_1m'", store.Description, endpoint.Url, endpoint.Url);
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                EndpointFile.Delete(settings.ChDb.FullPath);
            }

            return 0;
        }));
        return command;
    }
}
