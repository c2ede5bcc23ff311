using MathNet.Numerics;

namespace Analytics.Alerts.Detectors.Rates;

/// <summary>
/// Judges a rate by the counts behind it. The baseline rate is the ratio of exponentially weighted sums
/// of numerators and denominators; the spread beyond binomial noise (beta-binomial overdispersion) is
/// learnt from the same history as a design effect. A window is scored by the binomial tail probability
/// of its count at the effective sample size: 3 failures in 12 attempts is noise, 300 in 1,200 an outage.
/// </summary>
internal sealed class RateDetector : IRatioDetector
{
    private readonly RateOptions _options;
    private readonly double _guardZ;
    private double _numerator;
    private double _denominator;
    private double _dispersion = 1;
    private double _meanDenominator;
    private long _windows;

    public RateDetector(RateOptions? options = null)
    {
        _options = options ?? new RateOptions();
        _options.Validate();
        _guardZ = Math.Sqrt(2) * SpecialFunctions.ErfcInv(2 * _options.BaselineGuard);
    }

    public string Name => "rate";

    public object Options => _options;

    public long MissingPoints { get; private set; }

    /// <summary>The baseline rate the last window was judged against (NaN before there is one).</summary>
    public double BaselineRate => _denominator > 0 ? _numerator / _denominator : double.NaN;

    /// <summary>The last window's tail probability (1 when it was not judged).</summary>
    public double LastTailProbability { get; private set; } = 1;

    public double Score(long timestampMs, double numerator, double denominator)
    {
        if (!double.IsFinite(numerator) || !double.IsFinite(denominator) || numerator < 0 || denominator < 0)
        {
            MissingPoints++;
            return 0;
        }

        LastTailProbability = 1;
        if (denominator == 0)
        {
            return 0;
        }

        var k = Math.Min(numerator, denominator);
        if (_denominator >= _options.WarmUpDenominator && denominator >= _options.MinDenominator)
        {
            LastTailProbability = Tail(k, denominator, Baseline());
        }

        Learn(k, denominator);
        return TailScore.FromTail(LastTailProbability);
    }

    /// <summary>The baseline rate kept strictly inside (0, 1), with half a count of prior on each side.</summary>
    private double Baseline() => (_numerator + 0.5) / (_denominator + 1);

    private double Tail(double k, double n, double p)
    {
        var rho = _meanDenominator > 1 ? Math.Max(0, (_dispersion - 1) / (_meanDenominator - 1)) : 0;
        return Tail(k, n, p, rho, _options.Direction);
    }

    /// <summary>
    /// The tail probability of k successes in n trials at rate p, with intra-class correlation ρ: the
    /// beta-binomial taken as a binomial at the effective sample size n / (1 + (n − 1)ρ).
    /// </summary>
    public static double Tail(double k, double n, double p, double rho, RateDirection direction)
    {
        var effect = 1 + ((n - 1) * rho);
        var nEff = n / effect;
        var kEff = k / effect;
        var up = kEff <= 0 ? 1 : SpecialFunctions.BetaRegularized(kEff, nEff - kEff + 1, p);
        var down = kEff >= nEff ? 1 : 1 - SpecialFunctions.BetaRegularized(kEff + 1, Math.Max(nEff - kEff, 1e-9), p);
        return direction switch
        {
            RateDirection.Up => up,
            RateDirection.Down => down,
            _ => Math.Min(1, 2 * Math.Min(up, down)),
        };
    }

    private void Learn(double k, double n)
    {
        var a = Math.Max(_options.BaselineAlpha, 1.0 / (_windows + 1));
        if (_denominator > 0)
        {
            // An anomalous window enters clipped to the guard level, so an outage does not become the norm.
            var p = Baseline();
            var sd = Math.Sqrt(n * p * (1 - p) * Math.Max(_dispersion, 1));
            k = Math.Clamp(k, Math.Max(0, (n * p) - (_guardZ * sd)), Math.Min(n, (n * p) + (_guardZ * sd)));
            var chi = (k - (n * p)) * (k - (n * p)) / (n * p * (1 - p));
            _dispersion += a * (chi - _dispersion);
        }

        // Sums, not means: the baseline weighs each window by its volume.
        var keep = 1 - _options.BaselineAlpha;
        _numerator = (keep * _numerator) + k;
        _denominator = (keep * _denominator) + n;
        _meanDenominator += a * (n - _meanDenominator);
        _windows++;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_numerator);
        writer.Write(_denominator);
        writer.Write(_dispersion);
        writer.Write(_meanDenominator);
        writer.Write(_windows);
        writer.Write(MissingPoints);
    }

    public void ReadState(BinaryReader reader)
    {
        _numerator = reader.ReadDouble();
        _denominator = reader.ReadDouble();
        _dispersion = reader.ReadDouble();
        _meanDenominator = reader.ReadDouble();
        _windows = reader.ReadInt64();
        MissingPoints = reader.ReadInt64();
    }
}
