using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Testing;
using PuppeteerSharp;

namespace Analytics.Noc.Tests;

/// <summary>
/// The wall as a person sees it: the real `analytics demo` in its own process, the page in Debian's headless chromium
/// (PuppeteerSharp), its tiles read from their data attributes and compared with the same window's figures queried
/// from the store through the demo's ClickHouse endpoint. Leaves a screenshot in .artifacts/noc-wall.png.
/// </summary>
public sealed class NocWallBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_wall_in_chromium_shows_the_stores_numbers_for_its_window_and_draws_uplot_charts()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./analytics setup, which installs Debian's chromium for the browser tests.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var environment = new Dictionary<string, string> { ["ANALYTICS_Noc__RefreshInterval"] = "2s" };
        var (demo, endpoint, wall) = await DemoProcess.StartAsync(environment, "--duration", "170s", "--port", "0", "--noc-port", "0", "--rate", "1000", "--partitions", "2");
        await using var _ = demo;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        // The explicit signal: the wall has a window every partition has closed (no fixed sleep).
        while ((await http.GetFromJsonAsync<JsonElement>(new Uri(wall, "api/snapshot"), deadline.Token)).GetProperty("window").ValueKind == JsonValueKind.Null)
        {
            Assert.False(deadline.IsCancellationRequested, $"no closed 10 s window in time:\n{demo.Output}");
            await Task.Delay(500, deadline.Token);
        }

        var profile = Directory.CreateTempSubdirectory("analytics-noc-chromium-");
        try
        {
            await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                UserDataDir = profile.FullName,
                DefaultViewport = new ViewPortOptions { Width = 1600, Height = 1000 },
                // As root in a container, without the closed network's background traffic.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
                Timeout = 30_000,
            });
            await using var page = await browser.NewPageAsync();
            var problems = new List<string>();
            page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) { problems.Add(e.Message.Text); } };
            page.PageError += (_, e) => problems.Add(e.Message);
            await page.GoToAsync(wall.ToString(), new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load], Timeout = 30_000 });

            // Rendered from a server-sent event, not only from the first fetch.
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates || 0) >= 1 && document.querySelectorAll('.tile[data-window]').length === 7", new WaitForFunctionOptions { Timeout = 30_000 });
            await AssertTilesMatchTheStoreAsync(page, http, endpoint, demo, deadline.Token);

            // Four QoE charts, and the pipeline's once the processor has written its health.
            var canvases = await page.EvaluateExpressionAsync<int>("document.querySelectorAll('.uplot canvas').length");
            var charts = await page.EvaluateExpressionAsync<int>("4 + (document.getElementById('pipeline-empty').hidden ? 1 : 0)");
            Assert.True(canvases >= charts, $"uPlot drew {canvases} canvases, want one per chart ({charts})");
            Assert.Equal("live", await page.EvaluateExpressionAsync<string>("document.getElementById('status').dataset.state"));
            Assert.True(problems.Count == 0, "the page reported errors:\n" + string.Join("\n", problems));

            var screenshot = Path.Combine(RepositoryRoot.Path, ".artifacts", "noc-wall.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
            Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is suspiciously small");
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    // A closed window can still be corrected by a late beacon between the page's read and ours: compare again
    // after the next update, a few times, before calling it a mismatch.
    private static async Task AssertTilesMatchTheStoreAsync(IPage page, HttpClient http, Uri endpoint, DemoProcess demo, CancellationToken ct)
    {
        string? mismatch = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var updates = await page.EvaluateExpressionAsync<int>("Number(document.body.dataset.updates)");
            var tiles = await page.EvaluateExpressionAsync<TileAttributes[]>(
                "[...document.querySelectorAll('.tile')].map(t => ({ metric: t.dataset.metric, value: t.dataset.value, window: t.dataset.window }))");
            var window = long.Parse(tiles[0].Window, CultureInfo.InvariantCulture);
            Assert.All(tiles, t => Assert.Equal(tiles[0].Window, t.Window));
            var expected = ReferenceTiles.Compute(await QueryAsync(http, endpoint, ReferenceTiles.Sql("analytics", window), ct));
            Assert.True(expected["plays"] > 0 || expected["concurrent_plays"] > 0, $"the store has no traffic in window {window}:\n{demo.Output}");
            mismatch = null;
            foreach (var tile in tiles)
            {
                double? shown = tile.Value.Length == 0 ? null : double.Parse(tile.Value, CultureInfo.InvariantCulture);
                try
                {
                    ReferenceTiles.AssertClose(expected[tile.Metric], shown, tile.Metric);
                }
                catch (Xunit.Sdk.XunitException e)
                {
                    mismatch = $"window {window}: {e.Message}";
                }
            }

            if (mismatch is null)
            {
                return;
            }

            await page.WaitForFunctionAsync($"() => Number(document.body.dataset.updates) > {updates}", new WaitForFunctionOptions { Timeout = 30_000 });
        }

        Assert.Fail(mismatch);
    }

    private static async Task<IReadOnlyList<JsonElement>> QueryAsync(HttpClient http, Uri endpoint, string sql, CancellationToken ct)
    {
        var url = new Uri(endpoint, $"?database=analytics&default_format=JSONEachRow&query={Uri.EscapeDataString(sql)}");
        var text = await http.GetStringAsync(url, ct);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private sealed record TileAttributes(string Metric, string Value, string Window);
}
