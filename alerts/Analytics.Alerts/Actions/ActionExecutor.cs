using System.Text;
using Analytics.Alerts.Notifiers;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Carries out actions the guardrails let through: publishes steering commands, posts signed webhooks and
/// writes annotations, and the annotation that tells the dashboards an action was taken. <see cref="RunAsync"/> throws
/// when an action did not succeed; the runner records the failure.
/// </summary>
internal sealed class ActionExecutor
{
    private readonly ISteeringPublisher _steering;
    private readonly SignedWebhook _webhook;
    private readonly AnnotationWriter _annotations;
    private readonly IReadOnlyDictionary<ActionKind, Secret> _secrets;

    /// <summary><paramref name="secrets"/> holds the signing secret of each configured webhook action (none in dry run).</summary>
    public ActionExecutor(ISteeringPublisher steering, SignedWebhook webhook, AnnotationWriter annotations, IReadOnlyDictionary<ActionKind, Secret> secrets)
    {
        _steering = steering;
        _webhook = webhook;
        _annotations = annotations;
        _secrets = secrets;
    }

    public async Task RunAsync(ActionPlan plan, ActionDecision decision, CancellationToken ct)
    {
        switch (plan.Kind)
        {
            case ActionKind.CdnSteer:
                await _steering.PublishAsync(plan.Steering!, ct);
                break;
            case ActionKind.ScaleOut or ActionKind.HaltRollout:
                var endpoint = plan.Endpoint ?? throw new InvalidOperationException($"actions.{plan.Kind.Name()} is not configured");
                var secret = _secrets.GetValueOrDefault(plan.Kind) ?? throw new InvalidOperationException($"the secret of actions.{plan.Kind.Name()} was not read at start");
                await _webhook.PostAsync(plan.Kind.Name(), endpoint.Url, secret, plan.DecisionId, Encoding.UTF8.GetBytes(plan.Body!.ToJsonString()), ct);
                break;
            default:
                await _annotations.WriteAsync(Annotation(plan, decision, plan.AnnotationText ?? plan.Done), ct);
                break;
        }
    }

    /// <summary>The annotation that shows a steering, webhook or undo on the dashboards once it succeeded.</summary>
    public Task AnnotateDoneAsync(ActionPlan plan, ActionDecision decision, CancellationToken ct)
        => plan.Kind == ActionKind.Annotate ? Task.CompletedTask : _annotations.WriteAsync(Annotation(plan, decision, $"{plan.Done} ({plan.Incident.Id})"), ct);

    private static ActionAnnotation Annotation(ActionPlan plan, ActionDecision decision, string text)
        => new(
            plan.DecisionId,
            decision.AtMs,
            decision.AtMs,
            plan.Incident.Id,
            plan.Incident.Severity,
            [plan.Incident.Severity.ToString(), plan.Incident.Rule, plan.Kind.Name(), .. plan.Tags],
            text);
}
