using Analytics.Alerts.Detectors;
using Analytics.Alerts.Detectors.Calibration;
using Analytics.Alerts.Detectors.ChangePoint;
using Analytics.Alerts.Detectors.Ensemble;
using Analytics.Alerts.Detectors.Rates;
using Analytics.Alerts.Detectors.Seasonal;
using Analytics.Alerts.Detectors.Spectral;
using Analytics.Common;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class OptionsValidationTests
{
    public static TheoryData<string, Action> Broken() => new()
    {
        { "SlotMinutes", () => new SeasonalOptions { SlotMinutes = 7 }.Validate() },
        { "MinCycles", () => new SeasonalOptions { MinCycles = 9 }.Validate() },
        { "Window", () => new SpectralOptions { Window = 100 }.Validate() },
        { "Refresh", () => new SpectralOptions { Refresh = 0 }.Validate() },
        { "SpectrumAverage", () => new SpectralOptions { SpectrumAverage = 4 }.Validate() },
        { "SpreadFactor", () => new ChangePointOptions { SpreadFactor = 1 }.Validate() },
        { "BaselineAlpha", () => new RateOptions { BaselineAlpha = 1.5 }.Validate() },
        { "HistoryAlpha", () => new CalibrationOptions { HistoryAlpha = 0 }.Validate() },
        { "RefractoryPoints", () => new EnsembleOptions { RefractoryPoints = -1 }.Validate() },
        { "WarmUp", () => new EnsembleOptions { Seasonal = new SeasonalOptions { Calibration = new CalibrationOptions { WarmUp = 0 } } }.Validate() },
        { "Alpha", () => new GaussianOptions { Alpha = double.NaN }.Validate() },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_option_is_named_in_the_error(string key, Action validate)
    {
        var ex = Assert.Throws<OptionsValidationException>(validate);
        Assert.Equal(key, ex.Key);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new EnsembleOptions().Validate();
        new RateOptions().Validate();
        new GaussianOptions().Validate();
    }
}
