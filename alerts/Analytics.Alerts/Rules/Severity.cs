namespace Analytics.Alerts.Rules;

/// <summary>Incident severity, as on-call knows it: P0 is the most urgent.</summary>
internal enum Severity
{
    /// <summary>Service down: acknowledge within 5 minutes.</summary>
    P0 = 0,

    /// <summary>Degradation: acknowledge within 15 minutes.</summary>
    P1 = 1,

    /// <summary>Capacity: acknowledge within 1 hour.</summary>
    P2 = 2,

    /// <summary>Maintenance: acknowledge within 24 hours.</summary>
    P3 = 3,
}

internal static class Severities
{
    /// <summary>How long an incident of this severity may stay unacknowledged before it escalates.</summary>
    public static TimeSpan AckDeadline(this Severity s) => s switch
    {
        Severity.P0 => TimeSpan.FromMinutes(5),
        Severity.P1 => TimeSpan.FromMinutes(15),
        Severity.P2 => TimeSpan.FromHours(1),
        _ => TimeSpan.FromHours(24),
    };

    public static bool TryParse(string text, out Severity severity)
        => Enum.TryParse(text.Trim(), ignoreCase: true, out severity) && Enum.IsDefined(severity);
}
