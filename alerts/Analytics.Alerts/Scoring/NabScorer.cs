using Analytics.Alerts.Detectors;

namespace Analytics.Alerts.Scoring;

/// <summary>
/// NAB's published scoring of a detector over a labelled corpus: run it over every series, choose one
/// threshold per profile that maximises the corpus score, and normalise between the null detector (0)
/// and the perfect one (100).
/// </summary>
internal static class NabScorer
{
    /// <summary>Runs a fresh detector over each series, one point at a time, and keeps every score.</summary>
    public static IReadOnlyList<(NabSeries Series, double[] Scores)> Run(IReadOnlyList<NabSeries> series, Func<IAnomalyDetector> create)
    {
        var results = new (NabSeries, double[])[series.Count];
        Parallel.For(0, series.Count, i =>
        {
            var detector = create();
            var s = series[i];
            var scores = new double[s.Values.Length];
            for (var row = 0; row < scores.Length; row++)
            {
                scores[row] = detector.Score(s.Timestamps[row], s.Values[row]);
            }

            results[i] = (s, scores);
        });
        return results;
    }

    /// <summary>The threshold that maximises the raw score of these files under the profile.</summary>
    public static NabOutcome Optimise(IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile)
        => NabSweep.Best(NabSweep.Curve([.. scored.Select(s => (s.Series.Layout, s.Scores))], profile));

    /// <summary>Scores with the threshold optimised on the same files, as NAB reports.</summary>
    public static NabResult Score(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile)
        => ScoreAt(detector, scored, profile, Optimise(scored, profile).Threshold);

    /// <summary>Scores at a given threshold, e.g. one optimised on other files.</summary>
    public static NabResult ScoreAt(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile, double threshold)
    {
        var files = scored.Select(s => (s.Series.Key, NabSweep.At(s.Series.Layout, s.Scores, profile, threshold))).ToList();
        var total = new NabOutcome(
            threshold,
            files.Sum(f => f.Item2.Score),
            files.Sum(f => f.Item2.TruePositives),
            files.Sum(f => f.Item2.FalsePositives),
            files.Sum(f => f.Item2.FalseNegatives),
            files.Sum(f => f.Item2.TrueNegatives));
        var silent = scored.Select(s => (s.Series.Layout, new double[s.Series.Layout.Rows])).ToList();
        // The null detector never fires: the curve's first outcome, at the +∞ threshold (−fnWeight per scorable
        // window). Not the best of the curve: on a corpus where firing at every row scores more, that would move
        // the zero point (and can make null equal perfect).
        var nullScore = NabSweep.Curve(silent, profile)[0].Score;
        var perfect = profile.TpWeight * scored.Sum(s => s.Series.Layout.WindowCount);
        return new NabResult(detector, profile, threshold, total.Score, nullScore, perfect, total, files);
    }
}
