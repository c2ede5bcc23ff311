using System.CommandLine;
using Analytics.Cli.Commands;

namespace Analytics.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args)
        // Commands handle SIGINT/SIGTERM themselves (see Shutdown) so that stopping flushes and commits.
        => CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary>Every command and global option of the CLI; tests parse command lines with it too.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Real-time QoE analytics for video streaming: Kafka beacons → sessions and windows → ClickHouse.")
        {
            DemoCommand.Create(),
            RunCommand.Create(),
            AlertCommand.Create(),
            BrokerCommand.Create(),
            SimulateCommand.Create(),
            QueryCommand.Create(),
            ServeCommand.Create(),
            MigrateCommand.Create(),
            DetectCommand.Create(),
            IncidentsCommand.Create(),
            RulesCommand.Create(),
            BacktestCommand.Create(),
            WebhookSinkCommand.Create(),
            HealthCommand.Create(),
        };
        root.Options.Add(CommandSupport.ConfigFile);
        root.Options.Add(CommandSupport.Set);
        root.Options.Add(CommandSupport.DataDir);
        return root;
    }
}
