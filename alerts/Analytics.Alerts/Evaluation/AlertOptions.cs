using Analytics.Common;

namespace Analytics.Alerts.Evaluation;

/// <summary>Options of the alert evaluator (<c>analytics alert</c>, and inside <c>analytics demo</c>).</summary>
internal sealed record AlertOptions
{
    public const string Section = "Alerting";

    /// <summary>Rule files or folders (every *.yaml in a folder).</summary>
    public IReadOnlyList<string> Rules { get; init; } = ["alerts/rules"];

    /// <summary>The on-call file: the route tree, the receivers and the action guardrails.</summary>
    public string OnCall { get; init; } = "alerts/oncall.yaml";

    /// <summary>The consumer group whose progress decides when a window is final.</summary>
    public string ConsumerGroup { get; init; } = "analytics-processor";

    /// <summary>Names this evaluator's checkpoints; two evaluators with one name would judge every window twice.</summary>
    public string Evaluator { get; init; } = "default";

    /// <summary>How often the group's progress is read: the bound on the delay after a window is final.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>With no checkpoint, start this far before the group's final boundary, not at the beginning of the data.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>After a longer stop, windows older than this are not judged late: it starts again at the lookback.</summary>
    public TimeSpan MaxCatchUp { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Save the evaluator's checkpoint after this many windows (and on stop).</summary>
    public int CheckpointEvery { get; init; } = 1;

    public AlertOptions Validate()
    {
        const string Component = Section;
        if (Rules.Count == 0)
        {
            throw new OptionsValidationException(Component, nameof(Rules), "must name at least one rule file or folder", "");
        }

        if (string.IsNullOrWhiteSpace(OnCall))
        {
            throw new OptionsValidationException(Component, nameof(OnCall), "must name the on-call file (alerts/oncall.yaml)", OnCall);
        }

        if (string.IsNullOrWhiteSpace(ConsumerGroup))
        {
            throw new OptionsValidationException(Component, nameof(ConsumerGroup), "must be the processor's consumer group", ConsumerGroup);
        }

        if (string.IsNullOrWhiteSpace(Evaluator))
        {
            throw new OptionsValidationException(Component, nameof(Evaluator), "must be a name", Evaluator);
        }

        if (PollInterval < TimeSpan.FromMilliseconds(50))
        {
            throw new OptionsValidationException(Component, nameof(PollInterval), "must be at least 50 ms", PollInterval);
        }

        if (Lookback < TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, nameof(Lookback), "must be zero or more", Lookback);
        }

        if (MaxCatchUp < Lookback)
        {
            throw new OptionsValidationException(Component, nameof(MaxCatchUp), "must be at least the lookback", MaxCatchUp);
        }

        OptionRules.AtLeast(Component, nameof(CheckpointEvery), CheckpointEvery, 1);
        return this;
    }
}
