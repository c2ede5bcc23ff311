using System.Numerics;

namespace Analytics.Alerts.Detectors.Spectral;

/// <summary>
/// In-place radix-2 complex FFT for one power-of-two size, with its twiddles and bit-reversal table
/// computed once. The spectral filter runs it twice per refresh on 64 points; a general-purpose FFT
/// that plans per call costs several times more at that size.
/// </summary>
internal sealed class Fft
{
    private readonly int _n;
    private readonly Complex[] _twiddles;
    private readonly Complex[] _inverseTwiddles;
    private readonly int[] _reversed;

    public Fft(int n)
    {
        _n = n;
        _twiddles = new Complex[n / 2];
        _inverseTwiddles = new Complex[n / 2];
        for (var k = 0; k < n / 2; k++)
        {
            _twiddles[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n);
            _inverseTwiddles[k] = Complex.Conjugate(_twiddles[k]);
        }

        _reversed = new int[n];
        var bits = BitOperations.Log2((uint)n);
        for (var i = 0; i < n; i++)
        {
            _reversed[i] = (int)(ReverseBits((uint)i) >> (32 - bits));
        }
    }

    /// <summary>X[k] = Σ x[j]·e^(−2πijk/n); the inverse adds the 1/n, so Inverse(Forward(x)) = x.</summary>
    public void Forward(Span<Complex> data) => Transform(data, inverse: false);

    public void Inverse(Span<Complex> data)
    {
        Transform(data, inverse: true);
        var scale = 1.0 / _n;
        for (var i = 0; i < _n; i++)
        {
            data[i] *= scale;
        }
    }

    private void Transform(Span<Complex> data, bool inverse)
    {
        for (var i = 0; i < _n; i++)
        {
            var j = _reversed[i];
            if (j > i)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        var twiddles = inverse ? _inverseTwiddles : _twiddles;
        for (var size = 2; size <= _n; size <<= 1)
        {
            var half = size >> 1;
            var step = _n / size;
            for (var start = 0; start < _n; start += size)
            {
                for (var k = 0; k < half; k++)
                {
                    var odd = twiddles[k * step] * data[start + k + half];
                    var even = data[start + k];
                    data[start + k] = even + odd;
                    data[start + k + half] = even - odd;
                }
            }
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
