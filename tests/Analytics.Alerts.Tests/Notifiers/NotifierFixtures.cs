using System.Text.Json;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Alerts.Tests.Notifiers;

/// <summary>One incident through trigger, acknowledge and resolve, the services a receiver runs with, and config parsing.</summary>
internal static class NotifierFixtures
{
    /// <summary>2026-01-15 14:05:00 UTC, the test clock.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 14, 5, 0, TimeSpan.Zero);

    public static long NowMs => Now.ToUnixTimeMilliseconds();

    public static Incident Incident(Severity severity = Severity.P1, string title = "VSF 46 % at CDN oca, POP iad-2 since 14:02") => new()
    {
        Id = "INC-3f9a2c",
        Key = "PopStartFailures|cdn=oca,pop=iad-2",
        Rule = "PopStartFailures",
        Severity = severity,
        Metric = "vsf_rate",
        Slice = Slice.Parse("cdn=oca,pop=iad-2"),
        Title = title,
        Status = IncidentStatus.Triggered,
        OpenedAtMs = NowMs - 180_000,
        TriggeredAtMs = NowMs - 60_000,
        Value = 0.46,
        Baseline = 0.02,
        Threshold = 0.05,
        Seq = 1,
        Labels = new Dictionary<string, string> { ["team"] = "noc", ["service"] = "playback" },
        Annotations = new Dictionary<string, string> { ["runbook"] = "https://runbooks.example/vsf?pop=iad-2&x=1", ["summary"] = title },
        Culprits = [new Culprit(Slice.Parse("cdn=oca,isp=comcast,pop=iad-2"), 81.5, 12, 61)],
    };

    public static Notification Opened(Incident? incident = null, string receiver = "rx")
    {
        incident ??= Incident();
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Opened, incident, 1, true, false, NowMs - 120_000, NowMs - 60_000, "auto", incident.Title));
    }

    public static Notification Acknowledged(Incident? incident = null, string receiver = "rx")
    {
        var acked = (incident ?? Incident()) with { Status = IncidentStatus.Acknowledged, AcknowledgedAtMs = NowMs - 30_000, AcknowledgedBy = "alice", Seq = 2 };
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Acknowledged, acked, 2, true, false, null, NowMs - 30_000, "alice", "acknowledged"));
    }

    public static Notification Resolved(Incident? incident = null, string receiver = "rx")
    {
        var resolved = (incident ?? Incident()) with { Status = IncidentStatus.Resolved, ResolvedAtMs = NowMs - 10_000, ResolvedBy = "auto", Seq = 3 };
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Resolved, resolved, 3, true, false, NowMs - 60_000, NowMs - 10_000, "auto", "cleared for 3 windows"));
    }

    /// <summary>Services on the manual clock at <see cref="Now"/>, with <paramref name="environment"/> as the environment variables.</summary>
    public static ReceiverServices Services(IReadOnlyDictionary<string, string>? environment = null, string publicUrl = "http://grafana:3000", TimeProvider? time = null)
        => new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, time ?? new ManualTimeProvider(Now), NullLogger.Instance, publicUrl, name => environment?.GetValueOrDefault(name));

    /// <summary>Parses a receiver's settings as <c>receivers[{name}].{kind}</c> of the on-call file.</summary>
    public static (IReceiverSettings? Settings, IReadOnlyList<RuleProblem> Problems) Parse(ReceiverKinds.Parser parser, string kind, string yaml, string name = "rx")
        => ReceiverYaml.Parse(parser, yaml, $"receivers[{name}].{kind}");

    /// <summary>All problem messages on one line each, to assert on.</summary>
    public static string Messages(IReadOnlyList<RuleProblem> problems) => string.Join('\n', problems.Select(p => p.Message));

    /// <summary>A port nobody listens on: connecting to it is refused.</summary>
    public static string ClosedUrl(string path = "/") => $"http://127.0.0.1:{LocalPorts.Free()}{path}";

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The names of an object's properties, sorted, to compare with a documented set.</summary>
    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
