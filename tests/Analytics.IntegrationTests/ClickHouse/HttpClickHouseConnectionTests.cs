using System.Net;
using System.Net.Sockets;
using System.Text;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>The HTTP client against a real ClickHouse server (Debian's 18.16): auth, gzip, errors, inserts, retries.</summary>
[Collection(ClickHouseServerCollection.Name)]
public sealed class HttpClickHouseConnectionTests : IAsyncLifetime
{
    private readonly ClickHouseServerFixture _server;
    private readonly ImmediateDelayTimeProvider _time = new(TimeSpan.FromSeconds(10));
    private FlakyHttpProxy _proxy = null!;
    private string _table = null!;

    public HttpClickHouseConnectionTests(ClickHouseServerFixture server) => _server = server;

    public async Task InitializeAsync()
    {
        _proxy = await FlakyHttpProxy.StartAsync(_server.Url);
        _table = $"default.http_{Guid.NewGuid():N}";
        await using var setup = Connect();
        await setup.ExecuteAsync($"CREATE TABLE {_table} (id UInt32, cdn String, bitrate Float64) ENGINE = MergeTree ORDER BY id");
    }

    public async Task DisposeAsync()
    {
        await using (var cleanup = Connect())
        {
            await cleanup.ExecuteAsync($"DROP TABLE IF EXISTS {_table}");
        }

        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Authenticates_and_inserts_json_and_tab_separated_rows()
    {
        await using var connection = Connect();

        await connection.InsertAsync(_table, "JSONEachRow", "{\"id\":1,\"cdn\":\"akamai\",\"bitrate\":2.5}\n{\"id\":2,\"cdn\":\"fastly\",\"bitrate\":4}\n"u8.ToArray());
        await connection.InsertAsync(_table, "TabSeparated", "3\tcloud\\tfront\t1.25\n"u8.ToArray());

        Assert.StartsWith("18.16", await connection.QueryScalarAsync<string>("SELECT version()"));
        Assert.Equal("1\takamai\t2.5\n2\tfastly\t4\n3\tcloud\\tfront\t1.25\n", await connection.QueryTextAsync($"SELECT * FROM {_table} ORDER BY id"));
        Assert.Equal("cloud\tfront", await connection.QueryScalarAsync<string>($"SELECT cdn FROM {_table} WHERE id = 3"));
        var rows = await connection.QueryJsonRowsAsync($"SELECT id, cdn FROM {_table} ORDER BY id");
        Assert.Equal(["akamai", "fastly", "cloud\tfront"], rows.Select(r => r.GetProperty("cdn").GetString()));
        Assert.Equal($"{_server.Url} (db default)", connection.Description);
    }

    [Fact]
    public async Task A_wrong_password_fails_at_once_and_says_which_settings_to_check()
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, Password = "wrong" });

        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.QueryAsync("SELECT 1", "TabSeparated"));

        Assert.Equal(193, error.Code);
        Assert.Equal("WRONG_PASSWORD", error.Name);
        Assert.Equal(401, error.HttpStatus);
        Assert.False(error.IsTransient);
        Assert.Contains("ANALYTICS_ClickHouse__Http__Password", error.Message);
        Assert.Equal(1, _proxy.Requests);
        Assert.Equal(0, connection.RetryCount);
    }

    [Fact]
    public async Task Server_errors_are_parsed_into_code_name_and_status()
    {
        await using var connection = Connect();

        var unknown = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.QueryAsync("SELECT * FROM default.no_such_table", "TabSeparated"));
        var syntax = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteAsync("SELEC 1"));
        var badRow = await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.InsertAsync(_table, "JSONEachRow", "{\"id\":\"x\"}"u8.ToArray()));

        Assert.Equal((60, "UNKNOWN_TABLE", 404), (unknown.Code, unknown.Name, unknown.HttpStatus));
        Assert.Equal("Table default.no_such_table doesn't exist", unknown.ServerMessage);
        Assert.NotNull(unknown.QueryId);
        Assert.Equal((62, "SYNTAX_ERROR", 400), (syntax.Code, syntax.Name, syntax.HttpStatus));
        Assert.Equal(27, badRow.Code);
        Assert.All(new[] { unknown, syntax, badRow }, e => Assert.False(e.IsTransient));
    }

    [Fact]
    public async Task Compression_gzips_request_bodies_and_responses()
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, Compress = true });
        var rows = string.Concat(Enumerable.Range(1, 500).Select(i => $"{{\"id\":{i},\"cdn\":\"cdn-{i % 3}\",\"bitrate\":{i}.5}}\n"));

        await connection.InsertAsync(_table, "JSONEachRow", Encoding.UTF8.GetBytes(rows));
        var text = await connection.QueryTextAsync($"SELECT id, cdn FROM {_table} ORDER BY id");

        Assert.Equal(500, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("1\tcdn-1\n2\tcdn-2\n", text);
        Assert.All(_proxy.Encodings, e => Assert.Equal("gzip", e.Request));
        Assert.Equal("gzip", _proxy.Encodings.Last().Response);
    }

    [Fact]
    public async Task Without_compression_nothing_is_gzipped()
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, Compress = false });

        Assert.Equal(1, await connection.QueryScalarAsync<int>("SELECT 1"));

        Assert.Equal((string.Empty, string.Empty), Assert.Single(_proxy.Encodings));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Transient_failures_are_retried_with_backoff_until_the_insert_succeeds(bool dropConnection)
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, MaxRetries = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(100) });
        _proxy.FailNext(2, dropConnection ? FlakyHttpProxy.Failure.DropConnection : FlakyHttpProxy.Failure.ServiceUnavailable);

        await connection.InsertAsync(_table, "JSONEachRow", "{\"id\":7,\"cdn\":\"x\",\"bitrate\":1}"u8.ToArray());

        Assert.Equal(3, _proxy.Requests);
        Assert.Equal(2, connection.RetryCount);
        Assert.Equal(2, _time.Delays.Count);
        Assert.All(_time.Delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5)));
        await using var direct = Connect();
        Assert.Equal(1, await direct.QueryScalarAsync<int>($"SELECT count() FROM {_table} WHERE id = 7"));
    }

    [Fact]
    public async Task Retries_stop_after_MaxRetries_with_a_transient_transport_error()
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, MaxRetries = 2 });
        _proxy.FailNext(10, FlakyHttpProxy.Failure.ServiceUnavailable);

        var error = await Assert.ThrowsAsync<ClickHouseTransportException>(() => connection.QueryAsync("SELECT 1", "TabSeparated"));

        Assert.True(error.IsTransient);
        Assert.Equal(503, error.HttpStatus);
        Assert.Equal(3, _proxy.Requests);
        Assert.Equal(2, connection.RetryCount);
    }

    [Fact]
    public async Task A_request_without_an_answer_times_out_on_the_injected_clock_and_is_retried()
    {
        // The fake clock fires the 1 s timeout at once, so this takes no wall-clock second (and an attempt may be
        // cancelled before the proxy even sees it).
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, RequestTimeout = TimeSpan.FromSeconds(1), MaxRetries = 1 });
        _proxy.FailNext(5, FlakyHttpProxy.Failure.NoAnswer);

        var error = await Assert.ThrowsAsync<ClickHouseTransportException>(() => connection.QueryAsync("SELECT 1", "TabSeparated"));

        Assert.True(error.IsTransient);
        Assert.Contains("did not answer within 1 s", error.Message);
        Assert.InRange(_proxy.Requests, 0, 2);
        Assert.Equal(1, connection.RetryCount);
    }

    [Fact]
    public async Task Non_transient_errors_are_not_retried()
    {
        await using var connection = Connect(_server.Options with { Url = _proxy.Url, MaxRetries = 3 });

        await Assert.ThrowsAsync<ClickHouseServerException>(() => connection.ExecuteAsync("SELEC 1"));

        Assert.Equal(1, _proxy.Requests);
        Assert.Equal(0, connection.RetryCount);
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_says_where_the_server_was_expected()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        await using var connection = Connect(_server.Options with { Url = url, MaxRetries = 1 });

        var error = await Assert.ThrowsAsync<ClickHouseTransportException>(() => connection.ExecuteAsync("SELECT 1"));

        Assert.True(error.IsTransient);
        Assert.Contains(url, error.Message);
        Assert.Contains("Is the server running there?", error.Message);
        Assert.Equal(1, connection.RetryCount);
    }

    private HttpClickHouseConnection Connect(ClickHouseHttpOptions? options = null) => new(options ?? _server.Options, _time);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
