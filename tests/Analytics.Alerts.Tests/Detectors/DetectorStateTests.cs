using Analytics.Alerts.Detectors;
using Analytics.Alerts.Detectors.ChangePoint;
using Analytics.Alerts.Detectors.Spectral;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class DetectorStateTests
{
    [Fact]
    public void State_of_another_detector_is_refused_with_both_names()
    {
        var state = DetectorState.Save(new CusumDetector());
        var ex = Assert.Throws<DetectorStateException>(() => DetectorState.Restore(new SpectralResidualDetector(), state));
        Assert.Equal(DetectorStateProblem.OtherDetector, ex.Problem);
        Assert.Contains("changepoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_saved_under_other_options_is_refused()
    {
        var state = DetectorState.Save(new CusumDetector(new ChangePointOptions { Shift = 2 }));
        var ex = Assert.Throws<DetectorStateException>(() => DetectorState.Restore(new CusumDetector(), state));
        Assert.Equal(DetectorStateProblem.OptionsChanged, ex.Problem);
    }

    [Fact]
    public void Bytes_that_are_not_state_are_refused()
    {
        var ex = Assert.Throws<DetectorStateException>(() => DetectorState.Restore(new CusumDetector(), "{\"not\":\"state\"}"u8));
        Assert.Equal(DetectorStateProblem.NotDetectorState, ex.Problem);
    }

    [Fact]
    public void Truncated_or_padded_state_is_refused()
    {
        var detector = new SpectralResidualDetector();
        SyntheticSeries.Run(detector, SyntheticSeries.Noise(200, 10, 1, seed: 1));
        var state = DetectorState.Save(detector);

        var truncated = Assert.Throws<DetectorStateException>(() => DetectorState.Restore(new SpectralResidualDetector(), state.AsSpan(0, state.Length - 3)));
        Assert.Equal(DetectorStateProblem.Corrupt, truncated.Problem);
        var padded = Assert.Throws<DetectorStateException>(() => DetectorState.Restore(new SpectralResidualDetector(), [.. state, 0]));
        Assert.Equal(DetectorStateProblem.Corrupt, padded.Problem);
    }

    [Fact]
    public void An_unknown_detector_name_lists_the_known_ones()
    {
        var ex = Assert.Throws<UnknownDetectorException>(() => DetectorCatalog.Create("prophet"));
        Assert.Contains(DetectorCatalog.Default, ex.Message, StringComparison.Ordinal);
        Assert.Equal("prophet", ex.Name);
    }
}
