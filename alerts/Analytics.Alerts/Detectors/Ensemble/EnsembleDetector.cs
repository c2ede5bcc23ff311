using Analytics.Alerts.Detectors.ChangePoint;
using Analytics.Alerts.Detectors.Seasonal;
using Analytics.Alerts.Detectors.Spectral;

namespace Analytics.Alerts.Detectors.Ensemble;

/// <summary>
/// The production detector: the seasonal baseline, the spectral residual and the change-point CUSUM, each
/// calibrated against the series' own history, combined into one surprise (the strongest, corrected for
/// the number of detectors looking), and reported at onset: after a report, scores not clearly higher are
/// held back for a while, so an incident is one report, not a run of them.
/// </summary>
internal sealed class EnsembleDetector : IAnomalyDetector
{
    private readonly EnsembleOptions _options;
    private readonly SeasonalBaselineDetector _seasonal;
    private readonly SpectralResidualDetector _spectral;
    private readonly CusumDetector _changePoint;
    private readonly double _lookCorrection;
    private double _hold;
    private int _holdFor;

    public EnsembleDetector(EnsembleOptions? options = null)
    {
        _options = options ?? new EnsembleOptions();
        _options.Validate();
        _seasonal = new SeasonalBaselineDetector(_options.Seasonal);
        _spectral = new SpectralResidualDetector(_options.Spectral);
        _changePoint = new CusumDetector(_options.ChangePoint);
        _lookCorrection = Math.Log10(3);
    }

    public string Name => "ensemble";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    /// <summary>The calibrated surprises of the last point, in decades: seasonal, spectral, change point.</summary>
    public (double Seasonal, double Spectral, double ChangePoint) LastSurprises => (_seasonal.LastSurprise, _spectral.LastSurprise, _changePoint.LastSurprise);

    /// <summary>The combined score of the last point before the onset hold: how anomalous the series is now.</summary>
    public double LastLevel { get; private set; }

    public double Score(long timestampMs, double value)
    {
        if (!double.IsFinite(value))
        {
            MissingPoints++;
            return 0;
        }

        _seasonal.Score(timestampMs, value);
        _spectral.Score(timestampMs, value);
        _changePoint.Score(timestampMs, value);
        // The seasonal baseline models the series; the spike and shift detectors must be a hundred times as
        // surprised to speak over it, since on their own they also fire on what the baseline explains.
        var secondary = Math.Max(_spectral.LastSurprise, _changePoint.LastSurprise) - _options.SecondaryDiscount;
        var surprise = Math.Max(_seasonal.LastSurprise, secondary) - _lookCorrection;
        LastLevel = TailScore.FromDecades(surprise);
        return Onset(LastLevel);
    }

    /// <summary>
    /// Reports a level only when it exceeds the hold (the last reported level, kept for
    /// <see cref="EnsembleOptions.RefractoryPoints"/> points and then released) by the renotify margin.
    /// </summary>
    private double Onset(double level)
    {
        if (_holdFor > 0 && --_holdFor == 0)
        {
            _hold = 0;
        }

        // While held, a level must be RenotifyMargin decades rarer than the hold to be reported: a rising
        // run of evidence is one incident, not one report per point that beats the last.
        var bar = _hold > 0 ? TailScore.FromDecades(Decades(_hold) + _options.RenotifyMargin) : 0;
        if (level <= bar)
        {
            return 0;
        }

        _hold = level;
        _holdFor = _options.RefractoryPoints;
        return level;
    }

    /// <summary>The surprise in decades that <see cref="TailScore.FromDecades"/> maps to this level.</summary>
    private static double Decades(double level) => -TailScore.Scale * Math.Log(1 - level);

    public void WriteState(BinaryWriter writer)
    {
        _seasonal.WriteState(writer);
        _spectral.WriteState(writer);
        _changePoint.WriteState(writer);
        writer.Write(_hold);
        writer.Write(_holdFor);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        _seasonal.ReadState(reader);
        _spectral.ReadState(reader);
        _changePoint.ReadState(reader);
        _hold = reader.ReadDouble();
        _holdFor = reader.ReadInt32();
        MissingPoints = reader.ReadInt64();
    }
}
