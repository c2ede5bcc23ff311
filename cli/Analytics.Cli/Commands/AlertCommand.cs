using System.CommandLine;
using System.Globalization;
using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Cli.WebhookSink;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics alert</c>: the alert evaluator as its own process, one per consumer group. It reads
/// what the processors wrote (progress and the views), so it is independent of how many processor
/// instances run and of their rebalances; a crash of either does not stop the other.
/// </summary>
internal static class AlertCommand
{
    public static Command Create()
    {
        var group = new Option<string?>("--group") { Description = "The processors' consumer group (default analytics-processor)" };
        var rules = new Option<string[]>("--rules") { Description = "Rule files or folders (default alerts/rules)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("alert", "Judge each window once it is final on every partition: rules → incidents → notifications") { group, rules };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(parse, ("Alerting:ConsumerGroup", parse.GetValue(group)));
            var options = settings.Alerting with { Rules = parse.GetValue(rules) is { Length: > 0 } r ? r : settings.Alerting.Rules };
            using var logging = CommandSupport.ConsoleLogging();
            var log = logging.CreateLogger("alerting");
            using var shutdown = new Shutdown(m => log.LogInformation("{Message}", m));
            var stop = shutdown.Link(ct);
            var ruleSet = LoadRules(options);
            await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: false, log, stop);
            await ClickHouseStore.MigrateAsync(store, settings, m => log.LogInformation("{Progress}", m), stop);
            LocalWebhook.PrepareDefault();
            var onCall = OnCallFile.Load(Locate(options.OnCall));
            await using var runtime = await OnCallRuntime.StartAsync(onCall, ruleSet, settings.Delivery, settings.Kafka, store, settings.Sink.Database, TimeProvider.System, log, stop);
            using var service = new AlertService(options, ruleSet, new IncidentOptions(), store, settings.Sink.Database, runtime.Notifiers, TimeProvider.System, log);
            using var reporter = new Timer(_ => log.LogInformation("{Status}; {Delivery}", Describe(service.Status), runtime.Describe()), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            await service.RunAsync(stop);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Loads the rule files, expanding folders to their *.yaml files. A relative path that is not
    /// below the working directory is looked up beside the command, where the default pack is copied.
    /// </summary>
    public static RuleSet LoadRules(AlertOptions options) => RuleSet.Load(options.Validate().Rules
        .Select(Locate)
        .SelectMany<string, string>(path => Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.yaml").Order(StringComparer.Ordinal) : [path]));

    /// <summary>The path as given, or beside the command when that is where it exists.</summary>
    public static string Locate(string path)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, path);
        return Path.Exists(path) || Path.IsPathRooted(path) || !Path.Exists(beside) ? path : beside;
    }

    /// <summary>One line for logs: what was judged, what is waited for, what is open.</summary>
    public static string Describe(AlertStatus s)
    {
        var last = s.LastWindowStartMs is { } l ? DateTimeOffset.FromUnixTimeMilliseconds(l).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) : "none";
        var open = s.Incidents.Count(i => i.Status != IncidentStatus.Resolved);
        return string.Create(CultureInfo.InvariantCulture, $"alerting: {s.WindowsJudged} windows judged (last {last}, {s.MaxFinalToNotified.TotalSeconds:0.0} s max after final), {s.Series} series, {open} open incidents{(s.Waiting is { } w ? "; " + w : "")}");
    }
}
