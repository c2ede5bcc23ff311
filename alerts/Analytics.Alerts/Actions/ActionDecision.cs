using Analytics.Alerts.Rules;

namespace Analytics.Alerts.Actions;

/// <summary>What became of an action; stored in <c>incident_actions.decision</c> (<see cref="ActionOutcomes.Name"/>).</summary>
internal enum ActionOutcome
{
    /// <summary>Every guardrail passed and the action was handed to its executor (a later failure replaces it with <see cref="Failed"/>).</summary>
    Executed,

    /// <summary>Every guardrail passed, but dry run is on: nothing was sent; the params say what would have been.</summary>
    DryRun,

    /// <summary>A guardrail said no; the reason names it.</summary>
    Refused,

    /// <summary>A steering was undone because its incident resolved.</summary>
    Undone,

    /// <summary>A dry-run steering would have been undone.</summary>
    UndoDryRun,

    /// <summary>The action (or undo) was executed and did not succeed: Kafka or the webhook did not take it.</summary>
    Failed,
}

internal static class ActionOutcomes
{
    private static readonly string[] Names = ["executed", "dry_run", "refused", "undone", "undo_dry_run", "failed"];

    public static string Name(this ActionOutcome outcome) => Names[(int)outcome];

    public static bool TryParse(string name, out ActionOutcome outcome)
    {
        var index = Array.IndexOf(Names, name);
        outcome = (ActionOutcome)Math.Max(index, 0);
        return index >= 0;
    }
}

/// <summary>
/// One row of the <c>incident_actions</c> audit: an action of an incident's rule, decided at <see cref="AtMs"/>,
/// and why. <see cref="DecisionId"/> is <c>{incident}/{seq}/{action index}</c>, so a change handed over again
/// after a crash maps to the same decision, which is not taken twice.
/// </summary>
/// <param name="DecisionId">The decision's identity: <c>{incident}/{seq}/{action index}</c>.</param>
/// <param name="IncidentId">The incident.</param>
/// <param name="Seq">The incident event that called for it.</param>
/// <param name="Rule">The incident's rule.</param>
/// <param name="Severity">The incident's severity when decided.</param>
/// <param name="Kind">The action kind.</param>
/// <param name="Target">What it acts on (cooldowns and hourly limits count per kind and target).</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Reason">Why: the guardrail that refused it, what a dry run would have done, why it failed.</param>
/// <param name="Params">What the action does or would do, as JSON (never a secret).</param>
/// <param name="SteeredShare">For cdn_steer: the share of all traffic it moves (or gives back); otherwise 0.</param>
/// <param name="AtMs">Wall time of the decision.</param>
/// <param name="Text">One line for humans (at most 80 columns), for the live view and the log.</param>
internal sealed record ActionDecision(
    string DecisionId,
    string IncidentId,
    int Seq,
    string Rule,
    Severity Severity,
    ActionKind Kind,
    string Target,
    ActionOutcome Outcome,
    string Reason,
    string Params,
    double SteeredShare,
    long AtMs,
    string Text);

internal static class DecisionIds
{
    public static string For(string incidentId, int seq, int actionIndex) => $"{incidentId}/{seq}/{actionIndex}";

    /// <summary>The action index of a decision id (the last part); -1 when it is not one.</summary>
    public static int ActionIndex(string decisionId)
        => int.TryParse(decisionId.AsSpan(decisionId.LastIndexOf('/') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : -1;
}
