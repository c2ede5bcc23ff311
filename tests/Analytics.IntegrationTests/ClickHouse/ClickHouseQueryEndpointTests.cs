using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Analytics.Common;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>The ClickHouse-compatible endpoint over chDB, queried with raw HTTP and with <see cref="HttpClickHouseConnection"/>.</summary>
[Collection(ChDbCollection.Name)]
public sealed class ClickHouseQueryEndpointTests : IAsyncLifetime, IDisposable
{
    private const string Database = "endpoint_tests";
    private readonly ChDbFixture _chdb;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
    private ChDbConnection _readOnly = null!;
    private ClickHouseQueryEndpoint _endpoint = null!;

    public ClickHouseQueryEndpointTests(ChDbFixture chdb) => _chdb = chdb;

    private string Url => _endpoint.Url.ToString();

    public async Task InitializeAsync()
    {
        await _chdb.CreateDatabaseAsync(Database);
        await _chdb.Connection.ExecuteAsync($"CREATE TABLE {Database}.plays (cdn String, n UInt32) ENGINE = MergeTree ORDER BY cdn");
        await _chdb.Connection.InsertAsync($"{Database}.plays", "TabSeparated", "akamai\t3\nfastly\t5\n"u8.ToArray());
        _readOnly = await _chdb.OpenAsync(readOnly: true);
        _endpoint = await ClickHouseQueryEndpoint.StartAsync(new ClickHouseQueryEndpointOptions { Port = 0, DisplayName = "test-store" }, _readOnly);
    }

    public async Task DisposeAsync()
    {
        await _endpoint.DisposeAsync();
        await _readOnly.DisposeAsync();
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Ping_and_a_bare_get_answer_ok()
    {
        Assert.Equal("Ok.\n", await _http.GetStringAsync($"{Url}ping"));
        Assert.Equal("Ok.\n", await _http.GetStringAsync(Url));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Url}nothing-here")).StatusCode);
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"{Url}ping"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.StartsWith("http://127.0.0.1:", Url);
    }

