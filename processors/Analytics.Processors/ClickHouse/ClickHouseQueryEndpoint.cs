using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Common;
using Analytics.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// Serves ClickHouse's HTTP interface over an <see cref="IClickHouseConnection"/> (in practice chDB), so that
/// <c>analytics query</c>, curl and Grafana's ClickHouse datasource (HTTP mode) can query the store while it runs.
/// <para>Supported: <c>GET|POST /</c> with the <c>query</c> parameter and/or the body (parameter, newline, body, as
/// ClickHouse joins them); <c>default_format</c> (TabSeparated by default) and a FORMAT clause in the SQL;
/// <c>database</c>; <c>query_id</c>; <c>GET /ping</c> and <c>GET /</c> without a query (<c>Ok.</c>); headers
/// X-ClickHouse-Format, -Query-Id, -Server-Display-Name, -Timezone, -Exception-Code; errors as
/// <c>Code: N. DB::Exception: …</c> with ClickHouse's HTTP statuses (400 bad SQL, 404 unknown object, 403/401 auth,
/// 500 otherwise); gzip responses with <c>enable_http_compression=1</c> plus <c>Accept-Encoding: gzip</c>; gzip or
/// deflate request bodies; basic auth, X-ClickHouse-User/-Key headers or user/password parameters.</para>
/// <para>Not supported: <c>compress=1</c>/<c>decompress=1</c> (ClickHouse's internal LZ4 framing: refused with 501),
/// sessions (<c>session_id</c> is ignored; every request starts with <c>USE database</c>), settings passed as URL
/// parameters and <c>param_*</c> query parameters (ignored), external data (multipart bodies), progress headers,
/// X-ClickHouse-Summary, HTTPS, and ClickHouse's rule that GET is read-only (only matters when writable).</para>
/// Read-only by default: the connection must then be read-only (chDB <c>readonly=1</c>), which the endpoint checks.
/// </summary>
internal sealed partial class ClickHouseQueryEndpoint : IAsyncDisposable
{
    private const string DefaultFormat = "TabSeparated";
    private readonly ClickHouseQueryEndpointOptions _options;
    private readonly IClickHouseConnection _connection;
    private readonly ILogger _logger;
    private readonly string _version;
    private readonly string _timezone;
    private WebApplication? _app;

    private ClickHouseQueryEndpoint(ClickHouseQueryEndpointOptions options, IClickHouseConnection connection, ILogger logger, string version, string timezone)
    {
        _options = options;
        _connection = connection;
        _logger = logger;
        _version = version;
        _timezone = timezone;
    }

    /// <summary>Where the endpoint listens, e.g. http://127.0.0.1:8123/.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// Starts listening. Give the endpoint a connection of its own (every request runs <c>USE database</c> on it);
    /// the endpoint does not dispose it, so dispose it after the endpoint.
    /// </summary>
    public static async Task<ClickHouseQueryEndpoint> StartAsync(
        ClickHouseQueryEndpointOptions options, IClickHouseConnection connection, ILogger? logger = null, CancellationToken ct = default)
    {
        options.Validate();
        var info = Encoding.UTF8.GetString(await connection.QueryAsync(
            "SELECT version(), timezone(), (SELECT value FROM system.settings WHERE name = 'readonly')", "TabSeparated", ct)).TrimEnd('\n').Split('\t');
        if (options.ReadOnly && info[2] == "0")
        {
            throw new OptionsValidationException(
                ClickHouseQueryEndpointOptions.Component,
                nameof(options.ReadOnly),
                "needs a read-only connection (open chDB with ReadOnly = true), or set ReadOnly = false to let clients write",
                connection.Description);
        }

        var endpoint = new ClickHouseQueryEndpoint(options, connection, logger ?? NullLogger.Instance, info[0], info[1]);
        await endpoint.ListenAsync(ct);
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        (_app, Url) = await KestrelApp.StartAsync(IPAddress.Parse(_options.BindAddress), _options.Port, HandleAsync, _options.MaxRequestBodyBytes, ct);
        _logger.LogInformation(
            "ClickHouse HTTP endpoint on {Url} over {Store} ({Mode}{Auth}).",
            Url,
            _connection.Description,
            _options.ReadOnly ? "read-only" : "writable",
            _options.Password.Length > 0 ? $", user {_options.User} with password" : ", no authentication");
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["X-ClickHouse-Server-Display-Name"] = _options.DisplayName;
        var isGet = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "GET, HEAD, POST";
            await WriteTextAsync(response, StatusCodes.Status405MethodNotAllowed, "Use GET, HEAD or POST.\n");
            return;
        }

