using Analytics.Cli.Configuration;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli;

/// <summary>Opens the configured ClickHouse and brings its schema up to date.</summary>
internal static class ClickHouseStore
{
    public static async Task<IClickHouseConnection> OpenAsync(AnalyticsSettings settings, bool readOnly, ILogger log, CancellationToken ct)
    {
        settings.ClickHouse.Validate();
        if (settings.ClickHouse.Backend == ClickHouseOptions.Server)
        {
            settings.Http.Validate();
            return new HttpClickHouseConnection(settings.Http, TimeProvider.System, log);
        }

        var options = settings.ChDb with { ReadOnly = readOnly };
        options.Validate();
        Directory.CreateDirectory(options.FullPath);
        return await ChDbConnection.OpenAsync(options, ct);
    }

    /// <summary>Migrates <c>Sink:Database</c>, ON CLUSTER when <c>ClickHouse:Cluster</c> names one.</summary>
    public static Task MigrateAsync(IClickHouseConnection connection, AnalyticsSettings settings, Action<string> progress, CancellationToken ct)
        => new SchemaMigrator(connection, TimeProvider.System, progress, settings.ClickHouse.Validate().Cluster).MigrateAsync(settings.Sink.Database, QoeTables.Migrations, ct);
}
