using Analytics.Ingest;

namespace Analytics.Benchmarks.Sessions;

/// <summary>Settings of the memory-per-session measurement (<c>sessions</c>).</summary>
internal sealed record SessionMemoryOptions
{
    public const string Component = "benchmarks:sessions";

    public int Sessions { get; init; } = 1_000_000;

    /// <summary>An intermediate count measured on the way, so the fixed cost separates from the per-session cost.</summary>
    public int Checkpoint { get; init; } = 100_000;

    public ulong Seed { get; init; } = 42;

    public string OutputDirectory { get; init; } = Harness.ArtifactPaths.DefaultDirectory();

    public SessionMemoryOptions Validate()
    {
        if (Sessions is < 1_000 or > 5_000_000)
        {
            throw new OptionsValidationException(Component, "--sessions", "must be between 1000 and 5000000", Sessions);
        }

        if (Checkpoint < 1 || Checkpoint >= Sessions)
        {
            throw new OptionsValidationException(Component, "--checkpoint", $"must be at least 1 and below --sessions ({Sessions})", Checkpoint);
        }

        return this;
    }

    public static SessionMemoryOptions Parse(IReadOnlyList<string> args)
    {
        var r = new Harness.ArgReader(Component, args);
        var defaults = new SessionMemoryOptions();
        var sessions = r.Int("sessions", defaults.Sessions);
        var options = new SessionMemoryOptions
        {
            Sessions = sessions,
            Checkpoint = r.Int("checkpoint", Math.Min(defaults.Checkpoint, Math.Max(1, sessions / 10))),
            Seed = r.ULong("seed", defaults.Seed),
            OutputDirectory = r.String("out", defaults.OutputDirectory),
        };
        r.RejectUnknown();
        return options.Validate();
    }
}
