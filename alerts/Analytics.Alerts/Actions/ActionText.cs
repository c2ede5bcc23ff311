namespace Analytics.Alerts.Actions;

/// <summary>
/// The one-line texts of decisions for the live view and the log, e.g.
/// <c>DRY RUN cdn_steer: would move 30 % of pop iad-1 to cdn akamai (INC-3f9a2c)</c>. A line never passes
/// 80 columns: a long reason is cut in the middle of the line, the incident id always stays at its end.
/// </summary>
internal static class ActionText
{
    public const int Width = 80;

    /// <summary>The line; <paramref name="command"/> says what the action does, in the imperative: <c>move 30 % of pop iad-1 to cdn akamai</c>.</summary>
    public static string Line(ActionOutcome outcome, ActionKind kind, string target, string command, string reason, string incidentId)
    {
        var name = kind.Name();
        var body = outcome switch
        {
            ActionOutcome.Executed => $"EXECUTED {name}: {command}",
            ActionOutcome.DryRun or ActionOutcome.UndoDryRun => $"DRY RUN {name}: would {command}",
            ActionOutcome.Undone => $"UNDONE {name}: {command}",
            ActionOutcome.Refused => $"REFUSED {name} {target}: {reason}",
            _ => $"FAILED {name} {target}: {reason}",
        };
        return Fit(body.ReplaceLineEndings(" "), $" ({incidentId})");
    }

    private static string Fit(string body, string suffix)
    {
        var room = Width - suffix.Length;
        return body.Length <= room ? body + suffix : string.Concat(body.AsSpan(0, Math.Max(0, room - 1)), "…", suffix);
    }
}
