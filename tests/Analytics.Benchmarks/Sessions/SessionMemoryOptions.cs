using Analytics.Common;

namespace Analytics.Benchmarks.Sessions;

/// <summary>Settings of the memory-per-session measurement (<c>sessions</c>).</summary>
internal sealed record SessionMemoryOptions
{
    public const string Component = "benchmarks:sessions";

    public int Sessions { get; init; } = 1_000_000;

    /// <summary>An intermediate count measured on the way, so the fixed cost separates from the per-session cost.</summary>
    public int Checkpoint { get; init; } = 100_000;

    /// <summary>
    /// Heartbeats per session after play_request and first_frame. 1: the measurement. About 24 (four
    /// minutes of event time) reaches the steady state, where each session holds the beacons of the allowed
    /// lateness and windows are purged as they become final.
    /// </summary>
    public int Heartbeats { get; init; } = 1;

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

        if (Heartbeats is < 1 or > 360)
        {
            throw new OptionsValidationException(Component, "--heartbeats", "must be between 1 and 360 (one hour of event time)", Heartbeats);
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
            Heartbeats = r.Int("heartbeats", defaults.Heartbeats),
            Seed = r.ULong("seed", defaults.Seed),
            OutputDirectory = r.String("out", defaults.OutputDirectory),
        };
        r.RejectUnknown();
        return options.Validate();
    }
}
