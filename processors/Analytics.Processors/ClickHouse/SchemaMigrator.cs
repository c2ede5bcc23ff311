using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// One schema change. <see cref="Sql"/> may hold several statements, each ended by a <c>;</c> at the end of a line,
/// and writes <c>{database}</c> where the target database goes. Once applied somewhere, a migration must not change
/// (its checksum is recorded); add a new one instead.
/// </summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Brings a database up to date with an ordered list of migrations, recording each applied one (version, name,
/// checksum, applied_at) in <c>{database}.schema_migrations</c>. Idempotent; refuses to run when an applied
/// migration's checksum differs from the code, or when the database has a migration the code does not know.
/// </summary>
/// <remarks>
/// ClickHouse has no transactional DDL: when a statement fails, those before it in the same migration stay applied
/// and the migration is not recorded, so the next run starts it again from its first statement. Write statements
/// that can run twice (CREATE … IF NOT EXISTS, ADD COLUMN IF NOT EXISTS). Two processes migrating the same database
/// at the same moment are not coordinated; run migrations from one place (the processor at start-up).
/// With a cluster name, every statement (these of the migrator too) is rendered by <see cref="ClusterSchema"/>
/// and runs ON CLUSTER; checksums are still those of the migration files, so the record does not depend on it.
/// </remarks>
internal sealed class SchemaMigrator
{
    public const string DatabasePlaceholder = "{database}";
    public const string TableName = "schema_migrations";
    private readonly IClickHouseConnection _connection;
    private readonly TimeProvider _time;
    private readonly Action<string> _progress;
    private readonly string _cluster;

    /// <summary>A migrator; <paramref name="cluster"/> names the ClickHouse cluster to migrate ON CLUSTER, empty for a single node.</summary>
    public SchemaMigrator(IClickHouseConnection connection, TimeProvider? timeProvider = null, Action<string>? progress = null, string cluster = "")
    {
        _connection = connection;
        _time = timeProvider ?? TimeProvider.System;
        _progress = progress ?? (_ => { });
        _cluster = cluster;
    }

    /// <summary>Applies the migrations not yet recorded, in order; returns those it applied.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(string database, IReadOnlyList<Migration> migrations, CancellationToken ct = default)
    {
        ClickHouseSql.RequireDatabase(database);
        CheckOrder(migrations);
        var cluster = _cluster.Length == 0 ? null : new ClusterSchema(_cluster, migrations);
        foreach (var statement in OwnStatements(database, cluster))
        {
            await _connection.ExecuteAsync(statement, ct);
        }

        var applied = new Dictionary<int, (string Name, string Checksum)>();
        foreach (var row in await _connection.QueryJsonRowsAsync(
            $"SELECT version, name, checksum FROM {database}.{TableName} ORDER BY version", ct))
        {
            applied.TryAdd(row.GetProperty("version").GetInt32(), (row.GetProperty("name").GetString()!, row.GetProperty("checksum").GetString()!));
        }

        var known = migrations.ToDictionary(m => m.Version);
        foreach (var (version, record) in applied)
        {
            if (!known.TryGetValue(version, out var migration))
            {
                throw new SchemaMigrationException(
                    $"Database {database} has migration {version} ({record.Name}), which this build does not know: a newer build migrated it. "
                    + "Run that build (or newer) against this database.",
                    version);
            }

            if (!string.Equals(record.Checksum, ChecksumOf(migration.Sql), StringComparison.Ordinal))
            {
                throw new SchemaMigrationException(
                    $"Migration {version} ({migration.Name}) was applied to {database} with checksum {record.Checksum[..Math.Min(12, record.Checksum.Length)]}…, "
                    + $"but the code now has {ChecksumOf(migration.Sql)[..12]}…: an applied migration was edited. Revert the edit and add a new "
                    + "migration instead (in development, dropping the database also works).",
                    version);
            }
        }

        var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
        if (pending.Count == 0)
        {
            _progress($"Schema {database} is up to date ({applied.Count} migration(s) applied).");
            return [];
        }

        foreach (var migration in pending)
        {
            await ApplyAsync(database, migration, cluster, ct);
        }

        return pending;
    }

