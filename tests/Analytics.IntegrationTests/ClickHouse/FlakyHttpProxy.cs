using System.Collections.Concurrent;
using System.Net;
using Analytics.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>
/// A tiny HTTP proxy in front of a real ClickHouse: fails the first N requests (503 from a "load balancer", a
/// dropped connection, or no answer at all) and forwards the rest untouched (bodies stay compressed). Records what it saw.
/// </summary>
internal sealed class FlakyHttpProxy : IAsyncDisposable
{
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
    private readonly string _target;
    private WebApplication _app = null!;
    private int _requests;
    private int _failuresLeft;

    private FlakyHttpProxy(string target) => _target = target.TrimEnd('/');

    public enum Failure
    {
        ServiceUnavailable,
        DropConnection,
        NoAnswer,
    }

    public string Url { get; private set; } = string.Empty;

    public int Requests => Volatile.Read(ref _requests);

    public Failure FailWith { get; set; }

    /// <summary>Request and response Content-Encoding of every forwarded request.</summary>
    public ConcurrentQueue<(string? Request, string? Response)> Encodings { get; } = new();

    public static async Task<FlakyHttpProxy> StartAsync(string target)
    {
        var proxy = new FlakyHttpProxy(target);
        var (app, url) = await KestrelApp.StartAsync(IPAddress.Loopback, 0, proxy.HandleAsync);
        proxy._app = app;
        proxy.Url = url.ToString().TrimEnd('/');
        return proxy;
    }

    public void FailNext(int count, Failure failure)
    {
        FailWith = failure;
        Volatile.Write(ref _failuresLeft, count);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            if (FailWith == Failure.DropConnection)
            {
                context.Abort();
                return;
            }

            if (FailWith == Failure.NoAnswer)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, as it should.
                }

                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("<html><body>503 Service Unavailable</body></html>");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), _target + context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var header in context.Request.Headers)
        {
            if (header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
            else if (!header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await _upstream.SendAsync(forward);
        var payload = await response.Content.ReadAsByteArrayAsync();
        Encodings.Enqueue((context.Request.Headers.ContentEncoding.ToString(), string.Join(",", response.Content.Headers.ContentEncoding)));
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key.StartsWith("X-ClickHouse", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await context.Response.Body.WriteAsync(payload);
    }
}
