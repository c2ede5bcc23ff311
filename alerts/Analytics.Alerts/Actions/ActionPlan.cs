using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Actions;

/// <summary>
/// One action an incident change calls for, worked out in full before any guardrail looks at it: its decision
/// id, its target (what cooldowns and hourly limits count per), what it would send and how to say so.
/// </summary>
/// <param name="DecisionId"><c>{incident}/{seq}/{action index}</c>.</param>
/// <param name="Change">The change that calls for it (Opened, Reopened, or Resolved for an undo).</param>
/// <param name="Kind">The action kind.</param>
/// <param name="Target">What it acts on, e.g. <c>cdn=oca,pop=iad-1</c>, <c>service=edge</c>, <c>app_version=5.2.0</c>.</param>
/// <param name="Command">The imperative phrase of the live view: <c>move 30 % of pop iad-1 to cdn akamai</c>.</param>
/// <param name="Done">The annotation text once it succeeded: <c>Steered 30 % of pop iad-1 to cdn akamai</c>.</param>
/// <param name="Params">What it sends, written to the audit's params column.</param>
internal sealed record ActionPlan(
    string DecisionId,
    IncidentChange Change,
    ActionKind Kind,
    string Target,
    string Command,
    string Done,
    JsonObject Params)
{
    public Incident Incident => Change.Incident;

    /// <summary>The rule's window size, for reading the POP's share of traffic.</summary>
    public long WindowMs { get; init; }

    /// <summary>The steering command (steer or undo) for cdn_steer.</summary>
    public SteeringCommand? Steering { get; init; }

    /// <summary>For an undo: how the steering was decided (executed, or dry run), which the undo follows.</summary>
    public ActionOutcome? UndoOf { get; init; }

    /// <summary>For an undo: the share of traffic it gives back.</summary>
    public double UndoShare { get; init; }

    /// <summary>For webhooks: where to post and the body (without the signature, added when sent).</summary>
    public WebhookEndpoint? Endpoint { get; init; }

    public JsonObject? Body { get; init; }

    /// <summary>For annotate: the annotation's text and extra tags.</summary>
    public string? AnnotationText { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public bool IsUndo => UndoOf is not null;

    /// <summary>Whether it changes traffic or capacity (annotate does not), so the rate guardrails apply.</summary>
    public bool IsActive => Kind != ActionKind.Annotate;
}
