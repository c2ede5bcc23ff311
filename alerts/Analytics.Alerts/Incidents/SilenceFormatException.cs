namespace Analytics.Alerts.Incidents;

/// <summary>A silence or maintenance schedule could not be read (a matcher, a duration, a schedule text).</summary>
internal sealed class SilenceFormatException : IncidentsException
{
    public SilenceFormatException(string text, string reason)
        : base($"\"{text}\" {reason}.")
    {
        Text = text;
        Reason = reason;
    }

    public string Text { get; }

    public string Reason { get; }

    public override bool IsTransient => false;
}
