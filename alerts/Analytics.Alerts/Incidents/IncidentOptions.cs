using Analytics.Alerts.Rules;
using Analytics.Common;

namespace Analytics.Alerts.Incidents;

/// <summary>How incidents open, repeat, escalate, flap and close. Validated when a manager starts.</summary>
internal sealed record IncidentOptions
{
    private const string Component = "Incidents";

    /// <summary>Consecutive evaluated windows without the root firing before an incident resolves by itself.</summary>
    public int AutoResolveAfterWindows { get; init; } = 3;

    /// <summary>Event time after resolution during which the same problem reopens its incident instead of a new one.</summary>
    public TimeSpan CoolingPeriod { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>More than this many fire/clear changes within <see cref="FlapPeriod"/> make an incident flapping.</summary>
    public int FlapThreshold { get; init; } = 4;

    /// <summary>The event-time span flapping is judged over; an incident is stable again after a span without changes.</summary>
    public TimeSpan FlapPeriod { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often an unacknowledged incident is paged again, by severity (wall time).</summary>
    public IReadOnlyDictionary<Severity, TimeSpan> RepeatIntervals { get; init; } = new Dictionary<Severity, TimeSpan>
    {
        [Severity.P0] = TimeSpan.FromMinutes(5),
        [Severity.P1] = TimeSpan.FromMinutes(10),
        [Severity.P2] = TimeSpan.FromMinutes(30),
        [Severity.P3] = TimeSpan.FromHours(4),
    };

    /// <summary>Dimensions whose single-dimension slices (and the global slice) inhibit pages of the slices inside them.</summary>
    public IReadOnlyList<string> InhibitingDimensions { get; init; } = ["region", "cdn"];

    /// <summary>Dimensions a root cause may be on: the location hierarchy, releases and content.</summary>
    public IReadOnlyList<string> RootDimensions { get; init; } = ["cdn", "pop", "region", "country", "app_version", "title_id"];

    /// <summary>The finest delivery dimensions localisation reads to explain a coarse anomaly.</summary>
    public IReadOnlyList<string> LocalizationDimensions { get; init; } = ["region", "country", "cdn", "pop", "isp", "device_type"];

    /// <summary>Share of the change the chosen culprits must explain together (Adtributor's T_EP).</summary>
    public double LocalizationExplainedShare { get; init; } = 0.67;

    /// <summary>Smallest share of the change one culprit must explain to be named (Adtributor's T_EEP).</summary>
    public double LocalizationMinElementShare { get; init; } = 0.1;

    public TimeSpan RepeatInterval(Severity severity)
        => RepeatIntervals.TryGetValue(severity, out var interval) ? interval : severity.AckDeadline();

    public void Validate()
    {
        OptionRules.AtLeast(Component, nameof(AutoResolveAfterWindows), AutoResolveAfterWindows, 1);
        OptionRules.AtLeast(Component, nameof(FlapThreshold), FlapThreshold, 1);
        Positive(nameof(FlapPeriod), FlapPeriod);
        if (CoolingPeriod < TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, nameof(CoolingPeriod), "must be zero or more", CoolingPeriod);
        }

        foreach (var (severity, interval) in RepeatIntervals)
        {
            Positive($"{nameof(RepeatIntervals)}:{severity}", interval);
        }

        OptionRules.OpenUnitInterval(Component, nameof(LocalizationExplainedShare), LocalizationExplainedShare);
        OptionRules.UnitInterval(Component, nameof(LocalizationMinElementShare), LocalizationMinElementShare);
        if (LocalizationDimensions.Count == 0)
        {
            throw new OptionsValidationException(Component, nameof(LocalizationDimensions), "must name at least one dimension", LocalizationDimensions);
        }
    }

    private static void Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, key, "must be a positive duration", value);
        }
    }
}
