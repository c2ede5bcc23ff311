using System.Numerics;
using Analytics.Alerts.Detectors.Spectral;
using MathNet.Numerics.IntegralTransforms;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class SpectralResidualTests
{
    [Fact]
    public void The_saliency_equals_the_spectral_residual_computed_directly_over_the_window()
    {
        var options = new SpectralOptions { Refresh = 1 };
        var detector = new SpectralResidualDetector(options);
        // The detector keeps its window as floats; the reference reads the same rounded values.
        var input = SyntheticSeries.Daily(2, 4, seed: 11).Select(v => (double)(float)v).ToArray();
        input[400] += 80;
        var real = options.Window - options.Extrapolated;
        for (var i = 0; i < input.Length; i++)
        {
            detector.Score(SyntheticSeries.Timestamp(i), input[i]);
            if (i >= real + 10 && i % 37 == 0 || i == 400)
            {
                var expected = ReferenceSaliency(input.AsSpan(i - real + 1, real), options);
                Assert.Equal(expected, detector.LastSaliency, 1e-5 * Math.Max(1, expected));
            }
        }
    }

    [Fact]
    public void A_spike_in_noise_is_the_highest_score_at_once_or_one_point_later()
    {
        // With the extrapolated points copying the spike's slope, SR-CNN often peaks one point after it.
        var input = SyntheticSeries.Noise(2000, 50, 2, seed: 12);
        input[1500] += 25;
        var scores = SyntheticSeries.Run(new SpectralResidualDetector(), input);
        Assert.InRange(SyntheticSeries.ArgMax(scores, 200), 1500, 1501);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    public void The_fft_matches_the_reference_transform_and_inverts(int n)
    {
        var random = new Random(n);
        var input = Enumerable.Range(0, n).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        var expected = (Complex[])input.Clone();
        Fourier.Forward(expected, FourierOptions.Matlab);
        var actual = (Complex[])input.Clone();
        var fft = new Fft(n);
        fft.Forward(actual);
        for (var k = 0; k < n; k++)
        {
            Assert.True((expected[k] - actual[k]).Magnitude < 1e-12, $"bin {k}");
        }

        fft.Inverse(actual);
        for (var k = 0; k < n; k++)
        {
            Assert.True((input[k] - actual[k]).Magnitude < 1e-12, $"point {k}");
        }
    }

    /// <summary>
    /// SR-CNN's definition, step by step: extrapolate the next point from the mean slope of the last m
    /// points and append it κ times; remove the window's mean (our one addition: the DC bin then carries
    /// nothing and borrows its neighbour's level in the averages); A = |FFT|, L = log A, R = L − (L averaged
    /// over q bins); S = |IFFT(exp(R + iP))|; the saliency of the newest real point is S at its index.
    /// </summary>
    private static double ReferenceSaliency(ReadOnlySpan<double> window, SpectralOptions o)
    {
        var n = o.Window;
        var last = window.Length - 1;
        double slope = 0;
        for (var i = 1; i <= o.SlopePoints; i++)
        {
            slope += (window[last] - window[last - i]) / i;
        }

        var next = window[last - o.SlopePoints + 1] + slope;
        var y = new double[n];
        for (var j = 0; j < n; j++)
        {
            y[j] = j <= last ? window[j] : next;
        }

        var mean = y.Average();
        var x = y.Select(v => new Complex(v - mean, 0)).ToArray();
        Fourier.Forward(x, FourierOptions.Matlab);
        var log = x.Select(c => Math.Log(c.Magnitude + 1e-12)).ToArray();

        // The mean is gone, so the DC bin's own log amplitude is meaningless in the averages.
        var averaged = (double[])log.Clone();
        averaged[0] = log[1];
        var residual = new Complex[n];
        for (var k = 0; k < n; k++)
        {
            var average = Enumerable.Range(-(o.SpectrumAverage / 2), o.SpectrumAverage).Average(d => averaged[(k + d + n) % n]);
            residual[k] = Complex.FromPolarCoordinates(Math.Exp(log[k] - average), x[k].Phase);
        }

        Fourier.Inverse(residual, FourierOptions.Matlab);
        return residual[last].Magnitude;
    }
}
