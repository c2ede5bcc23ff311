using System.Text;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Xunit.Abstractions;

namespace Analytics.IntegrationTests.ClickHouse;

[Collection(ChDbCollection.Name)]
public sealed class ChDbConnectionTests : IAsyncLifetime
{
    private const string Database = "chdb_connection_tests";
    private readonly ChDbFixture _chdb;
    private readonly ITestOutputHelper _output;

    public ChDbConnectionTests(ChDbFixture chdb, ITestOutputHelper output)
    {
        _chdb = chdb;
        _output = output;
    }

    private ChDbConnection Connection => _chdb.Connection;

    public async Task InitializeAsync()
    {
        await _chdb.CreateDatabaseAsync(Database);
        await Connection.ExecuteAsync(
            $"CREATE TABLE {Database}.qoe (minute DateTime('UTC'), cdn LowCardinality(String), plays UInt64, "
            + "buffering Map(Int16, Int64)) ENGINE = MergeTree ORDER BY (minute, cdn)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Json_rows_with_a_map_column_round_trip_and_read_back_in_several_formats()
    {
        await Connection.InsertAsync($"{Database}.qoe", "JSONEachRow", Encoding.UTF8.GetBytes(
            "{\"minute\":\"2026-11-22 10:00:00\",\"cdn\":\"akamai\",\"plays\":3,\"buffering\":{\"1\":10,\"-2\":9000000000}}\n"
            + "{\"minute\":\"2026-11-22 10:01:00\",\"cdn\":\"fastly\",\"plays\":5,\"buffering\":{}}\n"));

        var rows = await Connection.QueryJsonRowsAsync($"SELECT cdn, plays, buffering FROM {Database}.qoe ORDER BY minute");
        var tsv = await Connection.QueryTextAsync($"SELECT cdn, plays FROM {Database}.qoe ORDER BY minute");
        var csv = await Connection.QueryTextAsync($"SELECT cdn, plays FROM {Database}.qoe ORDER BY minute", "CSVWithNames");
        var pretty = await Connection.QueryTextAsync($"SELECT cdn FROM {Database}.qoe ORDER BY minute", "PrettyCompact");
        var native = await Connection.QueryAsync($"SELECT cdn, plays FROM {Database}.qoe", "Native");

        Assert.Equal(2, rows.Count);
        Assert.Equal("akamai", rows[0].GetProperty("cdn").GetString());
        Assert.Equal(10, rows[0].GetProperty("buffering").GetProperty("1").GetInt64());
        Assert.Equal(9_000_000_000, rows[0].GetProperty("buffering").GetProperty("-2").GetInt64());
        Assert.Empty(rows[1].GetProperty("buffering").EnumerateObject());
        Assert.Equal("akamai\t3\nfastly\t5\n", tsv);
        Assert.Equal("\"cdn\",\"plays\"\n\"akamai\",3\n\"fastly\",5\n", csv);
        Assert.Contains("│ akamai │", pretty);
        Assert.NotEmpty(native);
        Assert.Equal(9_000_000_010L, await Connection.QueryScalarAsync<long>(
            $"SELECT sum(v) FROM {Database}.qoe ARRAY JOIN mapValues(buffering) AS v"));
    }

    [Fact]
    public async Task A_format_clause_in_the_sql_wins_over_the_format_argument()
    {
        var text = await Connection.QueryTextAsync("SELECT 1 AS x FORMAT JSONEachRow", "TabSeparated");

        Assert.Equal("{\"x\":1}\n", text);
    }

    [Fact]
    public async Task Inserts_are_binary_safe()
    {
        await Connection.ExecuteAsync($"CREATE TABLE {Database}.blobs (b String) ENGINE = Memory");
        byte[] rowBinary = [3, 0, 1, 0];

        await Connection.InsertAsync($"{Database}.blobs", "RowBinary", rowBinary);

        Assert.Equal("0,1,0", await Connection.QueryScalarAsync<string>(
            $"SELECT arrayStringConcat(arrayMap(c -> toString(reinterpretAsUInt8(c)), splitByString('', b)), ',') FROM {Database}.blobs"));
    }

    [Fact]
    public async Task Errors_carry_the_code_and_the_name()
    {
        var unknown = await Assert.ThrowsAsync<ClickHouseServerException>(() => Connection.QueryAsync("SELECT * FROM no_such_table", "TabSeparated"));
        var syntax = await Assert.ThrowsAsync<ClickHouseServerException>(() => Connection.ExecuteAsync("SELEC 1"));

        Assert.Equal(60, unknown.Code);
        Assert.Equal("UNKNOWN_TABLE", unknown.Name);
        Assert.Contains("no_such_table", unknown.ServerMessage);
        Assert.DoesNotContain("Code:", unknown.ServerMessage);
        Assert.False(unknown.IsTransient);
        Assert.Contains(_chdb.DataPath, unknown.Message);
        Assert.Equal(62, syntax.Code);
        Assert.Equal("SYNTAX_ERROR", syntax.Name);
    }

    [Fact]
    public async Task Concurrent_calls_from_several_threads_all_complete()
    {
        await Connection.ExecuteAsync($"CREATE TABLE {Database}.counter (n UInt32) ENGINE = MergeTree ORDER BY n");

        await Parallel.ForAsync(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await Connection.InsertAsync($"{Database}.counter", "TabSeparated", Encoding.UTF8.GetBytes($"{i}\n"), ct);
            Assert.True(await Connection.QueryScalarAsync<int>($"SELECT count() FROM {Database}.counter", ct) >= 1);
        });

        Assert.Equal(64, await Connection.QueryScalarAsync<int>($"SELECT count() FROM {Database}.counter"));
        Assert.Equal(2016, await Connection.QueryScalarAsync<int>($"SELECT sum(n) FROM {Database}.counter"));
    }

    [Fact]
    public async Task A_read_only_connection_reads_the_same_store_and_refuses_writes()
    {
        await Connection.ExecuteAsync($"CREATE TABLE {Database}.ro (n UInt8) ENGINE = MergeTree ORDER BY n");
        await Connection.InsertAsync($"{Database}.ro", "TabSeparated", "7\n"u8.ToArray());
        await using var readOnly = await _chdb.OpenAsync(readOnly: true);

        var seen = await readOnly.QueryScalarAsync<int>($"SELECT sum(n) FROM {Database}.ro");
        var insert = await Assert.ThrowsAsync<ClickHouseServerException>(() => readOnly.InsertAsync($"{Database}.ro", "TabSeparated", "8\n"u8.ToArray()));
        var ddl = await Assert.ThrowsAsync<ClickHouseServerException>(() => readOnly.ExecuteAsync($"DROP TABLE {Database}.ro"));

        Assert.Equal(7, seen);
        Assert.Equal(164, insert.Code);
        Assert.Equal("READONLY", insert.Name);
        Assert.Equal(164, ddl.Code);
        Assert.Contains("(read-only)", readOnly.Description);
        Assert.Equal(7, await Connection.QueryScalarAsync<int>($"SELECT sum(n) FROM {Database}.ro"));
    }

    [Fact]
    public async Task Another_path_is_refused_while_the_engine_is_open()
    {
        var other = Path.Combine(Path.GetTempPath(), $"analytics-chdb-other-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<ChDbException>(() => ChDbConnection.OpenAsync(new ChDbOptions { Path = other }));

        Assert.Contains(_chdb.DataPath, error.Message);
        Assert.Contains(other, error.Message);
        Assert.Contains("close every connection", error.Message);
        Assert.False(error.IsTransient);
        Assert.Equal(_chdb.DataPath, ChDbEngine.OpenPath);
    }

    [Fact]
    public async Task Disposing_twice_is_safe_and_later_calls_fail_clearly()
    {
        var second = await _chdb.OpenAsync(readOnly: false);
        Assert.Equal(1, await second.QueryScalarAsync<int>("SELECT 1"));

        await second.DisposeAsync();
        await second.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => second.QueryAsync("SELECT 1", "TabSeparated"));
        Assert.Equal(2, await Connection.QueryScalarAsync<int>("SELECT 2"));
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_call_before_it_runs()
    {
        await Connection.ExecuteAsync($"CREATE TABLE {Database}.cancelled (n UInt8) ENGINE = Memory");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Connection.InsertAsync($"{Database}.cancelled", "TabSeparated", "1\n"u8.ToArray(), cancelled.Token));

        Assert.Equal(0, await Connection.QueryScalarAsync<int>($"SELECT count() FROM {Database}.cancelled"));
    }

    [Fact]
    public async Task Inserts_100k_json_rows()
    {
        await Connection.ExecuteAsync(
            $"CREATE TABLE {Database}.bulk (minute DateTime('UTC'), session String, plays UInt32, buffering Map(Int16, Int64)) "
            + "ENGINE = MergeTree ORDER BY (minute, session)");
        var json = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            json.Append("{\"minute\":\"2026-11-22 10:").Append((i % 60).ToString("00", System.Globalization.CultureInfo.InvariantCulture))
                .Append(":00\",\"session\":\"s").Append(i).Append("\",\"plays\":").Append(i % 7)
                .Append(",\"buffering\":{\"").Append(i % 5).Append("\":").Append(i).Append("}}\n");
        }

        var data = Encoding.UTF8.GetBytes(json.ToString());
        var started = TimeProvider.System.GetTimestamp();
        await Connection.InsertAsync($"{Database}.bulk", "JSONEachRow", data);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        _output.WriteLine($"Engine open (library load + first connect): {_chdb.OpenTime.TotalMilliseconds:0} ms");
        _output.WriteLine($"Inserted 100k JSONEachRow rows ({data.Length / 1024} KiB) in {elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(100_000, await Connection.QueryScalarAsync<int>($"SELECT count() FROM {Database}.bulk"));
        Assert.Equal(4_999_950_000L, await Connection.QueryScalarAsync<long>($"SELECT sum(mapValues(buffering)[1]) FROM {Database}.bulk"));
    }
}
