using System.Numerics;

namespace Analytics.Alerts.Detectors.Spectral;

/// <summary>
/// The spectral residual as a linear filter. SR's saliency map is |IFFT(X / exp(AL))|, where AL is the
/// locally averaged log amplitude: for a given spectrum that is a circular convolution of the window with a
/// fixed kernel. Folding the extrapolated points and the mean removal into it leaves one weight per real
/// point, so the saliency of the newest point is one dot product until the spectrum is recomputed.
/// It holds only scratch space: one per thread and window shape serves every detector.
/// </summary>
internal sealed class SpectralFilter
{
    [ThreadStatic]
    private static SpectralFilter? _shared;

    private readonly SpectralOptions _options;
    private readonly Fft _fft;
    private readonly double[] _window;
    private readonly double[] _weights;
    private readonly int _real;
    private readonly Complex[] _spectrum;
    private readonly double[] _logAmplitude;
    private readonly double[] _kernel;
    private readonly double[] _map;

    public SpectralFilter(SpectralOptions options)
    {
        _options = options;
        _real = options.Window - options.Extrapolated;
        _spectrum = new Complex[options.Window];
        _logAmplitude = new double[options.Window];
        _kernel = new double[options.Window];
        _map = new double[_real];
        _window = new double[_real];
        _weights = new double[_real];
        _fft = new Fft(options.Window);
        ExtrapolationMap(_map);
    }

    /// <summary>This thread's filter for windows shaped like <paramref name="options"/>.</summary>
    public static SpectralFilter Shared(SpectralOptions options)
    {
        var filter = _shared;
        if (filter is null || !SameShape(filter._options, options))
        {
            _shared = filter = new SpectralFilter(options);
        }

        return filter;
    }

    private static bool SameShape(SpectralOptions a, SpectralOptions b)
        => a.Window == b.Window && a.Extrapolated == b.Extrapolated && a.SlopePoints == b.SlopePoints && a.SpectrumAverage == b.SpectrumAverage;

    /// <summary>Recomputes the weights of a window kept as floats, as floats.</summary>
    public void Recompute(ReadOnlySpan<float> window, Span<float> weights)
    {
        for (var i = 0; i < _real; i++)
        {
            _window[i] = window[i];
        }

        Recompute(_window, _weights);
        for (var i = 0; i < _real; i++)
        {
            weights[i] = (float)_weights[i];
        }
    }

    /// <summary>Recomputes <paramref name="weights"/> (one per real point, oldest first) from the window's spectrum.</summary>
    public void Recompute(ReadOnlySpan<double> window, Span<double> weights)
    {
        var n = _options.Window;
        var last = _real - 1;
        var extrapolated = Extrapolate(window);
        double mean = 0;
        for (var j = 0; j < n; j++)
        {
            var y = j < _real ? window[j] : extrapolated;
            _spectrum[j] = new Complex(y, 0);
            mean += y;
        }

        mean /= n;
        for (var j = 0; j < n; j++)
        {
            _spectrum[j] -= mean;
        }

        _fft.Forward(_spectrum);
        // Real input: |X[k]| = |X[n − k]|, so half the logarithms do.
        for (var k = 0; k <= n / 2; k++)
        {
            var (re, im) = (_spectrum[k].Real, _spectrum[k].Imaginary);
            _logAmplitude[k] = 0.5 * Math.Log((re * re) + (im * im) + 1e-24);
            _logAmplitude[k == 0 ? 0 : n - k] = _logAmplitude[k];
        }

        // The mean was removed, so the DC bin carries no information: borrow its neighbour's level.
        _logAmplitude[0] = _logAmplitude[1];
        var q = _options.SpectrumAverage;
        for (var k = 0; k <= n / 2; k++)
        {
            double sum = 0;
            for (var d = -(q / 2); d <= q / 2; d++)
            {
                var bin = k + d;
                sum += _logAmplitude[bin < 0 ? bin + n : bin >= n ? bin - n : bin];
            }

            _spectrum[k] = new Complex(Math.Exp(-sum / q), 0);
            _spectrum[k == 0 ? 0 : n - k] = _spectrum[k];
        }

        _fft.Inverse(_spectrum);
        for (var j = 0; j < n; j++)
        {
            _kernel[j] = _spectrum[j].Real;
        }

        // Saliency at the newest real point: c_j = h[(last − j) mod n], centred (the mean removal).
        double centre = 0;
        for (var j = 0; j < n; j++)
        {
            centre += _kernel[j];
        }

        centre /= n;
        double toExtrapolated = 0;
        for (var j = 0; j < n; j++)
        {
            var lag = last - j;
            var c = _kernel[lag < 0 ? lag + n : lag] - centre;
            if (j < _real)
            {
                weights[j] = c;
            }
            else
            {
                toExtrapolated += c;
            }
        }

        for (var j = 0; j < _real; j++)
        {
            weights[j] += toExtrapolated * _map[j];
        }
    }

    /// <summary>
    /// SR-CNN's estimate of the next point: x[n−m+1] + m·(mean slope from the m preceding points to x[n]).
    /// </summary>
    private double Extrapolate(ReadOnlySpan<double> window)
    {
        double value = 0;
        for (var j = 0; j < _real; j++)
        {
            value += _map[j] * window[j];
        }

        return value;
    }

    /// <summary>The estimate's weight on each real point: it is linear in them, and fixed by the options.</summary>
    private void ExtrapolationMap(Span<double> map)
    {
        map.Clear();
        var last = _real - 1;
        var m = _options.SlopePoints;
        map[last - m + 1] += 1;
        for (var i = 1; i <= m; i++)
        {
            map[last] += 1.0 / i;
            map[last - i] -= 1.0 / i;
        }
    }
}
