using System.Globalization;
using Analytics.Alerts.Detectors;
using Analytics.Alerts.Scoring;

namespace Analytics.Benchmarks.Detectors;

/// <summary>Scratch: NAB scores of named detectors on a corpus, per profile, with leave-one-group-out.</summary>
internal static class NabExperiment
{
    public static int Run(string[] args)
    {
        var corpus = NabCorpus.Load(args.Length > 0 ? args[0] : "../shared/nab-dev");
        var names = args.Length > 1 ? args[1].Split(',') : [.. DetectorCatalog.Names.Where(n => DetectorCatalog.Create(n) is IAnomalyDetector)];
        var perFile = args.Contains("--files");
        foreach (var name in names)
        {
            var scored = NabScorer.Run(corpus.Series, () => (IAnomalyDetector)DetectorCatalog.Create(name));
            if (args.Contains("--components") && DetectorCatalog.Create(name) is Alerts.Detectors.Ensemble.EnsembleDetector)
            {
                Directory.CreateDirectory("/tmp/nabdump");
                foreach (var series in corpus.Series)
                {
                    var e = (Alerts.Detectors.Ensemble.EnsembleDetector)DetectorCatalog.Create(name);
                    var lines = new List<string>();
                    for (var i = 0; i < series.Values.Length; i++)
                    {
                        var sc = e.Score(series.Timestamps[i], series.Values[i]);
                        var (a, b, c) = e.LastSurprises;
                        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{series.Values[i]},{sc},{series.Layout.Window[i]},{a},{b},{c},{e.LastLevel}"));
                    }

                    File.WriteAllLines($"/tmp/nabdump/comp_{series.Key.Split('/')[1]}", lines);
                }
            }

            if (args.Contains("--dump"))
            {
                Directory.CreateDirectory("/tmp/nabdump");
                foreach (var (series, scores) in scored)
                {
                    File.WriteAllLines($"/tmp/nabdump/{name}_{series.Key.Split('/')[1]}", Enumerable.Range(0, scores.Length)
                        .Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{series.Values[i]},{scores[i]},{series.Layout.Window[i]}")));
                }
            }

            if (args.Contains("--diag"))
            {
                Diagnose(scored);
            }

            var groups = scored.GroupBy(s => s.Series.Group).ToList();
            foreach (var profile in corpus.Profiles)
            {
                var result = NabScorer.Score(name, scored, profile);
                var line = string.Create(CultureInfo.InvariantCulture, $"{name,-12} {profile.Name,-20} {result.Normalized,6:F1}  thr={result.Threshold:F4} tp={result.Total.TruePositives} fp={result.Total.FalsePositives} fn={result.Total.FalseNegatives}");
                foreach (var g in groups)
                {
                    var train = scored.Where(s => s.Series.Group != g.Key).ToList();
                    var test = g.ToList();
                    var thr = NabScorer.Optimise(train, profile).Threshold;
                    var own = NabScorer.Score(name, test, profile).Normalized;
                    var cross = NabScorer.ScoreAt(name, test, profile, thr).Normalized;
                    line += string.Create(CultureInfo.InvariantCulture, $" | {g.Key[..4]} own {own,5:F1} logo {cross,5:F1}");
                }

                Console.WriteLine(line);
                if (perFile && profile.Name == "standard")
                {
                    foreach (var (key, o) in result.Files)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {key,-60} {o.Score,7:F3} tp={o.TruePositives} fp={o.FalsePositives} fn={o.FalseNegatives}"));
                    }
                }
            }
        }

        return 0;
    }

    private static void Diagnose(IReadOnlyList<(NabSeries Series, double[] Scores)> scored)
    {
        foreach (var (series, scores) in scored)
        {
            var layout = series.Layout;
            var text = $"  {series.Key.Split('/')[1],-44}";
            for (var w = 0; w < layout.WindowCount; w++)
            {
                var rows = Enumerable.Range(0, layout.Rows).Where(i => layout.Window[i] == w).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                var best = rows.MaxBy(i => scores[i]);
                text += string.Create(CultureInfo.InvariantCulture, $" w{w}:{scores[best]:F3}@{(best - rows[0]) / (double)rows.Count:F2}");
            }

            var outside = Enumerable.Range(layout.ProbationRows, layout.Rows - layout.ProbationRows)
                .Where(i => layout.Window[i] == NabFileLayout.Outside).Select(i => scores[i]).OrderDescending().Take(5);
            text += " | out " + string.Join(' ', outside.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));
            Console.WriteLine(text);
        }
    }
}
