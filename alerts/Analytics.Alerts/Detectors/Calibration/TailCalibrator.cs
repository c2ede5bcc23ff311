using System.Numerics;

namespace Analytics.Alerts.Detectors.Calibration;

/// <summary>
/// Puts a detector's surprise on a scale that means the same on every series: the probability, under this
/// series' own recent history of surprises, of one at least as large. The history is a small decaying
/// histogram on a log scale, so a surprise that recurs every hundred points is worth about two decades
/// whatever its size, and a series whose model is always a little wrong stops paging. Past the largest
/// surprise the history holds, the tail's own slope is continued (at most
/// <see cref="CalibrationOptions.BeyondGain"/> decades per doubling): a heavy-tailed series, whose records
/// often overshoot, gains little from one; a light-tailed one gains more.
/// </summary>
internal sealed class TailCalibrator
{
    private const int Bins = 40;
    private readonly CalibrationOptions _options;
    private readonly float[] _counts = new float[Bins];
    private float _total;

    // Counts are kept multiplied by _scale, which grows by 1/(1 − alpha) a point: decaying every count
    // is then one multiplication, not forty. Rescaled before floats run out.
    private float _scale = 1;
    private long _count;

    public TailCalibrator(CalibrationOptions options)
    {
        _options = options;
    }

    /// <summary>Calibrated surprise of <paramref name="surprise"/>, in decades; 0 during warm-up.</summary>
    public double Update(double surprise)
    {
        var position = Math.Log2(1 + Math.Max(surprise, 0)) * _options.BinsPerOctave;
        var bin = Math.Min((int)position, Bins - 1);
        double decades = 0;
        _count++;
        if (_count > _options.WarmUp)
        {
            // Share of the history at or above this surprise's bin: its whole bin counts, since equal
            // surprises are common (a recurring spike) and erring on the ordinary side costs no pages.
            double above = _counts[bin];
            var top = -1;
            for (var b = Bins - 1; b > bin; b--)
            {
                above += _counts[b];
                if (top < 0 && _counts[b] > 0)
                {
                    top = b;
                }
            }

            decades = -Math.Log10(((above / _scale) + _options.Prior) / ((_total / _scale) + _options.Prior));
            if (top < 0 && _counts[bin] == 0)
            {
                var highest = Highest(bin);
                decades += TailSlope(highest) * (position - (highest + 1)) / _options.BinsPerOctave;
            }
        }

        Decay();
        _counts[bin] += _scale;
        _total += _scale;
        return Math.Max(decades, 0);
    }

    /// <summary>
    /// Decades of rarity per doubling of surprise from the history's top percentile up to its top bin,
    /// capped at <see cref="CalibrationOptions.BeyondGain"/>; 0 while the history is empty.
    /// </summary>
    private double TailSlope(int highest)
    {
        if (highest < 0)
        {
            return 0;
        }

        double above = 0;
        var b = highest;
        for (; b > 0; b--)
        {
            above += _counts[b];
            if (above >= 0.01 * _total)
            {
                break;
            }
        }

        var octaves = (highest + 1 - b) / (double)_options.BinsPerOctave;
        var slope = Math.Log10((above + (_options.Prior * _scale)) / (_counts[highest] + (_options.Prior * _scale))) / octaves;
        return Math.Clamp(slope, 0, _options.BeyondGain);
    }

    private int Highest(int below)
    {
        for (var b = below - 1; b >= 0; b--)
        {
            if (_counts[b] > 0)
            {
                return b;
            }
        }

        return -1;
    }

    private void Decay()
    {
        _scale /= (float)(1 - _options.HistoryAlpha);
        if (_scale > 1e30f)
        {
            var span = _counts.AsSpan();
            var k = new Vector<float>(1 / _scale);
            var i = 0;
            for (; i <= Bins - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(span[i..]) * k).CopyTo(span[i..]);
            }

            for (; i < Bins; i++)
            {
                span[i] /= _scale;
            }

            _total /= _scale;
            _scale = 1;
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.WriteAll(_counts);
        writer.Write(_total);
        writer.Write(_scale);
        writer.Write(_count);
    }

    public void Read(BinaryReader reader)
    {
        reader.ReadInto(_counts);
        _total = reader.ReadSingle();
        _scale = reader.ReadSingle();
        _count = reader.ReadInt64();
    }
}
