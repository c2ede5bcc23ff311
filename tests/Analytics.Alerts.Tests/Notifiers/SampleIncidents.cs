using Analytics.Alerts.Incidents;
using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Parsing;
using Analytics.Alerts.Slices;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Tests.Notifiers;

/// <summary>An incident through its life (opened, acknowledged, resolved) as receivers are told of it.</summary>
internal static class SampleIncidents
{
    /// <summary>The test clock's start: 2023-11-14 22:13:20 UTC.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    public static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    public static Incident Open(string id = "INC-3f9a2c", string slice = "cdn=oca,pop=iad-2", string rule = "vsf_high", IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        Id = id,
        Key = $"{rule}|{slice}",
        Rule = rule,
        Severity = Severity.P1,
        Metric = "vsf_rate",
        Slice = Slice.Parse(slice),
        Title = $"VSF 46 % at {slice}",
        Status = IncidentStatus.Triggered,
        OpenedAtMs = NowMs - 180_000,
        TriggeredAtMs = NowMs - 60_000,
        LastEscalatedAtMs = NowMs - 60_000,
        LastWindowMs = NowMs - 120_000,
        FiringNow = true,
        Value = 0.46,
        Baseline = 0.02,
        Threshold = 0.05,
        NotifyCount = 1,
        Seq = 1,
        Labels = labels ?? new Dictionary<string, string> { ["team"] = "noc" },
        Annotations = new Dictionary<string, string> { ["runbook"] = "https://runbooks.example/vsf", ["summary"] = "Video start failures" },
        Culprits = [new Culprit(Slice.Parse($"{slice},isp=comcast"), 81.5, 12, 61)],
        Symptoms = [$"vst_high|{slice}"],
        Inhibited = [$"vsf_high|{slice},isp=comcast"],
    };

    public static Notification Opened(Incident? incident = null, string receiver = "rx")
    {
        incident ??= Open();
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Opened, incident, incident.Seq, true, false, incident.LastWindowMs, incident.TriggeredAtMs, "auto", incident.Title));
    }

    public static Notification Acknowledged(Incident? incident = null, string by = "alice", string receiver = "rx")
    {
        var acked = (incident ?? Open()) with { Status = IncidentStatus.Acknowledged, AcknowledgedAtMs = NowMs - 30_000, AcknowledgedBy = by, Seq = 2 };
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Acknowledged, acked, 2, true, false, null, NowMs - 30_000, by, "acknowledged"));
    }

    public static Notification Resolved(Incident? incident = null, long? atMs = null, string receiver = "rx")
    {
        var at = atMs ?? NowMs - 10_000;
        var resolved = (incident ?? Open()) with
        {
            Status = IncidentStatus.Resolved,
            ResolvedAtMs = at,
            ResolvedBy = "auto",
            ResolvedWindowMs = at - 60_000,
            FiringNow = false,
            ClearWindows = 3,
            Seq = 3,
        };
        return new Notification(receiver, new IncidentChange(IncidentChangeKind.Resolved, resolved, 3, true, false, at - 60_000, at, "auto", "cleared for 3 windows"));
    }

    public static ReceiverServices Services(TimeProvider? time = null, Func<string, string?>? environment = null, string publicUrl = "http://grafana:3000")
        => new(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, time ?? new ManualTimeProvider(Now), NullLogger.Instance, publicUrl, environment ?? (_ => null));
}

/// <summary>Parses one receiver's settings as the on-call file would, returning the problems reported.</summary>
internal static class ReceiverYaml
{
    public static (IReceiverSettings? Settings, IReadOnlyList<RuleProblem> Problems) Parse(ReceiverKinds.Parser parser, string yaml, string key)
    {
        var context = new YamlContext("oncall.yaml");
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var settings = parser(context, stream.Documents[0].RootNode, key);
        return (settings, context.Problems);
    }

    /// <summary>The settings, failing the test with the problems when there are any.</summary>
    public static T Valid<T>(ReceiverKinds.Parser parser, string yaml, string key = "receivers[rx].kind")
        where T : IReceiverSettings
    {
        var (settings, problems) = Parse(parser, yaml, key);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        return Assert.IsType<T>(settings);
    }
}
