namespace Analytics.Alerts.Scoring;

/// <summary>
/// Leave-one-group-out: each group of a corpus is scored at the threshold optimised on the other groups,
/// so no file is scored with a threshold chosen on it. The held-out raw scores add up to one corpus
/// score, normalised like NAB's: the honest estimate of the score on series the detector has not seen.
/// </summary>
internal static class NabCrossValidation
{
    public static NabHeldOut Run(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile)
    {
        var groups = scored.Select(s => s.Series.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (groups.Count < 2)
        {
            throw new NabCorpusException(groups.Count == 1 ? groups[0] : "corpus", "cross-validation needs at least two groups (folders under data/)");
        }

        var folds = new List<(string, NabResult)>();
        foreach (var group in groups)
        {
            var train = scored.Where(s => s.Series.Group != group).ToList();
            var test = scored.Where(s => s.Series.Group == group).ToList();
            folds.Add((group, NabScorer.ScoreAt(detector, test, profile, NabScorer.Optimise(train, profile).Threshold)));
        }

        var whole = NabScorer.ScoreAt(detector, scored, profile, double.PositiveInfinity);
        var raw = folds.Sum(f => f.Item2.Raw);
        return new NabHeldOut(detector, profile, folds, raw, whole.Null, whole.Perfect);
    }
}

/// <summary>Held-out results per group and their sum, normalised over the whole corpus.</summary>
internal sealed record NabHeldOut(string Detector, NabProfile Profile, IReadOnlyList<(string Group, NabResult Result)> Folds, double Raw, double Null, double Perfect)
{
    public double Normalized => Perfect == Null ? 0 : 100 * (Raw - Null) / (Perfect - Null);
}
