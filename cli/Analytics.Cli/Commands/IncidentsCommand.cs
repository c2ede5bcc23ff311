using System.CommandLine;
using System.Globalization;
using Analytics.Alerts.Delivery;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Cli.Configuration;
using Analytics.Common;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics incidents list|show|ack|resolve|silence</c>: on-call's view of the incident store. Acknowledgements and
/// resolves are recorded as operator events, which the running alert service applies on its next window.
/// </summary>
internal static class IncidentsCommand
{
    public static Command Create(TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var command = new Command("incidents", "List, inspect, acknowledge, resolve and silence alert incidents");
        command.Subcommands.Add(List(clock));
        command.Subcommands.Add(Show(clock));
        command.Subcommands.Add(Action("ack", "Acknowledge an incident: its pages stop repeating", IncidentChangeKind.Acknowledged, clock));
        command.Subcommands.Add(Action("resolve", "Resolve an incident by hand", IncidentChangeKind.Resolved, clock));
        command.Subcommands.Add(SilenceCommand(clock));
        return command;
    }

    private static Command List(TimeProvider clock)
    {
        var open = new Option<bool>("--open") { Description = "Only incidents not resolved yet" };
        var severity = new Option<string?>("--severity") { Description = "Only this severity (P0, P1, P2, P3)", HelpName = "P0-P3" };
        var command = new Command("list", "Incidents, newest first: id, severity, status, since, title") { open, severity };
        command.SetAction((parse, ct) => Run(parse, clock, ct, async store =>
        {
            Severity? only = null;
            if (parse.GetValue(severity) is { } text)
            {
                only = Severities.TryParse(text, out var s) ? s : throw new OptionsValidationException("incidents list", "--severity", "must be one of P0, P1, P2, P3", text);
            }

            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{"ID",-10} {"SEV",-3} {"STATUS",-12} {"SINCE",-11} TITLE");
            foreach (var incident in await store.ListAsync(parse.GetValue(open), only, ct))
            {
                var since = DateTimeOffset.FromUnixTimeMilliseconds(incident.OpenedAtMs).UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
                var line = $"{incident.Id,-10} {incident.Severity,-3} {incident.Status.ToString().ToLowerInvariant(),-12} {since,-11} {incident.Title}";
                await output.WriteLineAsync(line.Length > 80 ? line[..79] + "…" : line);
            }
        }));
        return command;
    }

