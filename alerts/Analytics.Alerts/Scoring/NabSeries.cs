namespace Analytics.Alerts.Scoring;

/// <summary>One labelled series of a corpus: its rows and the layout of its anomaly windows.</summary>
internal sealed record NabSeries(string Key, long[] Timestamps, double[] Values, NabFileLayout Layout)
{
    /// <summary>The folder the file sits in under <c>data/</c>, e.g. <c>realKnownCause</c>.</summary>
    public string Group => Key.Contains('/', StringComparison.Ordinal) ? Key[..Key.LastIndexOf('/')] : string.Empty;
}