    [Fact]
    public async Task Queries_come_from_the_query_parameter_the_body_or_both()
    {
        var get = await _http.GetStringAsync($"{Url}?query={Uri.EscapeDataString($"SELECT sum(n) FROM {Database}.plays")}");
        var post = await PostAsync(Url, $"SELECT cdn FROM {Database}.plays ORDER BY cdn");
        var both = await PostAsync($"{Url}?query={Uri.EscapeDataString($"SELECT cdn FROM {Database}.plays WHERE")}", "n > 4");

        Assert.Equal("8\n", get);
        Assert.Equal("akamai\nfastly\n", await post.Content.ReadAsStringAsync());
        Assert.Equal("fastly\n", await both.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Formats_come_from_default_format_or_the_format_clause_and_are_announced()
    {
        var json = await _http.GetAsync($"{Url}?default_format=JSONEachRow&query={Uri.EscapeDataString($"SELECT cdn, n FROM {Database}.plays ORDER BY cdn")}");
        var clause = await PostAsync($"{Url}?default_format=JSONEachRow", $"SELECT cdn FROM {Database}.plays ORDER BY cdn FORMAT CSVWithNames");

        Assert.Equal("{\"cdn\":\"akamai\",\"n\":3}\n{\"cdn\":\"fastly\",\"n\":5}\n", await json.Content.ReadAsStringAsync());
        Assert.Equal("JSONEachRow", Header(json, "X-ClickHouse-Format"));
        Assert.Equal("\"cdn\"\n\"akamai\"\n\"fastly\"\n", await clause.Content.ReadAsStringAsync());
        Assert.Equal("CSVWithNames", Header(clause, "X-ClickHouse-Format"));
        Assert.Equal("text/csv; charset=UTF-8; header=present", clause.Content.Headers.ContentType?.ToString());
        Assert.Equal("test-store", Header(clause, "X-ClickHouse-Server-Display-Name"));
    }

    [Fact]
    public async Task The_database_parameter_sets_the_default_database_and_query_ids_are_echoed()
    {
        var response = await PostAsync($"{Url}?database={Database}&query_id=my-query", "SELECT count() FROM plays");
        var generated = await PostAsync(Url, "SELECT currentDatabase()");

        Assert.Equal("2\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("my-query", Header(response, "X-ClickHouse-Query-Id"));
        Assert.Equal("default\n", await generated.Content.ReadAsStringAsync());
        Assert.True(Guid.TryParse(Header(generated, "X-ClickHouse-Query-Id"), out _));
    }

    [Fact]
    public async Task Errors_use_clickhouse_statuses_bodies_and_the_exception_code_header()
    {
        var unknown = await PostAsync(Url, "SELECT * FROM endpoint_tests.missing");
        var syntax = await PostAsync(Url, "SELEC 1");
        var empty = await PostAsync(Url, string.Empty);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("60", Header(unknown, "X-ClickHouse-Exception-Code"));
        Assert.Matches(@"^Code: 60\. DB::Exception: .*missing.*\. \(UNKNOWN_TABLE\) \(version 26\.[0-9.]+\)\n$", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, syntax.StatusCode);
        Assert.Equal("62", Header(syntax, "X-ClickHouse-Exception-Code"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Empty query", await empty.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_read_only_endpoint_refuses_every_mutation()
    {
        var insert = await PostAsync($"{Url}?query={Uri.EscapeDataString($"INSERT INTO {Database}.plays FORMAT TabSeparated")}", "x\t1\n");
        var drop = await PostAsync(Url, $"DROP TABLE {Database}.plays");
        var set = await PostAsync(Url, "SET readonly = 0");

        Assert.All(new[] { insert, drop, set }, r => Assert.Equal("164", Header(r, "X-ClickHouse-Exception-Code")));
        Assert.Contains("(READONLY)", await drop.Content.ReadAsStringAsync());
        Assert.Equal(2, await _chdb.Connection.QueryScalarAsync<int>($"SELECT count() FROM {Database}.plays"));
    }

    [Fact]
    public async Task A_read_only_endpoint_refuses_to_start_on_a_writable_connection()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => ClickHouseQueryEndpoint.StartAsync(new ClickHouseQueryEndpointOptions { Port = 0 }, _chdb.Connection));

        Assert.Equal("ReadOnly", error.Key);
        Assert.Contains("read-only connection", error.Message);
    }

    [Fact]
    public async Task Responses_are_gzipped_when_asked_and_gzipped_bodies_are_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Url}?enable_http_compression=1")
        {
            Content = new ByteArrayContent(Gzip($"SELECT cdn FROM {Database}.plays ORDER BY cdn")),
        };
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await _http.SendAsync(request);
        var plain = await PostAsync(Url, "SELECT 1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("akamai\nfastly\n", Gunzip(await response.Content.ReadAsByteArrayAsync()));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Clickhouse_internal_compression_is_refused_as_not_implemented()
    {
        var response = await PostAsync($"{Url}?compress=1", "SELECT 1");

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("48", Header(response, "X-ClickHouse-Exception-Code"));
    }

    [Fact]
    public async Task The_http_client_queries_the_endpoint_like_a_server()
    {
        await using var client = new HttpClickHouseConnection(new ClickHouseHttpOptions { Url = Url, Database = Database, MaxRetries = 0 });

        var rows = await client.QueryJsonRowsAsync("SELECT cdn, n FROM plays ORDER BY cdn");
        var error = await Assert.ThrowsAsync<ClickHouseServerException>(() => client.QueryAsync("SELECT * FROM missing", "TabSeparated"));

        Assert.Equal(["akamai", "fastly"], rows.Select(r => r.GetProperty("cdn").GetString()));
        Assert.Equal((60, "UNKNOWN_TABLE", 404), (error.Code, error.Name, error.HttpStatus));
        Assert.DoesNotContain("version", error.ServerMessage);
    }

    [Fact]
    public async Task With_a_password_clients_must_authenticate()
    {
        await using var endpoint = await ClickHouseQueryEndpoint.StartAsync(
            new ClickHouseQueryEndpointOptions { Port = 0, User = "analyst", Password = "p@ss:word" }, _readOnly);
        var url = endpoint.Url.ToString();

        var anonymous = await PostAsync(url, "SELECT 1");
        var wrong = await PostAsync(url, "SELECT 1", request => request.Headers.Authorization = Basic("analyst", "nope"));
        var basic = await PostAsync(url, "SELECT 1", request => request.Headers.Authorization = Basic("analyst", "p@ss:word"));
        var headers = await PostAsync(url, "SELECT 2", request =>
        {
            request.Headers.Add("X-ClickHouse-User", "analyst");
            request.Headers.Add("X-ClickHouse-Key", "p@ss:word");
        });
        var parameters = await PostAsync($"{url}?user=analyst&password={Uri.EscapeDataString("p@ss:word")}", "SELECT 3");
        await using var good = new HttpClickHouseConnection(new ClickHouseHttpOptions { Url = url, User = "analyst", Password = "p@ss:word", Database = "default" });
        await using var bad = new HttpClickHouseConnection(new ClickHouseHttpOptions { Url = url, User = "analyst", Password = "x", Database = "default" });

        Assert.Equal("Ok.\n", await _http.GetStringAsync($"{url}ping"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.NotEmpty(anonymous.Headers.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal("516", Header(wrong, "X-ClickHouse-Exception-Code"));
        Assert.Equal("1\n", await basic.Content.ReadAsStringAsync());
        Assert.Equal("2\n", await headers.Content.ReadAsStringAsync());
        Assert.Equal("3\n", await parameters.Content.ReadAsStringAsync());
        Assert.Equal(4, await good.QueryScalarAsync<int>("SELECT 4"));
        var refused = await Assert.ThrowsAsync<ClickHouseServerException>(() => bad.QueryAsync("SELECT 1", "TabSeparated"));
        Assert.Equal(("AUTHENTICATION_FAILED", false), (refused.Name, refused.IsTransient));
        Assert.Equal(0, bad.RetryCount);
    }

    [Fact]
    public async Task A_writable_endpoint_takes_inserts_from_the_http_client()
    {
        await using var writer = await _chdb.OpenAsync(readOnly: false);
        await using var endpoint = await ClickHouseQueryEndpoint.StartAsync(new ClickHouseQueryEndpointOptions { Port = 0, ReadOnly = false }, writer);
        await using var client = new HttpClickHouseConnection(new ClickHouseHttpOptions { Url = endpoint.Url.ToString(), Database = Database });

        await client.ExecuteAsync("CREATE TABLE IF NOT EXISTS written (k String, v Map(Int16, Int64)) ENGINE = MergeTree ORDER BY k");
        await client.InsertAsync($"{Database}.written", "JSONEachRow", "{\"k\":\"a\",\"v\":{\"-1\":5}}\n{\"k\":\"b\",\"v\":{\"2\":6}}\n"u8.ToArray());

        Assert.Equal(11, await _chdb.Connection.QueryScalarAsync<int>($"SELECT sum(arraySum(mapValues(v))) FROM {Database}.written"));
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string body, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
        configure?.Invoke(request);
        return await _http.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static string Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }
}
