using System.Numerics;
using Analytics.Alerts.Detectors.Calibration;

namespace Analytics.Alerts.Detectors.Spectral;

/// <summary>
/// The spectral residual (SR) stage of Microsoft's SR-CNN, the method behind ML.NET's DetectAnomalyBySrCnn,
/// over a sliding window: the saliency of the newest point against the mean saliency of the points before
/// it. The FFT runs every <see cref="SpectralOptions.Refresh"/> points (amortised O(log window) per point);
/// in between, the saliency is one vectorised dot product over the window (see <see cref="SpectralFilter"/>).
/// </summary>
internal sealed class SpectralResidualDetector : IAnomalyDetector
{
    private readonly SpectralOptions _options;
    private readonly int _real;
    private readonly float[] _buffer;
    private readonly float[] _weights32;
    private readonly double _saliencyAlpha;
    private int _position;
    private long _count;
    private double _meanSaliency;
    private readonly TailCalibrator _calibrator;

    public SpectralResidualDetector(SpectralOptions? options = null)
    {
        _options = options ?? new SpectralOptions();
        _options.Validate();
        _calibrator = new TailCalibrator(_options.Calibration);
        _real = _options.Window - _options.Extrapolated;

        // Each value is written twice, so the window is always one contiguous span. Values and weights are
        // kept as floats: half the state, and a saliency accurate to 1e-6 is plenty for a ratio.
        _buffer = new float[2 * _real];
        _weights32 = new float[_real];
        _saliencyAlpha = 2.0 / (_options.SaliencyAverage + 1);
    }

    public string Name => "spectral";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    /// <summary>The last point's saliency, |(IFFT of the spectral residual)| at the newest real point.</summary>
    public double LastSaliency { get; private set; }

    /// <summary>The last point's SR score, (S − S̄) / S̄, the quantity SR-CNN thresholds.</summary>
    public double LastRatio { get; private set; }

    /// <summary>The last point's calibrated surprise in decades, which the ensemble combines.</summary>
    public double LastSurprise { get; private set; }

    public double Score(long timestampMs, double value)
    {
        if (!double.IsFinite(value))
        {
            MissingPoints++;
            return 0;
        }

        _buffer[_position] = (float)value;
        _buffer[_position + _real] = (float)value;
        _position = (_position + 1) % _real;
        _count++;
        if (_count < _real)
        {
            return 0;
        }

        var window = new ReadOnlySpan<float>(_buffer, _position, _real);
        if ((_count - _real) % _options.Refresh == 0)
        {
            SpectralFilter.Shared(_options).Recompute(window, _weights32);
        }

        var saliency = Math.Abs(Dot(_weights32, window));
        LastSaliency = saliency;
        LastRatio = _meanSaliency > 0 ? (saliency - _meanSaliency) / _meanSaliency : 0;
        _meanSaliency = _count == _real ? saliency : _meanSaliency + (_saliencyAlpha * (saliency - _meanSaliency));
        LastSurprise = _calibrator.Update(Math.Max(LastRatio, 0));
        return TailScore.FromDecades(LastSurprise);
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.WriteAll(_buffer.AsSpan(0, _real));
        writer.WriteAll(_weights32);
        writer.Write(_position);
        writer.Write(_count);
        writer.Write(_meanSaliency);
        _calibrator.Write(writer);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        reader.ReadInto(_buffer.AsSpan(0, _real));
        _buffer.AsSpan(0, _real).CopyTo(_buffer.AsSpan(_real));
        reader.ReadInto(_weights32);
        _position = reader.ReadInt32();
        _count = reader.ReadInt64();
        _meanSaliency = reader.ReadDouble();
        _calibrator.Read(reader);
        MissingPoints = reader.ReadInt64();
    }
}
