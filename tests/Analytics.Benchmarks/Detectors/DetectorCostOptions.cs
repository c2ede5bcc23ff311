using Analytics.Common;

namespace Analytics.Benchmarks.Detectors;

/// <summary>Settings of the per-point cost and state-size measurement (<c>detectors</c>).</summary>
internal sealed record DetectorCostOptions
{
    public const string Component = "benchmarks:detectors";

    /// <summary>Points each detector scores per round, in each mode.</summary>
    public int Points { get; init; } = 2_000_000;

    /// <summary>Series scored side by side in the live mode, one point each in turn, as 10-second windows arrive.</summary>
    public int Series { get; init; } = 10_000;

    public int Rounds { get; init; } = 5;

    public string OutputDirectory { get; init; } = Harness.ArtifactPaths.DefaultDirectory();

    public DetectorCostOptions Validate()
    {
        OptionRules.InRange(Component, "--points", Points, 100_000, 100_000_000);
        OptionRules.InRange(Component, "--series", Series, 1, 1_000_000);
        OptionRules.InRange(Component, "--rounds", Rounds, 1, 50);
        if (Points / Series < 2_000)
        {
            throw new OptionsValidationException(Component, "--series", "must leave at least 2000 points per series, past every warm-up", Series);
        }

        return this;
    }

    public static DetectorCostOptions Parse(IReadOnlyList<string> args)
    {
        var r = new Harness.ArgReader(Component, args);
        var defaults = new DetectorCostOptions();
        var options = new DetectorCostOptions
        {
            Points = r.Int("points", defaults.Points),
            Series = r.Int("series", defaults.Series),
            Rounds = r.Int("rounds", defaults.Rounds),
            OutputDirectory = r.String("out", defaults.OutputDirectory),
        };
        r.RejectUnknown();
        return options.Validate();
    }
}
