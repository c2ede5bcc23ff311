using Analytics.Processors.ClickHouse;

namespace Analytics.Processors.Tests.ClickHouse;

public sealed class ClickHouseSqlTests
{
    [Theory]
    [InlineData("qoe_minute")]
    [InlineData("analytics.qoe_minute")]
    [InlineData("_t1")]
    public void Plain_table_names_pass(string table) => Assert.Equal(table, ClickHouseSql.RequireTable(table));

    [Theory]
    [InlineData("")]
    [InlineData("t; DROP TABLE x")]
    [InlineData("a.b.c")]
    [InlineData("t FORMAT CSV")]
    [InlineData("1t")]
    public void Anything_that_could_change_the_statement_is_refused(string table)
        => Assert.Throws<ArgumentException>(() => ClickHouseSql.RequireTable(table));

    [Theory]
    [InlineData("JSONEachRow", true)]
    [InlineData("CSVWithNames", true)]
    [InlineData("JSON\nSELECT 1", false)]
    [InlineData("", false)]
    public void Formats_are_plain_names(string format, bool valid)
    {
        if (valid)
        {
            Assert.Equal(format, ClickHouseSql.RequireFormat(format));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => ClickHouseSql.RequireFormat(format));
        }
    }
}
