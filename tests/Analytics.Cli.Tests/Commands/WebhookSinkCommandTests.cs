using System.CommandLine;
using System.Net;
using System.Text;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Cli.WebhookSink;

namespace Analytics.Cli.Tests.Commands;

/// <summary><c>analytics webhook-sink</c> as a user runs it: it makes its secret, says where it listens, and verifies what it is sent.</summary>
public sealed class WebhookSinkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("webhook-sink-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task It_makes_a_secret_listens_and_verifies_signed_posts()
    {
        var secretFile = Path.Combine(_dir, "home", "webhook-secret");
        var output = new LineWriter();
        using var stop = new CancellationTokenSource();
        var run = Program.CreateRootCommand().Parse(["webhook-sink", "--port", "0", "--secret-file", secretFile])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter(), ProcessTerminationTimeout = null }, stop.Token);

        var url = (await output.WaitForAsync(l => l.StartsWith("Webhook sink on ", StringComparison.Ordinal)))["Webhook sink on ".Length..].Split(';')[0];
        var secret = (await File.ReadAllTextAsync(secretFile)).Trim();
        using var http = new HttpClient();
        var body = """{"version":"1","action":"resolve","incident":{"id":"INC-3f9a2c","severity":"P2","title":"Rebuffering at iad-2"}}"""u8.ToArray();
        using var signed = new HttpRequestMessage(HttpMethod.Post, url + "/") { Content = new ByteArrayContent(body) };
        WebhookSignature.Apply(signed, secret, DateTimeOffset.UtcNow, body);
        using var ok = await http.SendAsync(signed);
        var line = await output.WaitForAsync(l => l.EndsWith("signature ok", StringComparison.Ordinal));
        using var forged = new HttpRequestMessage(HttpMethod.Post, url + "/") { Content = new ByteArrayContent(body) };
        WebhookSignature.Apply(forged, "guessed", DateTimeOffset.UtcNow, body);
        using var refused = await http.SendAsync(forged);
        await output.WaitForAsync(l => l.Contains(" 401 POST /: signature does not match", StringComparison.Ordinal));
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Matches(@"^\d\d:\d\d:\d\d resolve +P2 INC-3f9a2c Rebuffering at iad-2  signature ok$", line);
        Assert.Contains($"Secret file: {secretFile} (made now: 32 random bytes, hex)", output.Lines);
        Assert.All(output.Lines.Where(l => !l.Contains(_dir, StringComparison.Ordinal)), l => Assert.InRange(l.Length, 0, 80));
        Assert.Contains(output.Lines, l => l.Contains($"url: {url}/pagerduty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_duration_is_a_clear_error()
    {
        var error = new StringWriter();

        var code = await Program.CreateRootCommand().Parse(["webhook-sink", "--fail-for", "soon", "--secret-file", Path.Combine(_dir, "s")])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, code);
        Assert.Contains("--fail-for must be a duration such as 500ms, 10s", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_is_made_once_for_its_owner_only_and_kept()
    {
        var home = Path.Combine(_dir, "analytics-home");

        var path = LocalWebhook.EnsureSecret(home);
        var first = File.ReadAllText(path);
        var again = LocalWebhook.EnsureSecret(home);

        Assert.Equal(Path.GetFullPath(Path.Combine(home, "webhook-secret")), path);
        Assert.Equal(path, again);
        Assert.Equal(first, File.ReadAllText(path));
        Assert.Matches("^[0-9a-f]{64}\n$", first);
        Assert.Equal(first.Trim(), LocalWebhook.Read(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    /// <summary>Collects written lines and lets a test wait for one, without polling the clock.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _current = new();
        private readonly List<string> _lines = [];
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_gate)
                {
                    return [.. _lines];
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                if (value != '\n')
                {
                    _current.Append(value);
                    return;
                }

                var line = _current.ToString().TrimEnd('\r');
                _current.Clear();
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(line);
                }
            }
        }

        public async Task<string> WaitForAsync(Func<string, bool> match)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_lines.FirstOrDefault(match) is { } seen)
                {
                    return seen;
                }

                _waiters.Add((match, done));
            }

            return await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
