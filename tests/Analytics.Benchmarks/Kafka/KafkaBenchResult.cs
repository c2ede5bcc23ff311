using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.Kafka;

/// <summary>Everything one <c>kafka</c> run measured; serialized as the JSON summary and rendered as tables.</summary>
internal sealed record KafkaBenchResult
{
    public required DateTimeOffset StartedUtc { get; init; }

    public required string Command { get; init; }

    public required MachineInfo Machine { get; init; }

    public required KafkaBenchOptions Settings { get; init; }

    public required string Broker { get; init; }

    public required string ChDbVersion { get; init; }

    public required LoadedTopic Topic { get; init; }

    public required IReadOnlyList<PhaseSamples> Phases { get; init; }

    public required IReadOnlyList<TotalsCheck> Totals { get; init; }

    public LatencyResult? Latency { get; init; }
}

/// <summary>A phase's samples, one per round.</summary>
internal sealed record PhaseSamples(string Name, string Description, List<KafkaSample> Samples)
{
    public Stats Rate => Stats.Of(Samples.Select(s => s.Messages / s.Elapsed.TotalSeconds).ToArray());

    public Stats RatePerCpuSecond => Stats.Of(Samples.Select(s => s.Messages / s.Cpu.TotalSeconds).ToArray());

    public Stats CpuPerWall => Stats.Of(Samples.Select(s => s.Cpu / s.Elapsed).ToArray());

    public Stats Rows => Stats.Of(Samples.Select(s => (double)s.Rows).ToArray());

    public Stats RowsPerSecond => Stats.Of(Samples.Select(s => s.Rows / s.Elapsed.TotalSeconds).ToArray());

    public Stats Startup => Stats.Of(Samples.Select(s => s.Startup.TotalSeconds).ToArray());

    public Stats Tail => Stats.Of(Samples.Select(s => s.Tail.TotalSeconds).ToArray());

    public Stats Bytes => Stats.Of(Samples.Select(s => (double)s.Bytes).ToArray());

    public Stats CheckpointBytes => Stats.Of(Samples.Select(s => (double)s.CheckpointBytes).ToArray());
}

/// <summary>Totals of one chdb run read back (1 min delivery rows, FINAL), against the counts of the produced beacons.</summary>
internal sealed record TotalsCheck(string Phase, int Round, long Attempts, long Plays, long ExpectedAttempts, long ExpectedPlays)
{
    public bool Agrees => Attempts == ExpectedAttempts && Plays == ExpectedPlays;
}
