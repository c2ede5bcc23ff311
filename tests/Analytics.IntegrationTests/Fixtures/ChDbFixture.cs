using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.IntegrationTests.Fixtures;

/// <summary>
/// The one chDB engine of the test process (chDB keeps one storage path per process), at a temporary path, with a
/// writable connection shared by every test in <see cref="ChDbCollection"/>. Each test class works in its own
/// database (<see cref="CreateDatabaseAsync"/>) to stay isolated.
/// </summary>
public sealed class ChDbFixture : IAsyncLifetime
{
    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), $"analytics-chdb-tests-{Guid.NewGuid():N}");

    internal ChDbConnection Connection { get; private set; } = null!;

    /// <summary>How long opening the engine took (library load plus first connect), for reports.</summary>
    public TimeSpan OpenTime { get; private set; }

    public async Task InitializeAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        Connection = await ChDbConnection.OpenAsync(new ChDbOptions { Path = DataPath });
        OpenTime = TimeProvider.System.GetElapsedTime(started);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>A second connection to the same engine; read-only when asked. Dispose it in the test.</summary>
    internal Task<ChDbConnection> OpenAsync(bool readOnly) => ChDbConnection.OpenAsync(new ChDbOptions { Path = DataPath, ReadOnly = readOnly });

    /// <summary>Drops and creates a database for one test class.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await Connection.ExecuteAsync($"DROP DATABASE IF EXISTS {name}");
        await Connection.ExecuteAsync($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>A fresh database with the QoE schema migrated in, as the processor finds it in production.</summary>
    internal async Task<string> CreateQoeDatabaseAsync(string name)
    {
        await CreateDatabaseAsync(name);
        await new SchemaMigrator(Connection).MigrateAsync(name, QoeTables.Migrations);
        return name;
    }
}

[CollectionDefinition(Name)]
public sealed class ChDbCollection : ICollectionFixture<ChDbFixture>
{
    public const string Name = "chDB";
}
