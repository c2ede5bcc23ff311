using Analytics.Common;
using Analytics.Ingest.Simulator.Incidents;

namespace Analytics.Ingest.Simulator;

/// <summary>How <see cref="SimulationRunner"/> paces delivery.</summary>
internal enum SimulationPacing
{
    /// <summary>Each message is sent when the clock reaches its delivery time (scaled by <see cref="SimulatorOptions.Speed"/>).</summary>
    RealTime,

    /// <summary>As fast as the sink accepts.</summary>
    Unpaced,
}

/// <summary>Options of the device simulator. Every delivery knob defaults to 0 (clean traffic).</summary>
internal sealed record SimulatorOptions
{
    public const string Component = "simulator";

    /// <summary>Used when neither <see cref="ConcurrentSessions"/> nor <see cref="EventsPerSecond"/> is set.</summary>
    public const int DefaultConcurrentSessions = 1000;

    /// <summary>2026-01-15T00:00:00Z: the start of in-memory runs that give no start time.</summary>
    public const long DefaultStartTimeMs = 1_768_435_200_000;

    public ulong Seed { get; init; } = 1;

    /// <summary>Target number of live sessions at the start; it then follows the diurnal curve. Exclusive with <see cref="EventsPerSecond"/>.</summary>
    public int? ConcurrentSessions { get; init; }

    /// <summary>Target event rate at the start, converted to concurrency with <see cref="TrafficGenerator.EventsPerSessionSecond"/>.</summary>
    public double? EventsPerSecond { get; init; }

    /// <summary>Event time of the start in ms since the epoch. Null: <see cref="DefaultStartTimeMs"/> in memory, now for the runner.</summary>
    public long? StartTimeMs { get; init; }

    /// <summary>Stop generating events whose event time is at or after start + Duration. Null: no limit.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many original valid beacons (duplicates and malformed extras not counted). Null: no limit.</summary>
    public long? MaxEvents { get; init; }

