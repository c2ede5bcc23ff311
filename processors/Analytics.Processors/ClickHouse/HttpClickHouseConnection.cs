using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// A ClickHouse server over its HTTP interface. Works with servers from 18.16 to current: basic auth, POSTed queries,
/// <c>database</c>/<c>default_format</c>/<c>query_id</c> parameters, gzip both ways, <c>wait_end_of_query=1</c> (so an
/// error is reported with its HTTP status, never after a 200 has started), errors parsed from the body
/// (<c>Code: N…</c>) and the <c>X-ClickHouse-Exception-Code</c> header.
/// Transient failures are retried with exponential backoff and jitter (Polly); others fail at once.
/// </summary>
/// <remarks>
/// An INSERT retried after the connection dropped mid-request may have been applied by the server already; the
/// target table must deduplicate (e.g. ReplacingMergeTree, or insert deduplication on replicated tables) if
/// duplicates matter.
/// </remarks>
internal sealed class HttpClickHouseConnection : IClickHouseConnection
{
    private readonly ClickHouseHttpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly string _baseUrl;
    private readonly AuthenticationHeaderValue _authorization;
    private long _retries;

    public HttpClickHouseConnection(ClickHouseHttpOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _baseUrl = options.Url.TrimEnd('/') + "/";
        Description = options.Database.Length > 0 ? $"{options.Url.TrimEnd('/')} (db {options.Database})" : options.Url.TrimEnd('/');
        _authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{options.Password}")));
        _http = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.RequestTimeout < TimeSpan.FromSeconds(10) ? options.RequestTimeout : TimeSpan.FromSeconds(10),
        })
        {
            // Each attempt has its own timeout on the injected clock (SendOnceAsync).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _pipeline = BuildPipeline();
    }

    public string Description { get; }

    /// <summary>Retries performed so far by this connection, over all calls.</summary>
    public long RetryCount => Interlocked.Read(ref _retries);

    public Task ExecuteAsync(string sql, CancellationToken ct = default)
        => SendAsync(null, null, Encoding.UTF8.GetBytes(sql), ct);

    public Task<byte[]> QueryAsync(string sql, string format, CancellationToken ct = default)
        => SendAsync(null, ClickHouseSql.RequireFormat(format), Encoding.UTF8.GetBytes(sql), ct);

    public Task InsertAsync(string table, string format, ReadOnlyMemory<byte> data, CancellationToken ct = default)
        => SendAsync(
            $"INSERT INTO {ClickHouseSql.RequireTable(table)} FORMAT {ClickHouseSql.RequireFormat(format)}",
            null,
            data,
            ct);

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ClickHouseException>(e => e.IsTransient),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    _logger.LogWarning(
                        "ClickHouse at {Target}: attempt {Attempt} failed ({Error}); retrying in {Delay} ms.",
                        Description,
                        args.AttemptNumber + 1,
                        args.Outcome.Exception?.Message,
                        (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private async Task<byte[]> SendAsync(string? queryInUrl, string? format, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var content = _options.Compress ? Gzip(body) : body;
        var query = new StringBuilder(_baseUrl).Append("?wait_end_of_query=1");
        if (_options.Database.Length > 0)
        {
            query.Append("&database=").Append(Uri.EscapeDataString(_options.Database));
        }

        if (_options.Compress)
        {
            query.Append("&enable_http_compression=1");
        }

        if (format is not null)
        {
            query.Append("&default_format=").Append(format);
        }

        if (queryInUrl is not null)
        {
            query.Append("&query=").Append(Uri.EscapeDataString(queryInUrl));
        }

        var url = query.ToString();
        return await _pipeline.ExecuteAsync(
            static async (state, token) => await state.Self.SendOnceAsync(state.Url, state.Content, token),
            (Self: this, Url: url, Content: content),
            ct);
    }

    private async Task<byte[]> SendOnceAsync(string url, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var queryId = Guid.NewGuid().ToString("D");
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}&query_id={queryId}")
        {
            Content = new ReadOnlyMemoryContent(content),
        };
        request.Headers.Authorization = _authorization;
        if (_options.Compress)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token);
            return response.IsSuccessStatusCode ? bytes : throw ToException(response, bytes, queryId);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ClickHouseTransportException(
                $"ClickHouse at {Description} did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s (query id {queryId}). "
                + "The server may be overloaded; raise ANALYTICS_ClickHouse__Http__RequestTimeout if the statement is legitimately slow.",
                isTransient: true,
                inner: e);
        }
        catch (HttpRequestException e)
        {
            var transient = e.HttpRequestError is not (HttpRequestError.SecureConnectionError or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.UserAuthenticationError);
            throw new ClickHouseTransportException(
                $"Could not talk to ClickHouse at {_options.Url}: {e.Message} Is the server running there? "
                + "Set ANALYTICS_ClickHouse__Http__Url if it listens elsewhere.",
                transient,
                inner: e);
        }
        catch (IOException e)
        {
            throw new ClickHouseTransportException(
                $"The connection to ClickHouse at {_options.Url} broke while reading the answer: {e.Message}",
                isTransient: true,
                inner: e);
        }
    }

    private ClickHouseException ToException(HttpResponseMessage response, byte[] body, string queryId)
    {
        var status = (int)response.StatusCode;
        var text = Encoding.UTF8.GetString(body);
        int? headerCode = response.Headers.TryGetValues("X-ClickHouse-Exception-Code", out var values)
            && int.TryParse(values.FirstOrDefault(), out var c) ? c : null;
        if (ClickHouseErrors.TryParse(text, out var error))
        {
            return new ClickHouseServerException(error with { Code = headerCode ?? error.Code }, Description, queryId, status);
        }

        if (headerCode is { } code)
        {
            return new ClickHouseServerException(new ClickHouseError(code, ClickHouseErrors.NameOf(code), text.Trim()), Description, queryId, status);
        }

        var excerpt = text.Length > 300 ? text[..300] + "…" : text.Trim();
        return status switch
        {
            401 or 403 => new ClickHouseTransportException(
                $"ClickHouse at {_options.Url} refused user '{_options.User}' (HTTP {status}). "
                + "Check ANALYTICS_ClickHouse__Http__User and ANALYTICS_ClickHouse__Http__Password.",
                isTransient: false,
                status),
            408 or 429 or 502 or 503 or 504 => new ClickHouseTransportException(
                $"ClickHouse at {_options.Url} is unavailable (HTTP {status}: {excerpt}). This is usually temporary.",
                isTransient: true,
                status),
            _ => new ClickHouseTransportException(
                $"ClickHouse at {_options.Url} answered HTTP {status} without a ClickHouse error: {excerpt}. Is the URL a ClickHouse HTTP interface?",
                isTransient: false,
                status),
        };
    }

    private static ReadOnlyMemory<byte> Gzip(ReadOnlyMemory<byte> data)
    {
        var output = new MemoryStream(capacity: Math.Max(256, data.Length / 4));
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data.Span);
        }

        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }
}
