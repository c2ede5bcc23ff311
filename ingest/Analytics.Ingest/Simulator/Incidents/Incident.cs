namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>
/// An <see cref="IncidentSpec"/> pinned to event time: the ground truth a backtest scores detections
/// against, and the effect's size at any instant for the generator.
/// </summary>
internal sealed record Incident(IncidentSpec Spec, long StartMs, long EndMs)
{
    public IncidentKind Kind => Spec.Kind;

    /// <summary>The affected slice, e.g. {"pop": "iad-2"}.</summary>
    public IReadOnlyDictionary<string, string> Slice => Spec.Slice;

    /// <summary>Wider slices that contain it (a POP's CDN, an ISP's country).</summary>
    public IReadOnlyDictionary<string, string> Parents => Spec.Parents;

    public string Metric => Spec.Metric;

    /// <summary>The first moment the effect has reached half its size: start + ramp / 2.</summary>
    public long EffectiveOnsetMs => StartMs + (Spec.RampMs / 2);

    /// <summary>How much of the effect applies at an event time: 0 outside [start, end), rising linearly over the ramp to 1.</summary>
    public double Strength(long t)
    {
        if (t < StartMs || t >= EndMs)
        {
            return 0;
        }

        return Spec.RampMs == 0 ? 1 : Math.Min(1, (t - StartMs) / (double)Spec.RampMs);
    }

    /// <summary>
    /// The next instant after <paramref name="t"/> at which a rate effect changes: the start, quarter
    /// steps of the ramp, the end. Sessions redraw their waiting times there so rate effects apply on time.
    /// </summary>
    public long NextChangeAfter(long t)
    {
        var ramp = Spec.RampMs;
        Span<long> points = [StartMs, StartMs + (ramp / 4), StartMs + (ramp / 2), StartMs + (3 * ramp / 4), StartMs + ramp, EndMs];
        foreach (var p in points)
        {
            if (p > t)
            {
                return p;
            }
        }

        return long.MaxValue;
    }

    /// <summary>Whether a session with these dimensions is in the incident's slice.</summary>
    public bool Matches(string region, string isp, Pop pop, string appVersion, string titleId) => Spec.Info.Dimension switch
    {
        "pop" => pop.Name == Spec.Value,
        "cdn" => pop.Cdn == Spec.Value,
        "isp" => isp == Spec.Value,
        "region" => region == Spec.Value,
        "app_version" => appVersion == Spec.Value,
        "title_id" => titleId == Spec.Value,
        _ => false,
    };

    public override string ToString() => $"{Spec.Text} [{StartMs}, {EndMs})";
}
