namespace Analytics.Alerts.Scoring;

/// <summary>
/// NAB's threshold sweep: the raw score at every threshold a detector's scores allow, over one file or a
/// whole corpus at once, so one threshold per detector and profile can be chosen for the corpus. A row is a
/// detection when its score is at or above the threshold. Each window earns only its best detection,
/// which is its earliest, since the scaled sigmoid falls across the window.
/// </summary>
internal static class NabSweep
{
    /// <summary>
    /// The outcome at the no-detection threshold (+∞) and then at each distinct score, highest first.
    /// </summary>
    public static List<NabOutcome> Curve(IReadOnlyList<(NabFileLayout Layout, double[] Scores)> files, NabProfile profile)
    {
        var points = new List<(double Score, double Weight, int Window)>();
        var windows = 0;
        var negatives = 0;
        var missedAtStart = 0;
        foreach (var (layout, scores) in files)
        {
            Check(layout, scores);
            var scorable = new HashSet<int>();
            for (var i = layout.ProbationRows; i < layout.Rows; i++)
            {
                var w = layout.Window[i];
                if (w >= 0)
                {
                    scorable.Add(w);
                    points.Add((scores[i], layout.Weighted(i, profile), windows + w));
                }
                else if (w == NabFileLayout.Outside)
                {
                    negatives++;
                    points.Add((scores[i], layout.Weighted(i, profile), -1));
                }
            }

            windows += layout.WindowCount;
            // Windows wholly inside the probationary period are not scorable, so they cannot be missed.
            missedAtStart += scorable.Count;
        }

        points.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = new double[windows];
        var hit = new bool[windows];
        int tp = 0, fp = 0;
        var fn = missedAtStart;
        var score = -profile.FnWeight * fn;
        var curve = new List<NabOutcome> { new(double.PositiveInfinity, score, 0, 0, fn, negatives) };
        for (var k = 0; k < points.Count; k++)
        {
            var (_, weight, window) = points[k];
            if (window < 0)
            {
                fp++;
                score += weight;
            }
            else if (!hit[window])
            {
                hit[window] = true;
                best[window] = weight;
                tp++;
                fn--;
                score += profile.FnWeight + weight;
            }
            else if (weight > best[window])
            {
                score += weight - best[window];
                best[window] = weight;
            }

            if (k + 1 == points.Count || points[k + 1].Score != points[k].Score)
            {
                curve.Add(new NabOutcome(points[k].Score, score, tp, fp, fn, negatives - fp));
            }
        }

        return curve;
    }

    /// <summary>The threshold with the highest score; among equal scores the highest threshold, as NAB picks.</summary>
    public static NabOutcome Best(IReadOnlyList<NabOutcome> curve)
    {
        var best = curve[0];
        foreach (var outcome in curve)
        {
            if (outcome.Score > best.Score)
            {
                best = outcome;
            }
        }

        return best;
    }

    /// <summary>The outcome of one file at a fixed threshold.</summary>
    public static NabOutcome At(NabFileLayout layout, double[] scores, NabProfile profile, double threshold)
    {
        Check(layout, scores);
        var best = new double?[layout.WindowCount];
        double falsePositives = 0;
        int fp = 0, tn = 0;
        var scorable = new bool[layout.WindowCount];
        for (var i = layout.ProbationRows; i < layout.Rows; i++)
        {
            var w = layout.Window[i];
            var detected = scores[i] >= threshold;
            if (w >= 0)
            {
                scorable[w] = true;
                if (detected)
                {
                    var weight = layout.Weighted(i, profile);
                    best[w] = best[w] is { } b ? Math.Max(b, weight) : weight;
                }
            }
            else if (w == NabFileLayout.Outside)
            {
                if (detected)
                {
                    fp++;
                    falsePositives += layout.Weighted(i, profile);
                }
                else
                {
                    tn++;
                }
            }
        }

        double score = falsePositives;
        int tp = 0, fn = 0;
        for (var w = 0; w < layout.WindowCount; w++)
        {
            if (best[w] is { } weight)
            {
                tp++;
                score += weight;
            }
            else if (scorable[w])
            {
                fn++;
                score -= profile.FnWeight;
            }
        }

        return new NabOutcome(threshold, score, tp, fp, fn, tn);
    }

    private static void Check(NabFileLayout layout, double[] scores)
    {
        if (scores.Length != layout.Rows)
        {
            throw new NabCorpusException(layout.Key, $"has {layout.Rows} rows but {scores.Length} scores");
        }
    }
}
