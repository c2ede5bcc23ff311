using Analytics.Common;
using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.Kafka;

/// <summary>Settings of the through-Kafka benchmark (<c>kafka</c>).</summary>
internal sealed record KafkaBenchOptions
{
    public const string Component = "benchmarks:kafka";

    public int Events { get; init; } = 1_000_000;

    public int Rounds { get; init; } = 3;

    public int Partitions { get; init; } = 40;

    public ulong Seed { get; init; } = 42;

    /// <summary>Simulated concurrency of the pre-produced topic; with the event count it sets the event time spanned.</summary>
    public int ConcurrentSessions { get; init; } = 20_000;

    /// <summary>Live beacons per second in the latency phase.</summary>
    public int Rate { get; init; } = 50_000;

    /// <summary>How long the latency phase samples beacons (0: no latency phase).</summary>
    public int LatencySeconds { get; init; } = 90;

    /// <summary>Host the mock cluster in this process instead of a child `analytics broker`.</summary>
    public bool InProcessBroker { get; init; }

    public string OutputDirectory { get; init; } = Harness.ArtifactPaths.DefaultDirectory();

    /// <summary>
    /// Sessions start spread evenly over the whole span, as in a steady hour, rather than in one burst;
    /// the span is what lets <see cref="Events"/> beacons come out of <see cref="ConcurrentSessions"/>
    /// sessions while concurrency ramps from 0 (about half the target on average).
    /// </summary>
    public TimeSpan EventTimeSpan => TimeSpan.FromSeconds(Math.Clamp(
        Math.Ceiling(2.0 * Events / (TrafficGenerator.EventsPerSessionSecond * ConcurrentSessions)), 60, 3600));

    /// <summary>
    /// Clean, unpaced traffic from 20:00 UTC (a busy evening hour; the diurnal curve has no weekday, so
    /// every run gets the same traffic) on the latest day it has already ended: the fact tables keep 7 days.
    /// </summary>
    public SimulatorOptions PreProduced(long nowMs)
    {
        const long Day = 24 * 3_600_000L;
        var span = (long)EventTimeSpan.TotalMilliseconds;
        var start = (nowMs / Day * Day) + (20 * 3_600_000L);
        while (start + span > nowMs)
        {
            start -= Day;
        }

        return new SimulatorOptions
        {
            Seed = Seed,
            ConcurrentSessions = ConcurrentSessions,
            StartTimeMs = start,
            RampUp = EventTimeSpan,
            MaxEvents = Events,
            Pacing = SimulationPacing.Unpaced,
            IncludeOversizeMalformed = false,
        };
    }

    /// <summary>Clean live traffic at <see cref="Rate"/>, from now on.</summary>
    public SimulatorOptions Live => new()
    {
        Seed = Seed + 1,
        EventsPerSecond = Rate,
        Pacing = SimulationPacing.RealTime,
        IncludeOversizeMalformed = false,
    };

    public KafkaBenchOptions Validate()
    {
        Check(Events is >= 1_000 and <= 20_000_000, "--events", "must be between 1000 and 20000000", Events);
        Check(Rounds is >= 1 and <= 50, "--rounds", "must be between 1 and 50", Rounds);
        Check(Partitions is >= 1 and <= 1000, "--partitions", "must be between 1 and 1000", Partitions);
        Check(ConcurrentSessions is >= 1 and <= 1_000_000, "--concurrency", "must be between 1 and 1000000", ConcurrentSessions);
        Check(Rate is >= 100 and <= 1_000_000, "--rate", "must be between 100 and 1000000", Rate);
        Check(LatencySeconds is 0 or (>= 10 and <= 3600), "--latency-seconds", "must be 0 (skip) or between 10 and 3600", LatencySeconds);
        Check(!string.IsNullOrWhiteSpace(OutputDirectory), "--out", "must name a directory", OutputDirectory);
        PreProduced(SimulatorOptions.DefaultStartTimeMs + (2L * 24 * 3_600_000)).Validate();
        Live.Validate();
        return this;
    }

    public static KafkaBenchOptions Parse(IReadOnlyList<string> args)
    {
        var r = new Harness.ArgReader(Component, args);
        var d = new KafkaBenchOptions();
        var options = new KafkaBenchOptions
        {
            Events = r.Int("events", d.Events),
            Rounds = r.Int("rounds", d.Rounds),
            Partitions = r.Int("partitions", d.Partitions),
            Seed = r.ULong("seed", d.Seed),
            ConcurrentSessions = r.Int("concurrency", d.ConcurrentSessions),
            Rate = r.Int("rate", d.Rate),
            LatencySeconds = r.Int("latency-seconds", d.LatencySeconds),
            InProcessBroker = r.Flag("in-process-broker"),
            OutputDirectory = r.String("out", d.OutputDirectory),
        };
        r.RejectUnknown();
        return options.Validate();
    }

    private static void Check(bool ok, string key, string rule, object? value)
    {
        if (!ok)
        {
            throw new OptionsValidationException(Component, key, rule, value);
        }
    }
}
