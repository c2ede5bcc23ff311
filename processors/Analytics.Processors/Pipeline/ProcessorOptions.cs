using Analytics.Common;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Pipeline;

/// <summary>Event-time and sessionization settings of the processor. Defaults live here only.</summary>
internal sealed record ProcessorOptions
{
    public const string Section = "Processor";

    /// <summary>Tumbling window sizes computed at once; each needs its ClickHouse tables (qoe_*_{size}).</summary>
    public IReadOnlyList<TimeSpan> Windows { get; init; } = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)];

    /// <summary>How far behind the newest beacon the watermark trails: the out-of-orderness tolerated before a beacon is late.</summary>
    public TimeSpan OutOfOrderness { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after firing a window can still be corrected by late beacons.</summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A session without a beacon for this long has ended (at its last beacon).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A partition without messages for this long stops holding back the others' event time.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an ended session's id is remembered, so stray beacons are recognised as after its end.</summary>
    public TimeSpan EndedSessionRetention { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The grouping sets written, by name (see <see cref="Cube"/>).</summary>
    public IReadOnlyList<string> Cubes { get; init; } = Cube.All.Select(c => c.Name).ToArray();

    /// <summary>
    /// When several window sizes run, the cubes that also get the smallest (the NOC's 10 s view); the
    /// others get only the larger sizes. Client and content slices are analysis views: at 10 s they
    /// would write more rows than there are beacons.
    /// </summary>
    public IReadOnlyList<string> NocCubes { get; init; } = [Cube.Delivery.Name];

    /// <summary>Processing threads; partitions are spread over them.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How often partition state is checkpointed so offsets can be committed.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the processor writes its own figures to <c>pipeline_health</c>.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Names this processor instance in dead letters and logs.</summary>
    public string InstanceId { get; init; } = Environment.MachineName;

    public IReadOnlyList<Cube> ResolveCubes() => Cubes.Select(Cube.Parse).ToArray();

    public WindowSizes ResolveWindows() => new(Windows);

    /// <summary>Per window size (smallest first), the indexes into <see cref="ResolveCubes"/> computed at that size.</summary>
    public int[][] CubesBySize()
    {
        var sizes = ResolveWindows();
        return Enumerable.Range(0, sizes.Count)
            .Select(s => Enumerable.Range(0, Cubes.Count).Where(c => sizes.Count == 1 || s > 0 || NocCubes.Contains(Cubes[c])).ToArray())
            .ToArray();
    }

    public ProcessorOptions Validate()
    {
        const string Component = "Processor";
        if (Windows.Count is 0 or > WindowSizes.MaxSizes)
        {
            throw new OptionsValidationException(Component, nameof(Windows), $"must list between 1 and {WindowSizes.MaxSizes} window sizes", Windows);
        }

        foreach (var w in Windows)
        {
            if (w < TimeSpan.FromSeconds(1) || w.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                throw new OptionsValidationException(Component, nameof(Windows), "must be whole seconds of at least 1 s", w);
            }
        }

        if (Windows.Distinct().Count() != Windows.Count)
        {
            throw new OptionsValidationException(Component, nameof(Windows), "must not repeat a size", Windows);
        }

        var sizes = ResolveWindows();
        var pane = TimeSpan.FromMilliseconds(sizes.PaneMs);
        if (OutOfOrderness < TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, nameof(OutOfOrderness), "must not be negative", OutOfOrderness);
        }

        if (SessionTimeout < TimeSpan.FromSeconds(1))
        {
            throw new OptionsValidationException(Component, nameof(SessionTimeout), "must be at least 1 s", SessionTimeout);
        }

        if (AllowedLateness < TimeSpan.Zero || AllowedLateness.Ticks % pane.Ticks != 0)
        {
            throw new OptionsValidationException(Component, nameof(AllowedLateness), $"must be a non-negative multiple of the pane {pane} (the greatest common divisor of the window sizes)", AllowedLateness);
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, nameof(IdleTimeout), "must be positive", IdleTimeout);
        }

        if (EndedSessionRetention < TimeSpan.Zero)
        {
            throw new OptionsValidationException(Component, nameof(EndedSessionRetention), "must not be negative", EndedSessionRetention);
        }

        if (Cubes.Count == 0)
        {
            throw new OptionsValidationException(Component, nameof(Cubes), "must name at least one cube", Cubes);
        }

        foreach (var name in Cubes)
        {
            if (!Cube.All.Any(k => k.Name == name))
            {
                throw new OptionsValidationException(Component, nameof(Cubes), $"must name known cubes ({string.Join(", ", Cube.All.Select(k => k.Name))})", name);
            }
        }

        foreach (var name in NocCubes)
        {
            if (!Cubes.Contains(name))
            {
                throw new OptionsValidationException(Component, nameof(NocCubes), $"must name cubes that are computed ({string.Join(", ", Cubes)})", name);
            }
        }

        if (Workers is < 1 or > 64)
        {
            throw new OptionsValidationException(Component, nameof(Workers), "must be between 1 and 64", Workers);
        }

        if (CheckpointInterval < TimeSpan.FromSeconds(1))
        {
            throw new OptionsValidationException(Component, nameof(CheckpointInterval), "must be at least 1 s", CheckpointInterval);
        }

        if (HealthInterval < TimeSpan.FromSeconds(1))
        {
            throw new OptionsValidationException(Component, nameof(HealthInterval), "must be at least 1 s", HealthInterval);
        }

        if (string.IsNullOrWhiteSpace(InstanceId))
        {
            throw new OptionsValidationException(Component, nameof(InstanceId), "must not be empty", InstanceId);
        }

        return this;
    }
}
