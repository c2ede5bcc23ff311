using System.Text.RegularExpressions;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.Processors.Tests.ClickHouse;

/// <summary>
/// The cluster rendering of the migrations (docs/scale-out.md), statement by statement, for every embedded
/// migration, so a migration added later is checked as soon as it exists. That each rendered statement is
/// valid ClickHouse SQL is checked on chDB (Analytics.IntegrationTests, ClusterSchemaSqlTests).
/// </summary>
public sealed partial class ClusterSchemaTests
{
    private const string Cluster = "analytics";
    private static readonly ClusterSchema Schema = new(Cluster, QoeTables.Migrations);

    public static TheoryData<int> Versions => [.. QoeTables.Migrations.Select(m => m.Version)];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Every_statement_of_every_migration_runs_on_the_cluster_with_replicated_or_distributed_tables(int version)
    {
        var migration = QoeTables.Migrations.Single(m => m.Version == version);
        var rendered = SchemaMigrator.StatementsOf(migration, Schema);

        Assert.True(rendered.Count >= SchemaMigrator.SplitStatements(migration.Sql).Count);
        foreach (var statement in rendered.Select(ClusterSchema.Body))
        {
            Assert.Contains($" ON CLUSTER '{Cluster}'", statement, StringComparison.Ordinal);
            foreach (Match engine in Engine().Matches(statement))
            {
                var name = engine.Groups["engine"].Value;
                Assert.True(name.StartsWith("Replicated", StringComparison.Ordinal) || name == "Distributed", $"{name} in\n{statement}");
            }

            if (statement.Contains("Replicated", StringComparison.Ordinal))
            {
                Assert.Matches(@"Replicated\w*MergeTree\('/clickhouse/tables/(\{shard\}|all)/\{database\}/\w+', '\{replica\}'", statement);
            }

            if (ViewHead().IsMatch(statement))
            {
                // Views and rollups read the distributed tables, never one shard's part.
                Assert.DoesNotContain(ClusterTable.LocalSuffix, statement, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"(?<!GLOBAL )\bIN \(SELECT", statement);
                Assert.DoesNotMatch(@"(?<!GLOBAL )LEFT JOIN", statement);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void On_a_single_node_the_statements_are_the_migration_files_own(int version)
    {
        var migration = QoeTables.Migrations.Single(m => m.Version == version);

        Assert.Equal(SchemaMigrator.SplitStatements(migration.Sql), SchemaMigrator.StatementsOf(migration, cluster: null));
    }

    [Fact]
    public void The_fact_tables_are_sharded_by_kafka_partition_behind_a_distributed_table_of_the_same_name()
    {
        var all = QoeTables.Migrations.SelectMany(m => SchemaMigrator.StatementsOf(m, Schema)).Select(ClusterSchema.Body).ToList();

        foreach (var table in new[] { "qoe_delivery_10s", "qoe_delivery_1m", "qoe_client_1m", "qoe_content_1m", "qoe_sessions", "late_events", "orphan_events", "processor_checkpoints", "pipeline_progress" })
        {
            var local = Assert.Single(all, s => s.StartsWith($"CREATE TABLE IF NOT EXISTS {{database}}.{table}_local ON CLUSTER", StringComparison.Ordinal));
            Assert.Contains($"MergeTree('/clickhouse/tables/{{shard}}/{{database}}/{table}_local', '{{replica}}'", local, StringComparison.Ordinal);
            var distributed = Assert.Single(all, s => s.StartsWith($"CREATE TABLE IF NOT EXISTS {{database}}.{table} ON CLUSTER", StringComparison.Ordinal));
            Assert.EndsWith(
                $" AS {{database}}.{table}_local\nENGINE = Distributed('{Cluster}', '{{database}}', '{table}_local', source_partition)",
                distributed,
                StringComparison.Ordinal);
        }

        // The versioned engines keep their version (and is_deleted) arguments after the Keeper path and replica.
        Assert.Contains(all, s => s.Contains("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/qoe_delivery_1m_local', '{replica}', version, is_deleted)", StringComparison.Ordinal));

        // A signed partition (-1 for instance-wide figures) is hashed rather than taken modulo the shards.
        Assert.Contains(all, s => s.EndsWith("'pipeline_health_local', cityHash64(source_partition))", StringComparison.Ordinal));
    }

    [Fact]
    public void Rollups_and_alerting_state_are_replicated_to_every_node_and_the_rollups_read_the_distributed_facts()
    {
        var all = QoeTables.Migrations.SelectMany(m => SchemaMigrator.StatementsOf(m, Schema)).Select(ClusterSchema.Body).ToList();

        foreach (var table in new[] { "qoe_delivery_1h", "qoe_client_1d", "incidents", "alert_checkpoints", "notification_log" })
        {
            var create = Assert.Single(all, s => s.StartsWith($"CREATE TABLE IF NOT EXISTS {{database}}.{table} ON CLUSTER", StringComparison.Ordinal));
            Assert.Contains($"MergeTree('/clickhouse/tables/all/{{database}}/{table}', '{{replica}}'", create, StringComparison.Ordinal);
            Assert.DoesNotContain(all, s => s.Contains($"{table}_local", StringComparison.Ordinal));
        }

        var rollup = Assert.Single(all, s => s.StartsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.qoe_delivery_1h_mv ON CLUSTER 'analytics'\nREFRESH", StringComparison.Ordinal));
        Assert.Contains("FROM {database}.qoe_delivery_1m AS m FINAL\nGLOBAL LEFT JOIN peaks", rollup, StringComparison.Ordinal);
        Assert.Contains("WHERE toStartOfHour(m.window_start) GLOBAL IN (SELECT hour FROM stale)", rollup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_migrators_own_table_and_a_later_migrations_changes_are_rendered_too()
    {
        var later = new Migration(99, "later", """
            ALTER TABLE {database}.qoe_delivery_1m ADD COLUMN IF NOT EXISTS downloads UInt32 DEFAULT 0;
            ALTER TABLE {database}.qoe_delivery_1m MODIFY TTL window_start + INTERVAL 120 DAY;
            ALTER TABLE {database}.incidents ADD COLUMN IF NOT EXISTS team String;
            DROP TABLE IF EXISTS {database}.late_events;
            DROP VIEW IF EXISTS {database}.qoe_delivery_1m_v;
            """);
        var schema = new ClusterSchema(Cluster, [.. QoeTables.Migrations, later]);

        Assert.Equal(
            [
                "ALTER TABLE {database}.qoe_delivery_1m_local ON CLUSTER 'analytics' ADD COLUMN IF NOT EXISTS downloads UInt32 DEFAULT 0",
                "ALTER TABLE {database}.qoe_delivery_1m ON CLUSTER 'analytics' ADD COLUMN IF NOT EXISTS downloads UInt32 DEFAULT 0",
                "ALTER TABLE {database}.qoe_delivery_1m_local ON CLUSTER 'analytics' MODIFY TTL window_start + INTERVAL 120 DAY",
                "ALTER TABLE {database}.incidents ON CLUSTER 'analytics' ADD COLUMN IF NOT EXISTS team String",
                "DROP TABLE IF EXISTS {database}.late_events ON CLUSTER 'analytics'",
                "DROP TABLE IF EXISTS {database}.late_events_local ON CLUSTER 'analytics'",
                "DROP VIEW IF EXISTS {database}.qoe_delivery_1m_v ON CLUSTER 'analytics'",
            ],
            SchemaMigrator.StatementsOf(later, schema));

        Assert.Equal(
            ["CREATE TABLE IF NOT EXISTS analytics.schema_migrations ON CLUSTER 'analytics'\n(version UInt32, name String)\nENGINE = ReplicatedMergeTree('/clickhouse/tables/all/analytics/schema_migrations', '{replica}') ORDER BY version"],
            schema.Render("CREATE TABLE IF NOT EXISTS analytics.schema_migrations (version UInt32, name String) ENGINE = MergeTree ORDER BY version"));
    }

    [Theory]
    [InlineData("CREATE MATERIALIZED VIEW {database}.m TO {database}.incidents AS SELECT * FROM {database}.qoe_sessions", "incremental materialized view")]
    [InlineData("CREATE MATERIALIZED VIEW {database}.m REFRESH EVERY 1 MINUTE APPEND TO {database}.late_events AS SELECT 1", "target late_events must not be sharded")]
    [InlineData("CREATE TABLE {database}.t (a UInt8) ENGINE = Memory", "engine Memory")]
    [InlineData("INSERT INTO {database}.incidents SELECT 1", "does not know this kind of statement")]
    public void What_it_cannot_render_correctly_is_refused(string statement, string why)
    {
        var error = Assert.Throws<SchemaMigrationException>(() => Schema.Render(statement));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("my-cluster")]
    public void The_cluster_name_must_be_an_identifier(string cluster)
        => Assert.Throws<ArgumentException>(() => new ClusterSchema(cluster, QoeTables.Migrations));

    [GeneratedRegex(@"ENGINE\s*=\s*(?<engine>\w+)")]
    private static partial Regex Engine();

    [GeneratedRegex(@"^CREATE (OR REPLACE )?(MATERIALIZED )?VIEW")]
    private static partial Regex ViewHead();
}