    /// <summary>Initial sessions start spread over this period, so traffic shows at once but not all in one burst.</summary>
    public TimeSpan RampUp { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Whether the target concurrency follows the diurnal curve (false: constant).</summary>
    public bool FollowDiurnalCurve { get; init; } = true;

    public int TitleCount { get; init; } = 1000;

    /// <summary>Fraction of beacons delivered up to <see cref="MaxOutOfOrderDelay"/> late (within the processor's out-of-orderness bound).</summary>
    public double OutOfOrderFraction { get; init; }

    public TimeSpan MaxOutOfOrderDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Fraction of beacons delivered between <see cref="LateDelayMin"/> and <see cref="LateDelayMax"/> late (beyond the bound, within allowed lateness).</summary>
    public double LateFraction { get; init; }

    public TimeSpan LateDelayMin { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan LateDelayMax { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Fraction of beacons delivered between <see cref="TooLateDelayMin"/> and <see cref="TooLateDelayMax"/> late (beyond allowed lateness).</summary>
    public double TooLateFraction { get; init; }

    public TimeSpan TooLateDelayMin { get; init; } = TimeSpan.FromMinutes(3);

    public TimeSpan TooLateDelayMax { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Fraction of beacons sent a second time (same bytes) up to <see cref="MaxDuplicateDelay"/> after the first copy.</summary>
    public double DuplicateFraction { get; init; }

    public TimeSpan MaxDuplicateDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra invalid messages per valid beacon. They never replace a valid beacon.</summary>
    public double MalformedFraction { get; init; }

    /// <summary>Whether malformed extras may include over-size (64 KiB+) messages; off keeps memory low in big runs.</summary>
    public bool IncludeOversizeMalformed { get; init; } = true;

    public SimulationPacing Pacing { get; init; } = SimulationPacing.RealTime;

    /// <summary>Real-time pacing speed-up: 1 = real time, 10 = ten times faster.</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>How often the runner reports progress (clock time).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Injected incidents and premieres as <see cref="IncidentSpec"/> texts, e.g. "pop-outage:pop=iad-2,at=2m,for=5m".
    /// Items split at commas by a configuration layer are joined back (see <see cref="IncidentSpec.ParseAll"/>).
    /// </summary>
    public IReadOnlyList<string> Incidents { get; init; } = [];

    public void Validate()
    {
        if (ConcurrentSessions is not null && EventsPerSecond is not null)
        {
            throw Invalid(nameof(ConcurrentSessions), "must not be set together with EventsPerSecond; give one of them", ConcurrentSessions);
        }

        if (ConcurrentSessions is { } n && n is < 1 or > 10_000_000)
        {
            throw Invalid(nameof(ConcurrentSessions), "must be between 1 and 10000000", n);
        }

        if (EventsPerSecond is { } rate && !(rate > 0 && rate <= 10_000_000))
        {
            throw Invalid(nameof(EventsPerSecond), "must be greater than 0 and at most 10000000", rate);
        }

        if (StartTimeMs is { } start && start is < Events.EventDecoder.MinTimestampMs or >= Events.EventDecoder.MaxTimestampMs - (400L * 24 * 3_600_000))
        {
            throw Invalid(nameof(StartTimeMs), "must be a time between 2000-01-01 and 2098 in ms since the epoch", start);
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            throw Invalid(nameof(Duration), "must be positive", d);
        }

        if (MaxEvents is { } max && max < 1)
        {
            throw Invalid(nameof(MaxEvents), "must be at least 1", max);
        }

        if (RampUp < TimeSpan.Zero || RampUp > TimeSpan.FromHours(1))
        {
            throw Invalid(nameof(RampUp), "must be between 0 and 1 hour", RampUp);
        }

        if (TitleCount is < 1 or > 999_999)
        {
            throw Invalid(nameof(TitleCount), "must be between 1 and 999999", TitleCount);
        }

        Fraction(nameof(OutOfOrderFraction), OutOfOrderFraction);
        Fraction(nameof(LateFraction), LateFraction);
        Fraction(nameof(TooLateFraction), TooLateFraction);
        Fraction(nameof(DuplicateFraction), DuplicateFraction);
        Fraction(nameof(MalformedFraction), MalformedFraction);
        var delayed = OutOfOrderFraction + LateFraction + TooLateFraction;
        if (delayed > 1)
        {
            throw Invalid("OutOfOrderFraction + LateFraction + TooLateFraction", "must be at most 1 (each beacon gets one delivery kind)", delayed);
        }

        Positive(nameof(MaxOutOfOrderDelay), MaxOutOfOrderDelay);
        Positive(nameof(LateDelayMin), LateDelayMin);
        Positive(nameof(TooLateDelayMin), TooLateDelayMin);
        Positive(nameof(MaxDuplicateDelay), MaxDuplicateDelay);
        if (LateDelayMax < LateDelayMin)
        {
            throw Invalid(nameof(LateDelayMax), $"must be at least LateDelayMin ({LateDelayMin})", LateDelayMax);
        }

        if (TooLateDelayMax < TooLateDelayMin)
        {
            throw Invalid(nameof(TooLateDelayMax), $"must be at least TooLateDelayMin ({TooLateDelayMin})", TooLateDelayMax);
        }

        if (TooLateDelayMax > TimeSpan.FromDays(1))
        {
            throw Invalid(nameof(TooLateDelayMax), "must be at most 1 day", TooLateDelayMax);
        }

        if (!Enum.IsDefined(Pacing))
        {
            throw Invalid(nameof(Pacing), "must be RealTime or Unpaced", Pacing);
        }

        if (!(Speed > 0 && Speed <= 1_000_000))
        {
            throw Invalid(nameof(Speed), "must be greater than 0 and at most 1000000", Speed);
        }

        if (ProgressInterval <= TimeSpan.Zero)
        {
            throw Invalid(nameof(ProgressInterval), "must be positive", ProgressInterval);
        }

        _ = ParseIncidents();
    }

    /// <summary>The parsed <see cref="Incidents"/>; an invalid one is reported as an invalid setting that says what to write.</summary>
    public IReadOnlyList<IncidentSpec> ParseIncidents()
    {
        try
        {
            return IncidentSpec.ParseAll(Incidents, TitleCount);
        }
        catch (IncidentSpecException ex)
        {
            throw Invalid(nameof(Incidents), $"has an invalid entry: {ex.Problem}", ex.Spec);
        }
    }

    /// <summary>The concurrency target at the start, from whichever knob was given.</summary>
    public int ResolveConcurrentSessions() => ConcurrentSessions
        ?? (EventsPerSecond is { } rate ? Math.Max(1, (int)Math.Ceiling(rate / TrafficGenerator.EventsPerSessionSecond)) : DefaultConcurrentSessions);

    private static void Fraction(string key, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw Invalid(key, "must be a fraction between 0 and 1", value);
        }
    }

    private static void Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw Invalid(key, "must be positive", value);
        }
    }

    private static OptionsValidationException Invalid(string key, string rule, object? value) => new(Component, key, rule, value);
}
