using System.Globalization;
using System.Net;
using Analytics.Common;
using Analytics.Noc.Snapshots;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Noc.Wall;

/// <summary>
/// Serves the NOC wall on Kestrel: <c>GET /</c> the page, <c>GET /assets/…</c> its files, <c>GET /api/snapshot</c> one
/// snapshot as JSON (<c>?window=</c> unix seconds pins the tiles' 10 s window), <c>GET /api/events</c> a snapshot every
/// refresh interval as server-sent events, <c>GET /healthz</c>. Read-only: it only queries the store.
/// </summary>
internal sealed class NocWallServer : IAsyncDisposable
{
    // Windows from 2000 to 2100: anything else is a typo, not a window.
    private const long EarliestWindow = 946_684_800;
    private const long LatestWindow = 4_102_444_800;

    private readonly NocWallOptions _options;
    private readonly SnapshotReader _reader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    private NocWallServer(NocWallOptions options, SnapshotReader reader, TimeProvider time, ILogger logger)
    {
        _options = options;
        _reader = reader;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the wall listens, e.g. http://127.0.0.1:8124/.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// Starts listening. The connection is only queried (fully qualified names, no USE), so the demo's read-only
    /// connection can be shared with the query endpoint; the server does not dispose it.
    /// </summary>
    public static async Task<NocWallServer> StartAsync(
        NocWallOptions options, IClickHouseConnection connection, string database, TimeProvider time, ILogger? logger = null, CancellationToken ct = default)
    {
        options.Validate();
        var server = new NocWallServer(options, new SnapshotReader(connection, database, options, time), time, logger ?? NullLogger.Instance);
        await server.ListenAsync(ct);
        return server;
    }

    /// <summary>
    /// Starts on the configured port, or on a free one when that is taken (a second demo on the same machine),
    /// logging the move so the banner's URL is the one to open.
    /// </summary>
    public static async Task<NocWallServer> StartOrMoveAsync(
        NocWallOptions options, IClickHouseConnection connection, string database, TimeProvider time, ILogger logger, CancellationToken ct = default)
    {
        try
        {
            return await StartAsync(options, connection, database, time, logger, ct);
        }
        catch (IOException) when (options.Port != 0)
        {
            logger.LogWarning("Port {Port} is taken; the NOC wall uses a free port instead.", options.Port);
            return await StartAsync(options with { Port = 0 }, connection, database, time, logger, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Ends the open event streams first, or stopping would wait for them.
        await _stopping.CancelAsync();
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        (_app, Url) = await KestrelApp.StartAsync(IPAddress.Parse(_options.BindAddress), _options.Port, HandleAsync, ct: ct);
        _logger.LogInformation("NOC wall on {Url} (open it in a browser), refreshing every {Interval}.", Url, Durations.Format((long)_options.RefreshInterval.TotalMilliseconds));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.XContentTypeOptions = "nosniff";
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD";
            await WriteAsync(response, StatusCodes.Status405MethodNotAllowed, SnapshotJson.Error($"{request.Method} is not served here.", "The wall is read-only: use GET."));
            return;
        }

        var path = request.Path.Value ?? "/";
        if (path is "/" or "/index.html")
        {
            await ServeAssetAsync(response, "index.html");
        }
        else if (path.StartsWith("/assets/", StringComparison.Ordinal))
        {
            await ServeAssetAsync(response, path["/assets/".Length..]);
        }
        else if (path == "/api/snapshot")
        {
            await ServeSnapshotAsync(context);
        }
        else if (path == "/api/events")
        {
            await StreamAsync(context);
        }
        else if (path == "/healthz")
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("ok\n", context.RequestAborted);
        }
        else
        {
            await WriteAsync(response, StatusCodes.Status404NotFound, SnapshotJson.Error($"There is nothing at {path}.", "Open / for the wall; the data is at /api/snapshot and /api/events."));
        }
    }

    private static async Task ServeAssetAsync(HttpResponse response, string path)
    {
        if (!StaticAssets.Embedded.TryGet(path, out var body, out var contentType))
        {
            await WriteAsync(response, StatusCodes.Status404NotFound, SnapshotJson.Error($"There is no asset {path}.", "Open / for the wall."));
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(response.HttpContext.Request.Method))
        {
            await response.Body.WriteAsync(body, response.HttpContext.RequestAborted);
        }
    }

    private async Task ServeSnapshotAsync(HttpContext context)
    {
        var response = context.Response;
        long? window = null;
        if (context.Request.Query.TryGetValue("window", out var values))
        {
            if (ParseWindow(values.ToString()) is not { } parsed)
            {
                await WriteAsync(response, StatusCodes.Status400BadRequest, SnapshotJson.Error(
                    $"window must be a 10 s window's start in unix seconds (a multiple of 10, after 2000), got \"{values}\".",
                    "Leave it out for the newest window, or copy a tile's data-window."));
                return;
            }

            window = parsed;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            var snapshot = await _reader.ReadAsync(window, stop.Token);
            response.Headers.CacheControl = "no-store";
            await WriteAsync(response, StatusCodes.Status200OK, SnapshotJson.Serialize(snapshot));
        }
        catch (ClickHouseException e)
        {
            _logger.LogWarning("Reading the NOC snapshot failed: {Message}", e.Message);
            await WriteAsync(response, StatusCodes.Status503ServiceUnavailable, SnapshotJson.Error(
                $"The store could not be read: {e.Message}", "Check that the store is migrated (./analytics migrate) and try again."));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Server-sent events: one <c>data:</c> line of snapshot JSON per refresh; a failed read sends a <c>problem</c> event and goes on.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var retryMs = ((long)_options.RefreshInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        try
        {
            await response.WriteAsync($"retry: {retryMs}\n\n", stop.Token);
            while (!stop.IsCancellationRequested)
            {
                byte[] data;
                var kind = "message";
                try
                {
                    data = SnapshotJson.Serialize(await _reader.ReadAsync(null, stop.Token));
                }
                catch (ClickHouseException e)
                {
                    _logger.LogWarning("Reading the NOC snapshot failed: {Message}", e.Message);
                    (data, kind) = (SnapshotJson.Error($"The store could not be read: {e.Message}", "The wall retries at the next refresh."), "problem");
                }

                await EventStream.WriteAsync(response.Body, kind, data, stop.Token);
                await Task.Delay(_options.RefreshInterval, _time, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The page went away mid-write: nothing to answer.
        }
    }

    internal static long? ParseWindow(string text)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds % QoeQueries.WindowSeconds == 0 && seconds is >= EarliestWindow and <= LatestWindow
            ? seconds
            : null;

    private static async Task WriteAsync(HttpResponse response, int status, byte[] json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        if (!HttpMethods.IsHead(response.HttpContext.Request.Method))
        {
            await response.Body.WriteAsync(json, response.HttpContext.RequestAborted);
        }
    }
}
