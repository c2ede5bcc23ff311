using System.Collections.Concurrent;
using System.Net;
using Analytics.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Testing.Http;

/// <summary>One request a <see cref="CapturingHttpServer"/> received.</summary>
internal sealed record CapturedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The status it was answered with (-1: the connection was dropped).</summary>
    public int Status { get; init; }

    /// <summary>When it arrived (<see cref="TimeProvider.System"/> timestamp), for latency figures.</summary>
    public long ReceivedAt { get; init; }

    /// <summary>Answered with a 2xx: the sender's request succeeded.</summary>
    public bool Answered => Status is >= 200 and < 300;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>What the server answers; <see cref="Drop"/> aborts the connection without an answer.</summary>
internal sealed record CannedResponse(int Status, string Body = "", string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static CannedResponse Ok(string body = "{}") => new(200, body);

    public static CannedResponse Drop { get; } = new(-1);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, random port) standing in for a service that cannot run here
/// (PagerDuty, Slack, Elasticsearch, a webhook endpoint). It records every request and answers with
/// <see cref="Respond"/> (200 <c>{}</c> unless set), so a test can make it fail, recover, or check bodies.
/// </summary>
internal sealed class CapturingHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private WebApplication _app = null!;

    private CapturingHttpServer()
    {
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string Url { get; private set; } = "";

    /// <summary>How each request is answered; set it at any time (e.g. to simulate an outage, then recovery).</summary>
    public Func<CapturedRequest, CannedResponse> Respond { get; set; } = _ => CannedResponse.Ok();

    /// <summary>Every request received, in arrival order (including those answered with errors).</summary>
    public IReadOnlyList<CapturedRequest> Requests => [.. _requests];

    public static async Task<CapturingHttpServer> StartAsync()
    {
        var server = new CapturingHttpServer();
        var (app, url) = await KestrelApp.StartAsync(IPAddress.Loopback, 0, server.HandleAsync);
        server._app = app;
        server.Url = url.ToString().TrimEnd('/');
        return server;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived in total; throws after <paramref name="timeout"/> (default 30 s).</summary>
    public async Task<IReadOnlyList<CapturedRequest>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (_requests.Count < count)
        {
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Expected {count} requests, got {_requests.Count}.");
            }
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var received = TimeProvider.System.GetTimestamp();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new CapturedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray());
        var response = Respond(request);
        _requests.Enqueue(request with { Status = response.Status, ReceivedAt = received });
        _arrived.Release();
        if (response.Status < 0)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body);
    }
}
