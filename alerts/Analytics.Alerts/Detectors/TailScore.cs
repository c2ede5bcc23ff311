namespace Analytics.Alerts.Detectors;

/// <summary>
/// Turns a tail probability into an anomaly score on a log scale, so that one threshold means the same
/// surprise on every series: p = 10^-k scores 1 − exp(−k / <see cref="Scale"/>). The soft cap keeps
/// extreme tails apart (10^-20 still ranks below 10^-40), which a single threshold per corpus needs.
/// </summary>
internal static class TailScore
{
    /// <summary>A point as unlikely as 10^-Scale under the detector's model scores 1 − 1/e (0.63).</summary>
    public const double Scale = 10;

    private const double InvLn10 = 0.43429448190325182765;

    public static double FromTail(double p)
    {
        if (!(p < 1))
        {
            return 0;
        }

        return FromDecades(Decades(p));
    }

    /// <summary>The score of a surprise of <paramref name="decades"/> (−log10 of a tail probability).</summary>
    public static double FromDecades(double decades) => decades > 0 ? 1 - Math.Exp(-decades / Scale) : 0;

    /// <summary>−log10 of a tail probability, finite even for a probability that underflowed to 0.</summary>
    public static double Decades(double p) => -Math.Log(Math.Max(p, 1e-300)) * InvLn10;

    /// <summary>P(|Z| ≥ |z|) for a standard normal Z.</summary>
    public static double NormalTwoSided(double z) => Erfc(Math.Abs(z) * 0.70710678118654752440);

    /// <summary>P(Z ≥ z) for a standard normal Z.</summary>
    public static double NormalUpper(double z) => 0.5 * Erfc(z * 0.70710678118654752440);

    /// <summary>
    /// Complementary error function with relative error below 1.2e-7 everywhere (Numerical Recipes'
    /// Chebyshev fit): one exp per call, which keeps detectors at a fraction of a microsecond per point.
    /// </summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
