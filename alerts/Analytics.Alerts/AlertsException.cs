using Analytics.Common;

namespace Analytics.Alerts;

/// <summary>Base of the alerts area: detectors, their saved state, series input and detector scoring.</summary>
internal abstract class AlertsException : AnalyticsException
{
    protected AlertsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
