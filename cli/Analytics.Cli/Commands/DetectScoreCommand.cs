using System.CommandLine;
using System.Globalization;
using Analytics.Alerts.Detectors;
using Analytics.Alerts.Scoring;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics detect score</c>: NAB's published scoring of detectors over a labelled corpus, the way a
/// user backtests a detector on their own labelled incidents.
/// </summary>
internal static class DetectScoreCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus", "-c")
        {
            Description = "A labelled folder in NAB's layout: data/<group>/<series>.csv, windows.json, profiles.json",
            HelpName = "folder",
            Required = true,
        };
        var detectors = new Option<string>("--detector", "-d")
        {
            Description = "Detectors to score, comma-separated, or all",
            DefaultValueFactory = _ => "all",
            HelpName = "names",
        };
        var perFile = new Option<bool>("--per-file") { Description = "Also show each file's outcome (standard profile)" };
        var command = new Command("score", "Score detectors on a labelled corpus with NAB's method, with a leave-one-group-out estimate")
        {
            corpus, detectors, perFile,
        };
        command.SetAction((parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return CommandSupport.Guard(
                () => Task.FromResult(Run(parse.GetValue(corpus)!, parse.GetValue(detectors)!, parse.GetValue(perFile), stdout, stderr, ct)),
                stderr);
        });
        return command;
    }

    public static int Run(string root, string detectorList, bool perFile, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var names = detectorList == "all"
            ? DetectorCatalog.Names.Where(n => DetectorCatalog.Create(n) is IAnomalyDetector).ToList()
            : detectorList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var name in names)
        {
            if (DetectorCatalog.Create(name) is not IAnomalyDetector)
            {
                stderr.WriteLine($"analytics: detector \"{name}\" reads counts, not values; NAB's series are values");
                return 2;
            }
        }

        var corpus = NabCorpus.Load(root);
        var groups = corpus.Series.Select(s => s.Group).Distinct().Count();
        var windows = corpus.Series.Sum(s => s.Layout.WindowCount);
        stdout.WriteLine(F($"NAB scores of {root}: {corpus.Series.Count} series in {groups} groups, {windows} windows"));
        stdout.WriteLine("One threshold per detector and profile, optimised over the corpus.");
        stdout.WriteLine();
        var profiles = corpus.Profiles;
        var header = F($"{"detector",-14}") + string.Concat(profiles.Select(p => F($"{Short(p.Name),10}"))) + F($"{"threshold",11}");
        var results = new List<(string Name, IReadOnlyList<(NabSeries, double[])> Scored, List<NabResult> Results)>();
        foreach (var name in names)
        {
            ct.ThrowIfCancellationRequested();
            stderr.WriteLine($"detect score: running {name} over {corpus.Series.Count} series");
            var scored = NabScorer.Run(corpus.Series, () => (IAnomalyDetector)DetectorCatalog.Create(name));
            results.Add((name, scored, [.. profiles.Select(p => NabScorer.Score(name, scored, p))]));
        }

        stdout.WriteLine(header);
        foreach (var (name, _, scores) in results)
        {
            stdout.WriteLine(F($"{name,-14}") + string.Concat(scores.Select(r => F($"{r.Normalized,10:F1}"))) + F($"{scores[0].Threshold,11:F4}"));
        }

        if (corpus.Series.Count >= 2)
        {
            stdout.WriteLine();
            stdout.WriteLine("Held out: each group, then each file, scored at the threshold optimised");
            stdout.WriteLine("on the rest (estimates for series never seen).");
            stdout.WriteLine();
            stdout.WriteLine(F($"{"detector",-14}") + string.Concat(profiles.Select(p => F($"{Short(p.Name),10}"))) + F($"{"fold",11}"));
            foreach (var (name, scored, _) in results)
            {
                if (groups >= 2)
                {
                    stdout.WriteLine(F($"{name,-14}") + string.Concat(profiles.Select(p => F($"{NabCrossValidation.ByGroup(name, scored, p).Normalized,10:F1}"))) + F($"{"group",11}"));
                }

                stdout.WriteLine(F($"{name,-14}") + string.Concat(profiles.Select(p => F($"{NabCrossValidation.ByFile(name, scored, p).Normalized,10:F1}"))) + F($"{"file",11}"));
            }
        }

        if (perFile)
        {
            foreach (var (name, _, scores) in results)
            {
                stdout.WriteLine();
                stdout.WriteLine(F($"{name}, {profiles[0].Name} profile, threshold {scores[0].Threshold:F4}:"));
                stdout.WriteLine(F($"{"file",-52}{"score",8}{"tp",6}{"fp",6}{"fn",6}"));
                foreach (var (key, outcome) in scores[0].Files)
                {
                    var file = key.Length > 50 ? string.Concat("…", key.AsSpan(key.Length - 49)) : key;
                    stdout.WriteLine(F($"{file,-52}{outcome.Score,8:F3}{outcome.TruePositives,6}{outcome.FalsePositives,6}{outcome.FalseNegatives,6}"));
                }
            }
        }

        return 0;
    }

    /// <summary>Profile names short enough for a column: standard, low FP, low FN.</summary>
    private static string Short(string profile) => profile switch
    {
        "reward_low_FP_rate" => "low FP",
        "reward_low_FN_rate" => "low FN",
        _ => profile.Length > 9 ? profile[..9] : profile,
    };

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
