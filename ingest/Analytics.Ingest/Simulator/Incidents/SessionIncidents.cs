namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>
/// The incidents whose slice one session is in, and their effect on it at an event time. Draws
/// come from the session's own incident stream, never from its player stream, so that a session
/// outside every incident's slice or time range plays exactly as without incidents.
/// </summary>
internal sealed class SessionIncidents
{
    private const ulong Stream = 200;

    private readonly Incident[] _incidents;

    // One uniform per incident: the session is hit while rate × strength exceeds it, so a larger
    // share only adds sessions to the affected ones.
    private readonly double[] _draws;
    private SimRandom _rng;

    private SessionIncidents(Incident[] incidents, SimRandom rng)
    {
        _incidents = incidents;
        _rng = rng;
        _draws = new double[incidents.Length];
        for (var i = 0; i < _draws.Length; i++)
        {
            _draws[i] = _rng.NextDouble();
        }
    }

    /// <summary>The session's incidents; null when it is in no incident's slice (premieres act on arrivals instead).</summary>
    public static SessionIncidents? For(IReadOnlyList<Incident> incidents, ulong seed, long index, string region, string isp, Pop pop, string appVersion, string titleId)
    {
        List<Incident>? matching = null;
        foreach (var incident in incidents)
        {
            if (incident.Kind != IncidentKind.Premiere && incident.Matches(region, isp, pop, appVersion, titleId))
            {
                (matching ??= []).Add(incident);
            }
        }

        return matching is null ? null : new SessionIncidents([.. matching], SimRandom.ForStream(seed, Stream, (ulong)index));
    }

    /// <summary>Whether a session arriving at <paramref name="t0"/> never starts (regional drop).</summary>
    public bool Dropped(long t0) => Hit(IncidentKind.RegionalDrop, t0) is not null;

    /// <summary>The error code a start at <paramref name="t0"/> fails with (POP outage, broken title encoding), or null.</summary>
    public string? StartFailure(long t0)
        => (Hit(IncidentKind.PopOutage, t0) ?? Hit(IncidentKind.TitleEncoding, t0))?.Spec.ErrorCode;

    /// <summary>The error code a play whose first frame is at <paramref name="t"/> crashes with later, or null.</summary>
    public string? Crash(long t) => Hit(IncidentKind.AppCrash, t)?.Spec.ErrorCode;

    /// <summary>How many times slower a start at <paramref name="t0"/> is.</summary>
    public double StartupFactor(long t0)
        => Grow(IncidentKind.IspCongestion, "slowdown", t0) * Grow(IncidentKind.CdnCacheMiss, "slowdown", t0);

    /// <summary>How many times more often the session stalls at <paramref name="t"/>.</summary>
    public double StallFactor(long t) => Grow(IncidentKind.IspCongestion, "stalls", t);

    /// <summary>How many times longer its stalls last at <paramref name="t"/> (congested links drain buffers slowly).</summary>
    public double StallLengthFactor(long t)
    {
        var factor = 1.0;
        foreach (var incident in _incidents)
        {
            if (incident.Kind == IncidentKind.IspCongestion)
            {
                factor *= 1 + (0.5 * incident.Strength(t));
            }
        }

        return factor;
    }

    /// <summary>The chance that a heartbeat at <paramref name="t"/> was served from the edge cache.</summary>
    public double CacheHitProbability(double normal, long t)
    {
        var p = normal;
        foreach (var incident in _incidents)
        {
            if (incident.Kind == IncidentKind.CdnCacheMiss)
            {
                var s = incident.Strength(t);
                p = Math.Min(p, (normal * (1 - s)) + (incident.Spec.Knob("hit") * s));
            }
        }

        return p;
    }

    /// <summary>The next instant after <paramref name="t"/> at which the stall rate changes, or long.MaxValue.</summary>
    public long NextRateChange(long t)
    {
        var next = long.MaxValue;
        foreach (var incident in _incidents)
        {
            if (incident.Kind == IncidentKind.IspCongestion)
            {
                next = Math.Min(next, incident.NextChangeAfter(t));
            }
        }

        return next;
    }

    /// <summary>A delay in [min, max] ms from the incident stream (how long a failing start or a crashing play lasts).</summary>
    public long Delay(long minMs, long maxMs) => _rng.NextLong(minMs, maxMs);

    private Incident? Hit(IncidentKind kind, long t)
    {
        for (var i = 0; i < _incidents.Length; i++)
        {
            var incident = _incidents[i];
            if (incident.Kind == kind && _draws[i] < incident.Spec.Knob("rate") * incident.Strength(t))
            {
                return incident;
            }
        }

        return null;
    }

    private double Grow(IncidentKind kind, string knob, long t)
    {
        var factor = 1.0;
        foreach (var incident in _incidents)
        {
            if (incident.Kind == kind)
            {
                factor *= 1 + ((incident.Spec.Knob(knob) - 1) * incident.Strength(t));
            }
        }

        return factor;
    }
}
