using System.CommandLine;
using System.Globalization;
using Analytics.Ingest.Kafka;

namespace Analytics.Cli.Commands;

/// <summary>`analytics broker`: a standalone embedded Kafka (librdkafka's mock cluster) that other processes can use.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var brokers = new Option<int?>("--brokers") { Description = "Number of brokers (default 3)" };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions of the beacon topic (default 6)" };
        var command = new Command("broker", "Host an embedded 3-broker Kafka and print its bootstrap list") { brokers, partitions };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(
                parse,
                ("Broker:Brokers", parse.GetValue(brokers)?.ToString(CultureInfo.InvariantCulture)),
                ("Broker:Partitions", parse.GetValue(partitions)?.ToString(CultureInfo.InvariantCulture)));
            using var shutdown = new Shutdown(Console.Error.WriteLine);
            var stop = shutdown.Link(ct);
            using var host = await BrokerHost.StartAsync(settings.Broker, stop);
            Console.WriteLine(host.Bootstrap);
            await Console.Error.WriteLineAsync(
                $"""
                Embedded Kafka up: {settings.Broker.Brokers} brokers, cluster id {host.ClusterId}.
                Topics: {string.Join(", ", host.Topics.Select(t => $"{t.Name} ({t.Partitions} partitions)"))}.
                Produce a beacon:  echo '<json>' | kcat -b {host.Bootstrap} -t {settings.Broker.Topic} -k <session_id> -P
                Feed it traffic:   ./analytics simulate --bootstrap {host.Bootstrap}
                Process it:        ./analytics run --bootstrap {host.Bootstrap}
                Ctrl-C stops the broker (its data lives in memory only).
                """);
            await host.RunAsync(stop);
            return 0;
        }));
        return command;
    }
}
