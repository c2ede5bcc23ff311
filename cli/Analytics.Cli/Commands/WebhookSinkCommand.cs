using System.CommandLine;
using Analytics.Cli.WebhookSink;
using Analytics.Common;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics webhook-sink</c>: a local endpoint to point receivers at, which verifies signatures and
/// prints one line per delivery, so deliveries can be watched without PagerDuty, Slack or any other service.
/// </summary>
internal static class WebhookSinkCommand
{
    public const int DefaultPort = 9099;

    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = $"Port on 127.0.0.1 (default {DefaultPort}; 0 picks a free one)" };
        var secretFile = new Option<string?>("--secret-file") { Description = $"The shared secret (default $ANALYTICS_HOME/{LocalWebhook.SecretFileName}; made if missing)" };
        var failFor = new Option<string?>("--fail-for") { Description = "Answer 503 for this long after start, to watch retries (e.g. 30s)" };
        var command = new Command("webhook-sink", "Receive webhook deliveries locally: verify signatures, print one line each") { port, secretFile, failFor };
        command.SetAction((parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            return CommandSupport.Guard(
                () => RunAsync(parse.GetValue(port) ?? DefaultPort, parse.GetValue(secretFile), FailFor(parse.GetValue(failFor)), output, ct),
                parse.InvocationConfiguration.Error);
        });
        return command;
    }

    public static async Task<int> RunAsync(int port, string? secretFile, TimeSpan failFor, TextWriter output, CancellationToken ct)
    {
        if (port is < 0 or > 65535)
        {
            throw new OptionsValidationException("webhook-sink", "--port", "must be between 0 and 65535", port);
        }

        var (path, created) = LocalWebhook.Ensure(secretFile ?? Path.Combine(LocalWebhook.Home, LocalWebhook.SecretFileName));
        var secret = LocalWebhook.Read(path);
        var gate = new Lock();
        void Print(string line)
        {
            lock (gate)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }

        using var shutdown = new Shutdown();
        var stop = shutdown.Link(ct);
        WebhookSinkServer server;
        try
        {
            server = await WebhookSinkServer.StartAsync(new WebhookSinkOptions(port, secret, failFor), TimeProvider.System, Print, stop);
        }
        catch (IOException ex)
        {
            throw new OptionsValidationException("webhook-sink", "--port", $"cannot be listened on ({ex.Message}); pick another, or 0 for a free one", port);
        }

        await using (server)
        {
            Print($"Webhook sink on {server.Url}; Ctrl-C stops it.");
            Print($"Secret file: {path}{(created ? " (made now: 32 random bytes, hex)" : "")}");
            Print("Point receivers at it (alerts/oncall.yaml):");
            Print($"  webhook:   url: {server.Url}/ with secret_file: the secret file");
            Print($"  pagerduty: url: {server.Url}/pagerduty with any routing key");
            Print($"  slack:     url_env: SLACK_URL, with SLACK_URL={server.Url}/slack");
            if (failFor > TimeSpan.Zero)
            {
                Print($"Answering 503 for the first {Durations.Format(failFor)} (--fail-for).");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    private static TimeSpan FailFor(string? text)
    {
        if (text is null)
        {
            return TimeSpan.Zero;
        }

        return Durations.TryParse(text, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new OptionsValidationException("webhook-sink", "--fail-for", $"must be a duration such as {Durations.Examples}", text);
    }
}
