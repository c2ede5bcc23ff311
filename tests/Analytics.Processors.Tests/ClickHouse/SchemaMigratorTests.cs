using Analytics.Processors.ClickHouse;

namespace Analytics.Processors.Tests.ClickHouse;

/// <summary>The pure parts of the migrator; applying migrations is tested on chDB and a real server.</summary>
public sealed class SchemaMigratorTests
{
    [Fact]
    public void Statements_end_at_lines_ending_with_a_semicolon()
    {
        var statements = SchemaMigrator.SplitStatements("""
            -- A comment; with a semicolon that ends nothing;
            CREATE TABLE {database}.a (s String DEFAULT 'x;y')
            ENGINE = Memory;

            INSERT INTO {database}.a VALUES ('1;2');
            -- only a comment;
            SELECT 1
            """);

        Assert.Equal(
            [
                "-- A comment; with a semicolon that ends nothing;\nCREATE TABLE {database}.a (s String DEFAULT 'x;y')\nENGINE = Memory",
                "INSERT INTO {database}.a VALUES ('1;2')",
                "-- only a comment;\nSELECT 1",
            ],
            statements);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n ;\n")]
    [InlineData("-- nothing here;\n")]
    public void Empty_and_comment_only_sql_has_no_statements(string sql) => Assert.Empty(SchemaMigrator.SplitStatements(sql));

    [Fact]
    public void Checksums_ignore_line_endings_and_trailing_whitespace_but_nothing_else()
    {
        var original = SchemaMigrator.ChecksumOf("CREATE TABLE t (a UInt8)\nENGINE = Memory;");

        Assert.Equal(64, original.Length);
        Assert.Equal(original, SchemaMigrator.ChecksumOf("CREATE TABLE t (a UInt8)  \r\nENGINE = Memory;\n\n"));
        Assert.NotEqual(original, SchemaMigrator.ChecksumOf("CREATE TABLE t (a UInt16)\nENGINE = Memory;"));
        Assert.NotEqual(original, SchemaMigrator.ChecksumOf("CREATE  TABLE t (a UInt8)\nENGINE = Memory;"));
    }
}
