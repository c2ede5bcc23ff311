namespace Analytics.Alerts.Tests.Detectors;

/// <summary>Seeded synthetic series for detector tests: noise, a daily pattern, and the anomalies put into them.</summary>
internal static class SyntheticSeries
{
    public const long FiveMinutes = 5 * 60_000;

    /// <summary>2026-01-05 00:00 UTC, a Monday.</summary>
    public const long Start = 1_767_571_200_000;

    public static double[] Noise(int length, double level, double sd, int seed)
    {
        var random = new Random(seed);
        var values = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = level + (sd * Gaussian(random));
        }

        return values;
    }

    /// <summary>A smooth daily curve (a trough at night, a peak in the evening) with noise, sampled every 5 minutes.</summary>
    public static double[] Daily(int days, double sd, int seed)
    {
        var random = new Random(seed);
        var values = new double[days * 288];
        for (var i = 0; i < values.Length; i++)
        {
            var hour = (i % 288) / 12.0;
            values[i] = 100 + (60 * Math.Sin(2 * Math.PI * (hour - 9) / 24)) + (sd * Gaussian(random));
        }

        return values;
    }

    public static long Timestamp(int index) => Start + (index * FiveMinutes);

    public static double[] Run(Alerts.Detectors.IAnomalyDetector detector, double[] values)
    {
        var scores = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            scores[i] = detector.Score(Timestamp(i), values[i]);
        }

        return scores;
    }

    /// <summary>Index of the highest score at or after <paramref name="from"/>.</summary>
    public static int ArgMax(double[] scores, int from)
    {
        var best = from;
        for (var i = from; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    public static double Max(double[] scores, int from, int to) => scores.AsSpan(from, to - from).ToArray().Max();

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