    private static Command Show(TimeProvider clock)
    {
        var id = new Argument<string>("id") { Description = "The incident, e.g. INC-3f9a2c" };
        var command = new Command("show", "An incident, its history of events and their deliveries") { id };
        command.SetAction((parse, ct) => Run(parse, clock, ct, async (store, deliveries) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var incident = await store.GetAsync(parse.GetValue(id)!, ct);
            await output.WriteLineAsync($"{incident.Id} [{incident.Severity}] {incident.Status.ToString().ToLowerInvariant()}: {incident.Title}");
            await output.WriteLineAsync($"  root {incident.Key}, value {incident.Value:0.####} (threshold {incident.Threshold:0.####}), escalation {incident.EscalationLevel}, notified {incident.NotifyCount}x");
            foreach (var symptom in incident.Symptoms)
            {
                await output.WriteLineAsync($"  symptom {symptom}");
            }

            foreach (var culprit in incident.Culprits)
            {
                await output.WriteLineAsync($"  culprit {culprit.Slice} ({culprit.SharePercent:0.#} % of the change)");
            }

            foreach (var e in await store.EventsAsync(incident.Id, ct))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(e.WallTimeMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                await output.WriteLineAsync($"  {at} {e.Kind,-12} {(e.Muted ? "muted " : "")}{e.Detail}");
            }

            // One line per notification: where it went and how it ended.
            foreach (var n in (await deliveries.HistoryAsync(incident.Id, ct)).GroupBy(a => a.NotificationId))
            {
                var last = n.MaxBy(a => (a.AtMs, a.Attempt))!;
                var at = DateTimeOffset.FromUnixTimeMilliseconds(last.AtMs).UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                var error = last.Error.Length == 0 ? "" : $": {last.Error}";
                var line = $"  sent {last.EventKind} to {last.Receiver}: {last.Status.ToString().ToLowerInvariant()} at {at} after {last.Attempt} attempts{error}";
                await output.WriteLineAsync(line.Length > 79 ? line[..78] + "…" : line);
            }
        }));
        return command;
    }

    private static Command Action(string name, string description, IncidentChangeKind kind, TimeProvider clock)
    {
        var id = new Argument<string>("id") { Description = "The incident, e.g. INC-3f9a2c" };
        var by = new Option<string>("--by") { Description = "Who (default: the user name)", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command(name, description) { id, by };
        command.SetAction((parse, ct) => Run(parse, clock, ct, async store =>
        {
            var incident = await store.RecordOperatorActionAsync(parse.GetValue(id)!, kind, parse.GetValue(by)!, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{incident.Id} is {incident.Status.ToString().ToLowerInvariant()}.");
        }));
        return command;
    }

    private static Command SilenceCommand(TimeProvider clock)
    {
        var match = new Option<string[]>("--match") { Description = "label=value the incident must carry (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var duration = new Option<string>("--for") { Description = "How long from now, e.g. 2h", DefaultValueFactory = _ => "2h" };
        var schedule = new Option<string?>("--schedule") { Description = "A recurring maintenance window within that span, e.g. \"weekly sat 02:00 2h\"" };
        var comment = new Option<string>("--comment") { Description = "Why", DefaultValueFactory = _ => "" };
        var command = new Command("silence", "Mute notifications of matching incidents (they are still recorded)") { match, duration, schedule, comment };
        command.SetAction((parse, ct) => Run(parse, clock, ct, async store =>
        {
            var matchers = Silence.ParseMatchers(parse.GetValue(match) ?? []);
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var ends = now + (long)MaintenanceSchedule.ParseDuration(parse.GetValue(duration)!).TotalMilliseconds;
            var recurring = parse.GetValue(schedule) is { } s ? MaintenanceSchedule.Parse(s) : null;
            var silence = new Silence(Silence.IdFor(matchers, now, ends, recurring?.ToString()), matchers, now, ends)
            {
                Schedule = recurring,
                Comment = parse.GetValue(comment)!,
                CreatedBy = Environment.UserName,
            };
            await store.AddSilenceAsync(silence, ct);
            var until = DateTimeOffset.FromUnixTimeMilliseconds(ends).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{silence.Id} mutes {string.Join(',', matchers.Select(m => $"{m.Key}={m.Value}"))} until {until} UTC.");
        }));
        return command;
    }

    /// <summary>Opens the store (a server, or the embedded one at --data-dir), brings its schema up to date and runs the body.</summary>
    private static Task<int> Run(ParseResult parse, TimeProvider clock, CancellationToken ct, Func<IncidentStore, Task> body)
        => Run(parse, clock, ct, (store, _) => body(store));

    private static Task<int> Run(ParseResult parse, TimeProvider clock, CancellationToken ct, Func<IncidentStore, NotificationLog, Task> body)
        => CommandSupport.Guard(
            async () =>
            {
                var settings = CommandSupport.Settings(parse);
                await using var connection = await OpenAsync(settings, ct);
                await ClickHouseStore.MigrateAsync(connection, settings, _ => { }, ct);
                await body(new IncidentStore(connection, settings.Sink.Database, clock), new NotificationLog(connection, settings.Sink.Database));
                return 0;
            },
            parse.InvocationConfiguration.Error);

    private static Task<IClickHouseConnection> OpenAsync(AnalyticsSettings settings, CancellationToken ct)
        => ClickHouseStore.OpenAsync(settings, readOnly: false, NullLogger.Instance, ct);
}
