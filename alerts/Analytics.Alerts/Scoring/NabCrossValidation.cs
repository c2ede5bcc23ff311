namespace Analytics.Alerts.Scoring;

/// <summary>
/// Held-out scoring: each fold of a corpus is scored at the threshold optimised on the other folds, so no
/// file is scored with a threshold chosen on it. The held-out raw scores add up to one corpus score,
/// normalised like NAB's. Folds are the groups (folders under <c>data/</c>), or single files, which is
/// steadier on a small corpus: with two groups, one group's best threshold can sit on another plateau.
/// </summary>
internal static class NabCrossValidation
{
    /// <summary>Leave one group out.</summary>
    public static NabHeldOut ByGroup(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile)
    {
        var groups = scored.Select(s => s.Series.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (groups.Count < 2)
        {
            throw new NabCorpusException(groups.Count == 1 ? groups[0] : "corpus", "cross-validation needs at least two groups (folders under data/)");
        }

        return Run(detector, scored, profile, groups, s => s.Group);
    }

    /// <summary>Leave one file out.</summary>
    public static NabHeldOut ByFile(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile)
        => Run(detector, scored, profile, [.. scored.Select(s => s.Series.Key)], s => s.Key);

    private static NabHeldOut Run(string detector, IReadOnlyList<(NabSeries Series, double[] Scores)> scored, NabProfile profile, IReadOnlyList<string> folds, Func<NabSeries, string> foldOf)
    {
        var results = new List<(string, NabResult)>();
        foreach (var fold in folds)
        {
            var train = scored.Where(s => foldOf(s.Series) != fold).ToList();
            var test = scored.Where(s => foldOf(s.Series) == fold).ToList();
            results.Add((fold, NabScorer.ScoreAt(detector, test, profile, NabScorer.Optimise(train, profile).Threshold)));
        }

        var whole = NabScorer.ScoreAt(detector, scored, profile, double.PositiveInfinity);
        var raw = results.Sum(f => f.Item2.Raw);
        return new NabHeldOut(detector, profile, results, raw, whole.Null, whole.Perfect);
    }
}

/// <summary>Held-out results per fold and their sum, normalised over the whole corpus.</summary>
internal sealed record NabHeldOut(string Detector, NabProfile Profile, IReadOnlyList<(string Fold, NabResult Result)> Folds, double Raw, double Null, double Perfect)
{
    public double Normalized => Perfect == Null ? 0 : 100 * (Raw - Null) / (Perfect - Null);
}
