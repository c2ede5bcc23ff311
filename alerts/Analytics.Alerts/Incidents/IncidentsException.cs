namespace Analytics.Alerts.Incidents;

/// <summary>Base of the incident layer's errors: unknown incidents, bad silences, unreadable stored state.</summary>
internal abstract class IncidentsException : AlertsException
{
    protected IncidentsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
