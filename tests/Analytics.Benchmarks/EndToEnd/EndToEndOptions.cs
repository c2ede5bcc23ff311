using Analytics.Common;
using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>Settings of the end-to-end runner (<c>e2e</c>).</summary>
internal sealed record EndToEndOptions
{
    public const string Component = "benchmarks:e2e";

    public int Events { get; init; } = 2_000_000;

    public int Rounds { get; init; } = 5;

    public int Partitions { get; init; } = 6;

    public ulong Seed { get; init; } = 42;

    /// <summary>Simulated concurrency: it sets how much event time the events span and how many sessions are open at once.</summary>
    public int ConcurrentSessions { get; init; } = 20_000;

    /// <summary>Leave chDB out (for a quick look at the pipeline alone).</summary>
    public bool SkipChDb { get; init; }

    /// <summary>Keep the JSON lines file after the run (it is as large as the events, about 750 MB for 2M).</summary>
    public bool KeepEventsFile { get; init; }

    /// <summary>Measure only these phases (e.g. for profiling one of them); null: all.</summary>
    public IReadOnlyList<string>? Only { get; init; }

    public string OutputDirectory { get; init; } = Harness.ArtifactPaths.DefaultDirectory();

    /// <summary>Clean traffic (no delays, duplicates or junk): every figure is comparable with a plain GROUP BY over the same lines.</summary>
    public SimulatorOptions Simulator => new()
    {
        Seed = Seed,
        ConcurrentSessions = ConcurrentSessions,
        Pacing = SimulationPacing.Unpaced,
        IncludeOversizeMalformed = false,
    };

    public static IReadOnlyList<string> PhaseNames { get; } =
        ["tokens", .. PipelineConfiguration.All.Select(c => c.Name), .. ChDbQueries.Names];

    public bool Selected(string phase) => Only is null || Only.Contains(phase, StringComparer.Ordinal);

    public EndToEndOptions Validate()
    {
        if (Only is not null && (Only.Count == 0 || Only.Any(p => !PhaseNames.Contains(p, StringComparer.Ordinal))))
        {
            throw new OptionsValidationException(Component, "--only", $"must list phases separated by commas, out of {string.Join(", ", PhaseNames)}", Only is null ? null : string.Join(',', Only));
        }

        if (Events is < 1_000 or > 20_000_000)
        {
            throw new OptionsValidationException(Component, "--events", "must be between 1000 and 20000000", Events);
        }

        if (Rounds is < 1 or > 50)
        {
            throw new OptionsValidationException(Component, "--rounds", "must be between 1 and 50", Rounds);
        }

        if (Partitions is < 1 or > 64)
        {
            throw new OptionsValidationException(Component, "--partitions", "must be between 1 and 64", Partitions);
        }

        if (ConcurrentSessions is < 1 or > 1_000_000)
        {
            throw new OptionsValidationException(Component, "--concurrency", "must be between 1 and 1000000", ConcurrentSessions);
        }

        if (string.IsNullOrWhiteSpace(OutputDirectory))
        {
            throw new OptionsValidationException(Component, "--out", "must name a directory", OutputDirectory);
        }

        Simulator.Validate();
        return this;
    }

    public static EndToEndOptions Parse(IReadOnlyList<string> args)
    {
        var r = new Harness.ArgReader(Component, args);
        var defaults = new EndToEndOptions();
        var options = new EndToEndOptions
        {
            Events = r.Int("events", defaults.Events),
            Rounds = r.Int("rounds", defaults.Rounds),
            Partitions = r.Int("partitions", defaults.Partitions),
            Seed = r.ULong("seed", defaults.Seed),
            ConcurrentSessions = r.Int("concurrency", defaults.ConcurrentSessions),
            SkipChDb = r.Flag("no-chdb"),
            KeepEventsFile = r.Flag("keep-events-file"),
            OutputDirectory = r.String("out", defaults.OutputDirectory),
            Only = r.String("only", string.Empty) is { Length: > 0 } only ? only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
        };
        r.RejectUnknown();
        return options.Validate();
    }
}
