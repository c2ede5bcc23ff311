using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Templates;

namespace Analytics.Alerts.Actions;

/// <summary>The kinds of automated action a rule can name under <c>actions:</c>.</summary>
internal enum ActionKind
{
    CdnSteer,
    ScaleOut,
    HaltRollout,
    Annotate,
}

internal static class ActionKinds
{
    private static readonly string[] All = ["cdn_steer", "scale_out", "halt_rollout", "annotate"];

    /// <summary>The names rules write, in <see cref="ActionKind"/> order.</summary>
    public static IReadOnlyList<string> Names => All;

    public static string Name(this ActionKind kind) => All[(int)kind];

    public static bool TryParse(string name, out ActionKind kind)
    {
        var index = Array.IndexOf(All, name);
        kind = (ActionKind)Math.Max(index, 0);
        return index >= 0;
    }
}

/// <summary>One action of a rule, as written in its <c>actions:</c> list (checked by <see cref="RuleActionParser"/>).</summary>
internal abstract record RuleAction(SourcePosition Position)
{
    public abstract ActionKind Kind { get; }
}

/// <summary>Where steered traffic goes: another POP or another CDN.</summary>
/// <param name="Dimension"><c>pop</c> or <c>cdn</c>.</param>
/// <param name="Value">Its name, e.g. <c>akamai</c>.</param>
internal sealed record SteeringTarget(string Dimension, string Value)
{
    public override string ToString() => $"{Dimension} {Value}";
}

/// <summary>Move <see cref="Percent"/> % of the incident's POP (or CDN) to <see cref="To"/>, for at most <see cref="Ttl"/>.</summary>
internal sealed record CdnSteerAction(int Percent, SteeringTarget To, TimeSpan Ttl, SourcePosition Position) : RuleAction(Position)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);

    /// <summary>The longest steering a rule may ask for: beyond it a human decides.</summary>
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    public override ActionKind Kind => ActionKind.CdnSteer;
}

/// <summary>How much to scale out: a number of instances, or a percentage of the current count.</summary>
internal sealed record ScaleAmount(int Value, bool IsPercent)
{
    public override string ToString() => IsPercent ? $"{Value} %" : $"{Value} instance{(Value == 1 ? "" : "s")}";
}

/// <summary>Ask the capacity service (a signed webhook) to add capacity to <see cref="Service"/>.</summary>
internal sealed record ScaleOutAction(string Service, ScaleAmount By, SourcePosition Position) : RuleAction(Position)
{
    public override ActionKind Kind => ActionKind.ScaleOut;
}

/// <summary>Ask the release service (a signed webhook) to stop rolling out the incident's app version.</summary>
internal sealed record HaltRolloutAction(SourcePosition Position) : RuleAction(Position)
{
    public override ActionKind Kind => ActionKind.HaltRollout;
}

/// <summary>Write an annotation the dashboards show; <see cref="Text"/> null uses the incident's title.</summary>
internal sealed record AnnotateAction(AnnotationTemplate? Text, IReadOnlyList<string> Tags, SourcePosition Position) : RuleAction(Position)
{
    public override ActionKind Kind => ActionKind.Annotate;
}
