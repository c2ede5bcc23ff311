using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Processors.Hosting;

/// <summary>
/// Starts a bare Kestrel app with one request handler on one address: how the query endpoint, the NOC
/// wall, the webhook sink and the tests' local HTTP servers serve. Port 0 picks a free port; a taken
/// port throws <see cref="IOException"/>.
/// </summary>
internal static class KestrelApp
{
    /// <returns>The running app (stop and dispose it) and its URL, ending in a slash.</returns>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(
        IPAddress address, int port, RequestDelegate handler, long? maxRequestBodyBytes = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            if (maxRequestBodyBytes is { } max)
            {
                kestrel.Limits.MaxRequestBodySize = max;
            }

            kestrel.Listen(address, port);
        });
        var app = builder.Build();
        app.Run(handler);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }
}
