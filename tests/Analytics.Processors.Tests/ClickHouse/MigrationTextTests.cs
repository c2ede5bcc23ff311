using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.Processors.Tests.ClickHouse;

public sealed class MigrationTextTests
{
    [Fact]
    public void A_fragment_replaces_each_line_that_names_it_and_its_definition_is_dropped()
    {
        var sql = MigrationText.Expand(
            """
            -- header
            -- fragment sums: the additive columns
                sum(a) AS a,
                sum(b) AS b,
            -- end fragment
            CREATE VIEW {database}.v1 AS SELECT k,
                {sums}
                1 AS one FROM {database}.t1 GROUP BY k;
            CREATE VIEW {database}.v2 AS SELECT k,
              {sums}
                2 AS two FROM {database}.t2 GROUP BY k;
            """,
            "test.sql");

        Assert.Equal(
            """
            -- header
            CREATE VIEW {database}.v1 AS SELECT k,
                sum(a) AS a,
                sum(b) AS b,
                1 AS one FROM {database}.t1 GROUP BY k;
            CREATE VIEW {database}.v2 AS SELECT k,
                sum(a) AS a,
                sum(b) AS b,
                2 AS two FROM {database}.t2 GROUP BY k;
            """.ReplaceLineEndings("\n"),
            sql);
    }

    [Fact]
    public void Text_without_fragments_is_unchanged()
    {
        const string Sql = "CREATE TABLE {database}.t (a UInt8)\nENGINE = Memory;\n-- fragments of a comment stay\n";

        Assert.Equal(Sql, MigrationText.Expand(Sql, "test.sql"));
    }

    [Theory]
    [InlineData("SELECT\n    {missing}\n;", "line 2: {missing} uses a fragment that this migration does not define")]
    [InlineData("-- fragment open: never closed\n  x\nSELECT 1;", "line 1: \"-- fragment open: never closed\" must name a new fragment")]
    [InlineData("-- fragment twice:\nx\n-- end fragment\n-- fragment twice:\ny\n-- end fragment\n{twice}", "line 4: \"-- fragment twice:\" must name a new fragment")]
    [InlineData("-- fragment bad name:\nx\n-- end fragment", "line 1: \"-- fragment bad name:\" must name a new fragment")]
    [InlineData("-- fragment spare: unused\nx\n-- end fragment\nSELECT 1;", "fragment spare is defined but never used")]
    public void Mistakes_name_the_file_the_line_and_the_rule(string text, string expected)
    {
        var error = Assert.Throws<SchemaMigrationException>(() => MigrationText.Expand(text, "0009_x.sql"));

        Assert.StartsWith("Migration 0009_x.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    /// <summary>
    /// Applied migrations must never change: every store records their checksums and refuses to start
    /// when they differ. These are the checksums every existing store holds.
    /// </summary>
    [Theory]
    [InlineData(1, "foundation", "66d2cf3a7cfaa9176bf81d5860343f83a339dae2e39e0d4532844ab5b62cbc98")]
    [InlineData(2, "qoe_semantics", "dcd142a8cbbeafc2487f2ea50cafcbd7472b1dce91aeea432ca6373a6800f48b")]
    public void The_shipped_migrations_keep_the_checksums_stores_recorded(int version, string name, string checksum)
    {
        var migration = QoeTables.Migrations.Single(m => m.Version == version);

        Assert.Equal(name, migration.Name);
        Assert.Equal(checksum, SchemaMigrator.ChecksumOf(migration.Sql));
    }
}