    /// <summary>SHA-256 (hex) of the SQL with line endings and trailing whitespace normalized.</summary>
    public static string ChecksumOf(string sql)
    {
        var normalized = string.Join('\n', sql.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).Trim();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>Splits SQL into statements at lines ending with <c>;</c>; comment-only and empty pieces are dropped.</summary>
    public static IReadOnlyList<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        foreach (var line in sql.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.TrimEnd();
            var isComment = trimmed.TrimStart().StartsWith("--", StringComparison.Ordinal);
            if (!isComment && trimmed.EndsWith(';'))
            {
                current.Append(trimmed.AsSpan(0, trimmed.Length - 1));
                Flush();
            }
            else
            {
                current.Append(trimmed).Append('\n');
            }
        }

        Flush();
        return statements;

        void Flush()
        {
            var statement = current.ToString().Trim();
            current.Clear();
            var hasCode = statement.Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("--", StringComparison.Ordinal));
            if (hasCode)
            {
                statements.Add(statement);
            }
        }
    }

    /// <summary>The statements of one migration as they run: on a cluster, rendered for it.</summary>
    public static IReadOnlyList<string> StatementsOf(Migration migration, ClusterSchema? cluster)
        => cluster is null ? SplitStatements(migration.Sql) : [.. SplitStatements(migration.Sql).SelectMany(cluster.Render)];

    /// <summary>What the migrator runs before reading its record: the database and schema_migrations.</summary>
    public static IEnumerable<string> OwnStatements(string database, ClusterSchema? cluster)
    {
        string[] statements =
        [
            $"CREATE DATABASE IF NOT EXISTS {database}",
            $"CREATE TABLE IF NOT EXISTS {database}.{TableName} (version UInt32, name String, checksum String, applied_at DateTime('UTC')) "
                + "ENGINE = MergeTree ORDER BY version",
        ];
        // On a cluster the record is replicated to every node; this node must have caught up before it is read.
        return cluster is null
            ? statements
            : [.. statements.SelectMany(cluster.Render), $"SYSTEM SYNC REPLICA {database}.{TableName}"];
    }

    private async Task ApplyAsync(string database, Migration migration, ClusterSchema? cluster, CancellationToken ct)
    {
        var statements = StatementsOf(migration, cluster);
        _progress($"Applying migration {migration.Version} ({migration.Name}) to {database}: {statements.Count} statement(s)…");
        var started = _time.GetTimestamp();
        for (var i = 0; i < statements.Count; i++)
        {
            try
            {
                await _connection.ExecuteAsync(statements[i].Replace(DatabasePlaceholder, database, StringComparison.Ordinal), ct);
            }
            catch (ClickHouseException e)
            {
                throw new SchemaMigrationException(
                    $"Migration {migration.Version} ({migration.Name}) failed at statement {i + 1} of {statements.Count}: {e.Message} "
                    + "Statements before it stay applied and the migration is not recorded; fix it and run again.",
                    migration.Version,
                    e);
            }
        }

        var record = new MemoryStream();
        using (var json = new Utf8JsonWriter(record))
        {
            json.WriteStartObject();
            json.WriteNumber("version", migration.Version);
            json.WriteString("name", migration.Name);
            json.WriteString("checksum", ChecksumOf(migration.Sql));
            json.WriteString("applied_at", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        await _connection.InsertAsync($"{database}.{TableName}", "JSONEachRow", record.ToArray(), ct);
        _progress($"Applied migration {migration.Version} ({migration.Name}) in {_time.GetElapsedTime(started).TotalMilliseconds:0} ms.");
    }

    private static void CheckOrder(IReadOnlyList<Migration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            var m = migrations[i];
            if (m.Version <= 0 || (i > 0 && m.Version <= migrations[i - 1].Version))
            {
                throw new SchemaMigrationException(
                    $"Migration {m.Version} ({m.Name}) is out of order: versions must be positive and strictly increasing in the list.", m.Version);
            }

            if (string.IsNullOrWhiteSpace(m.Name) || SplitStatements(m.Sql).Count == 0)
            {
                throw new SchemaMigrationException($"Migration {m.Version} needs a name and at least one statement.", m.Version);
            }
        }
    }
}