        // Like ClickHouse, health checks need no credentials.
        if (request.Path == "/ping" || (request.Path == "/" && isGet && request.Query["query"].ToString().Length == 0))
        {
            await WriteTextAsync(response, StatusCodes.Status200OK, "Ok.\n");
            return;
        }

        if (request.Path != "/")
        {
            await WriteTextAsync(response, StatusCodes.Status404NotFound, $"There is no handle {request.Path}\n\nUse / or /ping for health checks.\n");
            return;
        }

        if (Authenticate(context) is { } authError)
        {
            if (authError.Code == ClickHouseErrors.RequiredPassword)
            {
                response.Headers.WWWAuthenticate = "Basic realm=\"ClickHouse server HTTP API\"";
            }

            await WriteErrorAsync(response, authError);
            return;
        }

        var (query, error) = await ReadQueryAsync(request, isGet, context.RequestAborted);
        if (query is null)
        {
            await WriteErrorAsync(response, error!.Value);
            return;
        }

        response.Headers["X-ClickHouse-Query-Id"] = query.QueryId;
        response.Headers["X-ClickHouse-Format"] = query.Format;
        response.Headers["X-ClickHouse-Timezone"] = _timezone;
        byte[] output;
        try
        {
            // One text, so that no other request's USE can slip in between on the shared connection.
            output = await _connection.QueryAsync($"USE {query.Database};\n{query.Sql}", query.DefaultFormat, context.RequestAborted);
        }
        catch (ClickHouseServerException e)
        {
            _logger.LogDebug("Query {QueryId} failed: {Error}", query.QueryId, e.Message);
            await WriteErrorAsync(response, e.Error);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is ClickHouseException or ObjectDisposedException)
        {
            _logger.LogWarning(e, "Query {QueryId} failed", query.QueryId);
            await WriteErrorAsync(response, new ClickHouseError(1002, "UNKNOWN_EXCEPTION", e.Message.TrimEnd('.')));
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypeOf(query.Format);
        if (request.Query["enable_http_compression"] == "1" && AcceptsGzip(request))
        {
            response.Headers.ContentEncoding = "gzip";
            output = Gzip(output);
        }

        response.ContentLength = output.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(output, context.RequestAborted);
        }
    }

    /// <summary>The query of a request, ClickHouse-style, or the error ClickHouse would answer with.</summary>
    private async Task<(Query? Query, ClickHouseError? Error)> ReadQueryAsync(HttpRequest request, bool isGet, CancellationToken ct)
    {
        var parameters = request.Query;
        if (parameters["compress"] == "1" || parameters["decompress"] == "1")
        {
            return (null, new ClickHouseError(
                ClickHouseErrors.NotImplemented,
                "NOT_IMPLEMENTED",
                "compress=1 and decompress=1 (ClickHouse's internal compression) are not supported by this endpoint; use enable_http_compression=1 with gzip"));
        }

        var database = parameters["database"] is { Count: > 0 } db ? db.ToString() : _options.DefaultDatabase;
        if (!ClickHouseSql.IsIdentifier(database))
        {
            return (null, new ClickHouseError(ClickHouseErrors.BadArguments, "BAD_ARGUMENTS", $"Invalid database name '{database}'"));
        }

        var defaultFormat = parameters["default_format"] is { Count: > 0 } f ? f.ToString() : DefaultFormat;
        if (!ClickHouseSql.IsIdentifier(defaultFormat))
        {
            return (null, new ClickHouseError(73, "UNKNOWN_FORMAT", $"Unknown format {defaultFormat}"));
        }

        var (body, bodyError) = isGet ? (string.Empty, null) : await ReadBodyAsync(request, ct);
        if (bodyError is not null)
        {
            return (null, bodyError);
        }

        var queryParameter = parameters["query"].ToString();
        var sql = queryParameter.Length > 0 && body.Length > 0 ? queryParameter + "\n" + body : queryParameter + body;
        if (string.IsNullOrWhiteSpace(sql))
        {
            return (null, new ClickHouseError(ClickHouseErrors.SyntaxError, "SYNTAX_ERROR", "Empty query"));
        }

        var format = FormatClause().Match(sql) is { Success: true } m ? m.Groups[1].Value : defaultFormat;
        var queryId = parameters["query_id"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString("D");
        return (new Query(sql, database, defaultFormat, format, queryId), null);
    }

    private ClickHouseError? Authenticate(HttpContext context)
    {
        if (_options.Password.Length == 0)
        {
            return null;
        }

        var (user, password) = Credentials(context.Request);
        if (user is null)
        {
            return new ClickHouseError(
                ClickHouseErrors.RequiredPassword, "REQUIRED_PASSWORD", "This endpoint requires a user and password (basic auth, X-ClickHouse-User/X-ClickHouse-Key, or user/password parameters)");
        }

        return FixedTimeEquals(user, _options.User) & FixedTimeEquals(password ?? string.Empty, _options.Password)
            ? null
            : new ClickHouseError(
                ClickHouseErrors.AuthenticationFailed, "AUTHENTICATION_FAILED", $"{user}: Authentication failed: password is incorrect, or there is no user with such name");
    }

    private static (string? User, string? Password) Credentials(HttpRequest request)
    {
        if (request.Headers["X-ClickHouse-User"] is { Count: > 0 } headerUser)
        {
            return (headerUser.ToString(), request.Headers["X-ClickHouse-Key"].ToString());
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return (string.Empty, null);
            }
        }

        return request.Query["user"] is { Count: > 0 } queryUser ? (queryUser.ToString(), request.Query["password"].ToString()) : (null, null);
    }

    private static bool FixedTimeEquals(string actual, string expected)
        => CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(actual)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private async Task<(string Body, ClickHouseError? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        Stream? body = encoding switch
        {
            "" or "identity" => request.Body,
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => null,
        };
        if (body is null)
        {
            return (string.Empty, new ClickHouseError(
                ClickHouseErrors.UnknownCompressionMethod,
                "UNKNOWN_COMPRESSION_METHOD",
                $"Unknown Content-Encoding of HTTP request: {encoding} (this endpoint takes gzip or deflate)"));
        }

        try
        {
            using var reader = new StreamReader(body, Encoding.UTF8, leaveOpen: true);
            return (await reader.ReadToEndAsync(ct), null);
        }
        catch (InvalidDataException e)
        {
            return (string.Empty, new ClickHouseError(271, "CANNOT_DECOMPRESS", $"Cannot decompress the request body ({encoding}): {e.Message.TrimEnd('.')}"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (string.Empty, new ClickHouseError(
                229, "QUERY_IS_TOO_LARGE", $"The request body is larger than {_options.MaxRequestBodyBytes} bytes (MaxRequestBodyBytes)"));
        }
        finally
        {
            if (body != request.Body)
            {
                await body.DisposeAsync();
            }
        }
    }

    private static bool AcceptsGzip(HttpRequest request)
        => request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);

    private Task WriteErrorAsync(HttpResponse response, ClickHouseError error)
    {
        response.Headers["X-ClickHouse-Exception-Code"] = error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.Remove("X-ClickHouse-Format");
        return WriteTextAsync(response, ClickHouseErrors.HttpStatusOf(error.Code), ClickHouseErrors.Format(error, _version) + "\n");
    }

    private static async Task WriteTextAsync(HttpResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=UTF-8";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string ContentTypeOf(string format) => format switch
    {
        _ when format.StartsWith("TabSeparated", StringComparison.OrdinalIgnoreCase) || format.StartsWith("TSV", StringComparison.OrdinalIgnoreCase)
            => "text/tab-separated-values; charset=UTF-8",
        _ when format.StartsWith("CSVWithNames", StringComparison.OrdinalIgnoreCase) => "text/csv; charset=UTF-8; header=present",
        _ when format.StartsWith("CSV", StringComparison.OrdinalIgnoreCase) => "text/csv; charset=UTF-8; header=absent",
        _ when format.Contains("EachRow", StringComparison.OrdinalIgnoreCase) || format.Equals("JSONLines", StringComparison.OrdinalIgnoreCase)
            || format.Equals("NDJSON", StringComparison.OrdinalIgnoreCase) => "application/x-ndjson; charset=UTF-8",
        _ when format.StartsWith("JSON", StringComparison.OrdinalIgnoreCase) => "application/json; charset=UTF-8",
        _ when format.Equals("XML", StringComparison.OrdinalIgnoreCase) => "application/xml; charset=UTF-8",
        "Native" or "RowBinary" or "RowBinaryWithNames" or "RowBinaryWithNamesAndTypes" or "Parquet" or "Arrow" or "ArrowStream" or "ORC"
            or "Avro" or "Protobuf" or "MsgPack" => "application/octet-stream",
        _ => "text/plain; charset=UTF-8",
    };

    private sealed record Query(string Sql, string Database, string DefaultFormat, string Format, string QueryId);

    // ClickHouse takes FORMAT as the last clause; a trailing semicolon is allowed.
    [GeneratedRegex(@"\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FormatClause();
}
