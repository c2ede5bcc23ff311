namespace Analytics.Alerts.Detectors;

/// <summary>
/// The classic z-score against an exponentially weighted mean and variance: the "windowed Gaussian" of
/// NAB in O(1) state. It is not robust to its own anomalies; it is here as the baseline.
/// </summary>
internal sealed class GaussianDetector : IAnomalyDetector
{
    private readonly GaussianOptions _options;
    private double _mean;
    private double _variance;
    private long _count;

    public GaussianDetector(GaussianOptions? options = null)
    {
        _options = options ?? new GaussianOptions();
        _options.Validate();
    }

    public string Name => "gaussian";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    public double Score(long timestampMs, double value)
    {
        if (!double.IsFinite(value))
        {
            MissingPoints++;
            return 0;
        }

        var score = 0.0;
        var delta = value - _mean;
        if (_count >= _options.WarmUp)
        {
            var sd = Math.Sqrt(_variance);
            score = sd > 0 ? TailScore.FromTail(TailScore.NormalTwoSided(delta / sd)) : (delta == 0 ? 0 : 1);
        }

        // Welford for the first points, then exponential weighting.
        _count++;
        var alpha = Math.Max(_options.Alpha, 1.0 / _count);
        _mean += alpha * delta;
        _variance = (1 - alpha) * (_variance + alpha * delta * delta);
        return score;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_mean);
        writer.Write(_variance);
        writer.Write(_count);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
        _count = reader.ReadInt64();
        MissingPoints = reader.ReadInt64();
    }
}
