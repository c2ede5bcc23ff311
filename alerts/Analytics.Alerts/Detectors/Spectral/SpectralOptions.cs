using Analytics.Alerts.Detectors.Calibration;
using Analytics.Common;

namespace Analytics.Alerts.Detectors.Spectral;

/// <summary>Options of the <see cref="SpectralResidualDetector"/>; the defaults are those of the SR-CNN paper.</summary>
internal sealed record SpectralOptions
{
    public const string Component = "Detectors:Spectral";

    /// <summary>Points in the FFT window, a power of two, including the extrapolated ones.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Estimated points appended after the newest, so it is not at the window's edge (κ in the paper).</summary>
    public int Extrapolated { get; init; } = 5;

    /// <summary>Preceding points whose mean slope gives the estimate (m in the paper).</summary>
    public int SlopePoints { get; init; } = 5;

    /// <summary>Width of the moving average over the log amplitude spectrum (q in the paper); odd, so it is centred.</summary>
    public int SpectrumAverage { get; init; } = 3;

    /// <summary>Points of saliency the newest one is compared with (z in the paper).</summary>
    public int SaliencyAverage { get; init; } = 21;

    /// <summary>Points between two recomputations of the spectral filter; 1 recomputes it at every point.</summary>
    public int Refresh { get; init; } = 8;

    public CalibrationOptions Calibration { get; init; } = new();

    public void Validate()
    {
        OptionRules.InRange(Component, nameof(Window), Window, 16, 1024);
        if ((Window & (Window - 1)) != 0)
        {
            throw new OptionsValidationException(Component, nameof(Window), "must be a power of two", Window);
        }

        OptionRules.InRange(Component, nameof(Extrapolated), Extrapolated, 0, Window / 4);
        OptionRules.InRange(Component, nameof(SlopePoints), SlopePoints, 1, Window / 4);
        OptionRules.InRange(Component, nameof(SpectrumAverage), SpectrumAverage, 1, Window / 4);
        if (SpectrumAverage % 2 == 0)
        {
            throw new OptionsValidationException(Component, nameof(SpectrumAverage), "must be odd, so the average is centred on its bin", SpectrumAverage);
        }
        OptionRules.AtLeast(Component, nameof(SaliencyAverage), SaliencyAverage, 1);
        OptionRules.InRange(Component, nameof(Refresh), Refresh, 1, Window);
        Calibration.Validate();
    }
}
