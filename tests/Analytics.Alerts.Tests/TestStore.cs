using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.Alerts.Tests;

/// <summary>
/// Embedded chDB for this test project. chDB keeps one storage path per process, so every test class
/// opens its connection at this one path, each in its own database.
/// </summary>
internal static class TestStore
{
    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"analytics-alerts-tests-{Environment.ProcessId}");

    /// <summary>A connection with <paramref name="database"/> dropped and migrated afresh. Dispose it in the test class.</summary>
    public static async Task<ChDbConnection> OpenAsync(string database)
    {
        var db = await ChDbConnection.OpenAsync(new ChDbOptions { Path = Path });
        await db.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        await new SchemaMigrator(db).MigrateAsync(database, QoeTables.Migrations);
        return db;
    }
}
