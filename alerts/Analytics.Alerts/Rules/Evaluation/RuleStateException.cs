namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>Saved rule-evaluator state cannot be read; delete it to start the rules afresh.</summary>
internal sealed class RuleStateException : AlertsException
{
    public RuleStateException(string detail, Exception? inner = null)
        : base($"Cannot restore the alert rules' state: {detail}. Delete the saved state to start the rules afresh.", inner)
    {
    }

    public override bool IsTransient => false;
}
