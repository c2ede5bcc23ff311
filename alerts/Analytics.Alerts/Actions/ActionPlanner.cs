using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Templates;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Works out the actions an incident change calls for: the rule's actions when an incident opens or reopens,
/// and the undo of each of its steerings when it resolves. Escalations and repeats call for none: they say
/// nobody has acknowledged yet, not that the problem grew, and acting again would stack one steering on another.
/// </summary>
internal sealed class ActionPlanner
{
    private readonly ActionSettings _settings;
    private readonly IReadOnlyDictionary<string, AlertRule> _rules;

    public ActionPlanner(ActionSettings settings, RuleSet rules)
    {
        _settings = settings;
        _rules = rules.Rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>Whether a change of this kind can call for actions at all.</summary>
    public static bool Concerns(IncidentChange change)
        => change.Kind is IncidentChangeKind.Opened or IncidentChangeKind.Reopened or IncidentChangeKind.Resolved;

    public IEnumerable<ActionPlan> Plan(IncidentChange change, ActionLedger ledger, DateTimeOffset now)
    {
        if (change.Kind == IncidentChangeKind.Resolved)
        {
            foreach (var (decision, steering) in ledger.OpenSteerings(change.Incident.Id))
            {
                yield return Undo(change, decision, steering, now);
            }

            yield break;
        }

        if (!Concerns(change) || !_rules.TryGetValue(change.Incident.Rule, out var rule))
        {
            yield break;
        }

        var slice = SliceOf(change.Incident, rule);
        for (var i = 0; i < rule.Actions.Count; i++)
        {
            var id = DecisionIds.For(change.Incident.Id, change.Seq, i);
            var plan = rule.Actions[i] switch
            {
                CdnSteerAction steer => Steer(id, change, slice, steer, now),
                ScaleOutAction scale => ScaleOut(id, change, slice, scale, now),
                HaltRolloutAction => HaltRollout(id, change, slice, now),
                AnnotateAction note => Annotate(id, change, rule, slice, note),
                _ => null,
            };
            if (plan is not null)
            {
                yield return plan with { WindowMs = rule.WindowMs };
            }
        }
    }

    /// <summary>The incident's slice with the rule's <c>where</c> values it does not carry itself.</summary>
    public static Slice SliceOf(Incident incident, AlertRule rule)
        => new(incident.Slice.Dimensions.Concat(rule.Where.Dimensions.Where(d => incident.Slice[d.Key] is null)));

    private ActionPlan Steer(string id, IncidentChange change, Slice slice, CdnSteerAction steer, DateTimeOffset now)
    {
        var from = new SteeringPoint(slice["cdn"], slice["pop"]);
        var to = steer.To.Dimension == "pop" ? new SteeringPoint(null, steer.To.Value) : new SteeringPoint(steer.To.Value, null);
        var command = new SteeringCommand(id, SteeringCommand.Steer, change.Incident.Id, from, to, steer.Percent, now, now + steer.Ttl, Reason(change.Incident));
        var what = $"{steer.Percent} % of {from} to {steer.To}";
        return new ActionPlan(id, change, ActionKind.CdnSteer, Target(from), $"move {what}", $"Steered {what}", SteeringParams(command))
        {
            Steering = command,
        };
    }

    private ActionPlan Undo(IncidentChange change, ActionDecision steer, SteeringCommand steering, DateTimeOffset now)
    {
        var id = DecisionIds.For(change.Incident.Id, change.Seq, DecisionIds.ActionIndex(steer.DecisionId));
        var undo = steering.UndoBy(id, now, $"incident {change.Incident.Id} resolved");
        return new ActionPlan(
            id,
            change,
            ActionKind.CdnSteer,
            steer.Target,
            $"give {steering.From} its {steering.Percent} % back",
            $"Gave {steering.From} its {steering.Percent} % back from {steering.To}",
            SteeringParams(undo))
        {
            Steering = undo,
            UndoOf = steer.Outcome,
            UndoShare = steer.SteeredShare,
        };
    }

    private ActionPlan ScaleOut(string id, IncidentChange change, Slice slice, ScaleOutAction scale, DateTimeOffset now)
    {
        var body = Body(id, change, slice, ActionKind.ScaleOut, now);
        body["service"] = scale.Service;
        body["by"] = new JsonObject { [scale.By.IsPercent ? "percent" : "instances"] = scale.By.Value };
        var what = $"{scale.By} to {scale.Service}";
        return Webhook(id, change, ActionKind.ScaleOut, $"service={scale.Service}", $"add {what}", $"Added {what}", body);
    }

    private ActionPlan HaltRollout(string id, IncidentChange change, Slice slice, DateTimeOffset now)
    {
        var version = slice["app_version"] ?? "";
        var platform = slice["os"];
        var body = Body(id, change, slice, ActionKind.HaltRollout, now);
        body["app_version"] = version;
        body["platform"] = platform;
        var what = $"app {version}{(platform is null ? "" : $" on {platform}")}";
        var target = platform is null ? $"app_version={version}" : $"app_version={version},os={platform}";
        return Webhook(id, change, ActionKind.HaltRollout, target, $"halt the rollout of {what}", $"Halted the rollout of {what}", body);
    }

    private static ActionPlan Annotate(string id, IncidentChange change, AlertRule rule, Slice slice, AnnotateAction note)
    {
        var i = change.Incident;
        var text = note.Text?.Render(new TemplateValues(i.Rule, i.Severity, i.Metric, slice, i.Value, i.Baseline, i.Threshold, 0, i.OpenedAtMs)) ?? i.Title;
        if (text.Length == 0)
        {
            text = $"{rule.Name} at {slice}";
        }

        var tags = new JsonArray([.. note.Tags.Select(t => JsonValue.Create(t))]);
        return new ActionPlan(id, change, ActionKind.Annotate, slice.ToString(), $"note \"{text}\"", text, new JsonObject { ["text"] = text, ["tags"] = tags })
        {
            AnnotationText = text,
            Tags = note.Tags,
        };
    }

    private ActionPlan Webhook(string id, IncidentChange change, ActionKind kind, string target, string command, string done, JsonObject body)
    {
        var endpoint = _settings.Endpoint(kind);
        var parameters = new JsonObject { ["url"] = endpoint?.Url.ToString(), ["body"] = body.DeepClone() };
        return new ActionPlan(id, change, kind, target, command, done, parameters) { Endpoint = endpoint, Body = body };
    }

    /// <summary>The fields every webhook action's body has (docs/oncall.md).</summary>
    private static JsonObject Body(string id, IncidentChange change, Slice slice, ActionKind kind, DateTimeOffset now)
    {
        var i = change.Incident;
        var dims = new JsonObject();
        foreach (var (k, v) in slice.Dimensions)
        {
            dims[k] = v;
        }

        return new JsonObject
        {
            ["version"] = 1,
            ["action"] = kind.Name(),
            ["decision_id"] = id,
            ["incident_id"] = i.Id,
            ["rule"] = i.Rule,
            ["severity"] = i.Severity.ToString(),
            ["slice"] = dims,
            ["issued_at"] = SteeringCommand.Time(now),
            ["reason"] = Reason(i),
        };
    }

    private JsonObject SteeringParams(SteeringCommand command)
        => new() { ["topic"] = _settings.SteeringTopic, ["command"] = JsonNode.Parse(command.ToJson()) };

    private static string Target(SteeringPoint from)
        => from.Cdn is not null && from.Pop is not null ? $"cdn={from.Cdn},pop={from.Pop}" : from.Pop is not null ? $"pop={from.Pop}" : $"cdn={from.Cdn}";

    private static string Reason(Incident i) => $"{i.Rule} ({i.Severity}): {(i.Title.Length > 0 ? i.Title : i.Slice.ToString())}";
}
