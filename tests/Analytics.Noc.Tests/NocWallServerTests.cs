using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Noc.Wall;
using Analytics.Testing;

namespace Analytics.Noc.Tests;

/// <summary>The wall's HTTP contract: the page, its assets and their types, the JSON snapshot, the SSE framing, and clear 4xx answers.</summary>
[Collection(NocStoreCollection.Name)]
public sealed class NocWallServerTests(NocStore store) : IAsyncLifetime, IDisposable
{
    private NocWallServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var options = new NocWallOptions { Port = 0, RefreshInterval = TimeSpan.FromSeconds(1) };
        _server = await NocWallServer.StartAsync(options, store.Connection, NocStore.Seeded, TimeProvider.System);
        _http = new HttpClient { BaseAddress = _server.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("/", "text/html", "uPlot.iife.min.js")]
    [InlineData("/assets/wall.js", "text/javascript", "EventSource")]
    [InlineData("/assets/wall.css", "text/css", "--crit")]
    [InlineData("/assets/vendor/uplot/uPlot.iife.min.js", "text/javascript", "uPlot")]
    [InlineData("/assets/vendor/uplot/uPlot.min.css", "text/css", ".uplot")]
    [InlineData("/assets/vendor/uplot/LICENSE", "text/plain", "MIT")]
    public async Task The_page_and_its_assets_are_served_with_their_content_types(string path, string type, string contains)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(contains, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_snapshot_is_json_with_tiles_that_carry_their_window()
    {
        using var response = await _http.GetAsync("/api/snapshot");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var window = json.GetProperty("window").GetProperty("start").GetInt64();
        Assert.Equal(7, json.GetProperty("tiles").GetArrayLength());
        Assert.All(json.GetProperty("tiles").EnumerateArray(), t => Assert.Equal(window, t.GetProperty("window_start").GetInt64()));
        Assert.True(json.GetProperty("series").GetProperty("time").GetArrayLength() > 10);
        Assert.Equal(1, json.GetProperty("incidents").GetProperty("open").GetArrayLength());
        Assert.False(json.GetProperty("pipeline").GetProperty("has_data").GetBoolean());

        var pinned = JsonDocument.Parse(await _http.GetStringAsync($"/api/snapshot?window={window - 30}")).RootElement;
        Assert.Equal(window - 30, pinned.GetProperty("window").GetProperty("start").GetInt64());
        Assert.Equal("requested", pinned.GetProperty("window").GetProperty("basis").GetString());
    }

    [Theory]
    [InlineData("/api/snapshot?window=soon")]
    [InlineData("/api/snapshot?window=1700000005")]
    [InlineData("/api/snapshot?window=-10")]
    [InlineData("/api/snapshot?window=")]
    [InlineData("/api/snapshot?window=99999999999999999999999")]
    public async Task A_bad_window_is_a_400_that_says_how_to_write_it(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("window must be a 10 s window's start in unix seconds", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("data-window", error.GetProperty("hint").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nothing")]
    [InlineData("/assets/nothing.js")]
    [InlineData("/assets/../Wall/NocWallServer.cs")]
    [InlineData("/api")]
    public async Task Unknown_paths_are_a_404_that_says_where_to_go(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Open /", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_are_refused_with_405()
    {
        using var response = await _http.PostAsync("/api/snapshot", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", response.Content.Headers.Allow.Count > 0 ? string.Join(", ", response.Content.Headers.Allow) : response.Headers.GetValues("Allow").Single());
    }

    [Fact]
    public async Task Events_are_framed_as_server_sent_events_one_snapshot_per_refresh()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);

        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (CountEvents(text.ToString()) < 3)
        {
            var n = await body.ReadAsync(buffer, timeout.Token);
            Assert.True(n > 0, "the stream ended");
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        var events = text.ToString().Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("retry: 1000", events[0]);
        foreach (var e in events.Skip(1).Take(2))
        {
            Assert.StartsWith("data: {", e, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e);
            Assert.Equal(7, JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("tiles").GetArrayLength());
        }
    }

    [Fact]
    public async Task The_vendored_uPlot_is_the_file_vendored_md_names()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "dashboards", "Analytics.Noc", "Assets", "vendor", "uplot");
        var manifest = await File.ReadAllTextAsync(Path.Combine(folder, "VENDORED.md"));
        foreach (var file in new[] { "uPlot.iife.min.js", "uPlot.min.css", "LICENSE" })
        {
            var onDisk = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(folder, file))));
            Assert.Contains($"| `{file}` | `{onDisk}` |", manifest, StringComparison.Ordinal);
            var served = await _http.GetByteArrayAsync($"/assets/vendor/uplot/{file}");
            Assert.Equal(onDisk, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(served)));
        }

        Assert.Contains("/*! https://github.com/leeoniya/uPlot (v1.6.32) */", await File.ReadAllTextAsync(Path.Combine(folder, "uPlot.iife.min.js")), StringComparison.Ordinal);
        Assert.Contains("| version | 1.6.32", manifest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(NocWallOptions.Port), "must be between 0 (any free port) and 65535")]
    [InlineData(nameof(NocWallOptions.BindAddress), "must be a loopback address unless AllowNonLoopback is set")]
    [InlineData(nameof(NocWallOptions.RefreshInterval), "must be between 1s and 5m")]
    [InlineData(nameof(NocWallOptions.MaxIncidents), "must be between 1 and 500")]
    public void Bad_options_are_refused_at_start_naming_the_key(string key, string rule)
    {
        var bad = key switch
        {
            nameof(NocWallOptions.Port) => new NocWallOptions { Port = 70000 },
            nameof(NocWallOptions.BindAddress) => new NocWallOptions { BindAddress = "0.0.0.0" },
            nameof(NocWallOptions.RefreshInterval) => new NocWallOptions { RefreshInterval = TimeSpan.FromMilliseconds(10) },
            _ => new NocWallOptions { MaxIncidents = 0 },
        };

        var e = Assert.Throws<Analytics.Common.OptionsValidationException>(() => bad.Validate());
        Assert.Equal(("Noc", key), (e.Component, e.Key));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    private static int CountEvents(string text) => text.Split("\n\n").Length - 1;
}
