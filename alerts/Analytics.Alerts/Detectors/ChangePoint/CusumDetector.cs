using Analytics.Alerts.Detectors.Calibration;

namespace Analytics.Alerts.Detectors.ChangePoint;

/// <summary>
/// Page's CUSUM on four log-likelihood ratios of the standardised residual against a robust baseline: the
/// level up or down by <see cref="ChangePointOptions.Shift"/> deviations, and the spread up or down by
/// <see cref="ChangePointOptions.SpreadFactor"/>. A CUSUM of log-likelihood ratios exceeds s with
/// probability at most e^−s under no change, which makes it a surprise in decades. A change that persists
/// accumulates; a spike is clipped. Past the decision level the baseline re-bases on the new regime.
/// </summary>
internal sealed class CusumDetector : IAnomalyDetector
{
    private readonly ChangePointOptions _options;
    private readonly double _varianceUp;
    private readonly double _varianceDown;
    private RobustLevel _baseline;
    private RobustLevel _recent;
    private double _up;
    private double _down;
    private double _wider;
    private double _narrower;
    private readonly TailCalibrator _calibrator;

    public CusumDetector(ChangePointOptions? options = null)
    {
        _options = options ?? new ChangePointOptions();
        _options.Validate();
        _calibrator = new TailCalibrator(_options.Calibration);
        var r2 = _options.SpreadFactor * _options.SpreadFactor;
        _varianceUp = (1 - (1 / r2)) / 2;
        _varianceDown = (r2 - 1) / 2;
    }

    public string Name => "changepoint";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    /// <summary>The largest of the four CUSUMs after the last point (a log-likelihood ratio).</summary>
    public double LastStatistic { get; private set; }

    /// <summary>The last point's calibrated surprise in decades, which the ensemble combines.</summary>
    public double LastSurprise { get; private set; }

    public double Score(long timestampMs, double value)
    {
        if (!double.IsFinite(value))
        {
            MissingPoints++;
            return 0;
        }

        var o = _options;
        if (_baseline.Count >= o.WarmUp)
        {
            var z = Math.Clamp(_baseline.Z(value, 1e-9 * Math.Abs(_baseline.Level)), -o.Clip, o.Clip);
            var shift = o.Shift;
            var logR = Math.Log(o.SpreadFactor);
            _up = Math.Max(0, _up + (shift * z) - (shift * shift / 2));
            _down = Math.Max(0, _down - (shift * z) - (shift * shift / 2));
            _wider = Math.Max(0, _wider + (_varianceUp * z * z) - logR);
            _narrower = Math.Max(0, _narrower - (_varianceDown * z * z) + logR);
            LastStatistic = Math.Max(Math.Max(_up, _down), Math.Max(_wider, _narrower));
        }

        _baseline.Update(value, o.BaselineAlpha, o.Clip);
        _recent.Update(value, 0.1, o.Clip);
        if (LastStatistic > o.DecisionLevel)
        {
            // The change is established: judge what follows against the new regime.
            _baseline.Level = _recent.Level;
            _baseline.Spread = Math.Max(_recent.Spread, 1e-12);
            _up = _down = _wider = _narrower = 0;
        }

        LastSurprise = _calibrator.Update(LastStatistic * 0.43429448190325182765);
        return TailScore.FromDecades(LastSurprise);
    }

    public void WriteState(BinaryWriter writer)
    {
        _baseline.Write(writer);
        _recent.Write(writer);
        writer.Write(_up);
        writer.Write(_down);
        writer.Write(_wider);
        writer.Write(_narrower);
        writer.Write(LastStatistic);
        _calibrator.Write(writer);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        _baseline.Read(reader);
        _recent.Read(reader);
        _up = reader.ReadDouble();
        _down = reader.ReadDouble();
        _wider = reader.ReadDouble();
        _narrower = reader.ReadDouble();
        LastStatistic = reader.ReadDouble();
        _calibrator.Read(reader);
        MissingPoints = reader.ReadInt64();
    }
}
