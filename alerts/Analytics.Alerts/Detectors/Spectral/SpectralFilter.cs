using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace Analytics.Alerts.Detectors.Spectral;

/// <summary>
/// The spectral residual as a linear filter. SR's saliency map is |IFFT(X / exp(AL))|, where AL is the
/// locally averaged log amplitude: for a given spectrum that is a circular convolution of the window with a
/// fixed kernel. Folding the extrapolated points and the mean removal into it leaves one weight per real
/// point, so the saliency of the newest point is one dot product until the spectrum is recomputed.
/// </summary>
internal sealed class SpectralFilter
{
    private readonly SpectralOptions _options;
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
    }

    /// <summary>Real points in the window, oldest first.</summary>
    public int RealPoints => _real;

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

        Fourier.Forward(_spectrum, FourierOptions.Matlab);
        for (var k = 0; k < n; k++)
        {
            _logAmplitude[k] = Math.Log(_spectrum[k].Magnitude + 1e-12);
        }

        // The mean was removed, so the DC bin carries no information: borrow its neighbour's level.
        _logAmplitude[0] = _logAmplitude[1];
        var q = _options.SpectrumAverage;
        for (var k = 0; k < n; k++)
        {
            double sum = 0;
            for (var d = -(q / 2); d < q - (q / 2); d++)
            {
                sum += _logAmplitude[(k + d + n) % n];
            }

            _spectrum[k] = new Complex(Math.Exp(-sum / q), 0);
        }

        Fourier.Inverse(_spectrum, FourierOptions.Matlab);
        for (var j = 0; j < n; j++)
        {
            _kernel[j] = _spectrum[j].Real;
        }

        // Saliency at the newest real point: c_j = h[(last − j) mod n], centred (the mean removal).
        double centre = 0;
        for (var j = 0; j < n; j++)
        {
            centre += _kernel[(last - j + n) % n];
        }

        centre /= n;
        double toExtrapolated = 0;
        for (var j = 0; j < n; j++)
        {
            var c = _kernel[(last - j + n) % n] - centre;
            if (j < _real)
            {
                weights[j] = c;
            }
            else
            {
                toExtrapolated += c;
            }
        }

        ExtrapolationMap(_map);
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
        ExtrapolationMap(_map);
        for (var j = 0; j < _real; j++)
        {
            value += _map[j] * window[j];
        }

        return value;
    }

    /// <summary>The estimate's weight on each real point: it is linear in them.</summary>
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
