using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>
/// Keeper and a sharded cluster cannot run here, so the cluster rendering of every embedded migration
/// (docs/scale-out.md) is checked by ClickHouse's own parser: chDB's formatQuery must accept each statement
/// and keep its ON CLUSTER, Replicated engine and Distributed target.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class ClusterSchemaSqlTests(ChDbFixture chdb)
{
    public static TheoryData<int> Versions => [.. QoeTables.Migrations.Select(m => m.Version)];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_statement_rendered_for_a_cluster_is_valid_clickhouse_sql(int version)
    {
        var schema = new ClusterSchema("analytics", QoeTables.Migrations);
        var migration = QoeTables.Migrations.Single(m => m.Version == version);

        foreach (var statement in SchemaMigrator.StatementsOf(migration, schema))
        {
            var sql = statement.Replace(SchemaMigrator.DatabasePlaceholder, "analytics", StringComparison.Ordinal);
            var formatted = await FormatAsync(sql);

            Assert.Contains("ON CLUSTER analytics", formatted, StringComparison.Ordinal);
            if (sql.Contains("ENGINE = Replicated", StringComparison.Ordinal))
            {
                Assert.Matches(@"ENGINE = Replicated\w*MergeTree\('/clickhouse/tables/(\{shard\}|all)/analytics/\w+', '\{replica\}'", formatted);
            }

            if (sql.Contains("ENGINE = Distributed", StringComparison.Ordinal))
            {
                Assert.Matches(@"ENGINE = Distributed\('analytics', 'analytics', '\w+_local', (source_partition|cityHash64\(source_partition\))\)", formatted);
            }
        }
    }

    [Fact]
    public async Task The_migrators_own_statements_are_valid_for_a_cluster_too()
    {
        var statements = SchemaMigrator.OwnStatements("analytics", new ClusterSchema("analytics", QoeTables.Migrations)).ToList();

        Assert.Equal(3, statements.Count);
        Assert.Contains("ON CLUSTER analytics", await FormatAsync(statements[0]), StringComparison.Ordinal);
        Assert.Contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/analytics/schema_migrations', '{replica}')", await FormatAsync(statements[1]), StringComparison.Ordinal);
        Assert.Equal("SYSTEM SYNC REPLICA analytics.schema_migrations", await FormatAsync(statements[2]));
    }

    private async Task<string> FormatAsync(string sql)
    {
        try
        {
            return await chdb.Connection.QueryScalarAsync<string>($"SELECT formatQuerySingleLine({ClickHouseSql.Quote(sql)})");
        }
        catch (ClickHouseException e)
        {
            Assert.Fail($"ClickHouse does not parse:\n{sql}\n{e.Message}");
            throw;
        }
    }
}
