using Analytics.Alerts.Rules.Evaluation;
using Analytics.Common;

namespace Analytics.Alerts.Rules.Testing;

/// <summary>The outcome of one test case: passed, or the differences between expected and actual alerts.</summary>
internal sealed record RuleTestResult(string File, string Name, IReadOnlyList<string> Differences)
{
    public bool Passed => Differences.Count == 0;
}

/// <summary>
/// Runs rule tests like <c>promtool test rules</c>: each case gets a fresh evaluator over the rule files,
/// evaluates windows 0 … the last expected one in order over the case's series, and compares the alerts
/// of each expected window (all rules, or the expectation's rule only) with the expected list.
/// </summary>
internal static class RuleTestRunner
{
    /// <summary>Loads and runs one test file. Throws <see cref="RuleFileException"/> when it or its rule files have errors.</summary>
    public static async Task<IReadOnlyList<RuleTestResult>> RunFileAsync(string path, CancellationToken ct)
    {
        var problems = new List<RuleProblem>();
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException([new(path, 1, 1, $"cannot read the test file: {ex.Message}", IsError: true)]);
        }

        var file = RuleTestFile.Parse(path, text, problems);
        if (file is null)
        {
            throw new RuleFileException(problems);
        }

        var rules = RuleSet.Load(file.RuleFiles);
        var results = new List<RuleTestResult>();
        foreach (var test in file.Tests)
        {
            results.Add(new(path, test.Name, await RunAsync(rules, file, test, ct)));
        }

        return results;
    }

    public static async Task<IReadOnlyList<string>> RunAsync(RuleSet rules, RuleTestFile file, RuleTestCase test, CancellationToken ct)
    {
        var differences = new List<string>();
        foreach (var unknown in test.Expectations.SelectMany(x => x.Alerts.Select(a => a.Rule).Append(x.Rule)).OfType<string>().Distinct()
            .Where(r => rules.Rules.All(rule => rule.Name != r)))
        {
            differences.Add($"no rule is named {unknown}");
        }

        if (!rules.WindowSizesMs.Contains(file.WindowMs))
        {
            differences.Add($"no rule group has window {Durations.Format(file.WindowMs)}");
        }

        var evaluator = new RuleEvaluator(rules);
        var source = new FixtureSliceSource(file.WindowMs, test.Series);
        var last = test.Expectations.Count == 0 ? -1 : test.Expectations.Max(x => x.At);
        for (var i = 0; i <= last && differences.Count == 0; i++)
        {
            var signals = await evaluator.EvaluateAsync(file.StartMs + (i * file.WindowMs), file.WindowMs, source, ct);
            foreach (var expectation in test.Expectations.Where(x => x.At == i))
            {
                Compare(expectation, signals, differences);
            }
        }

        return differences;
    }

    private static void Compare(Expectation expectation, IReadOnlyList<AlertSignal> signals, List<string> differences)
    {
        var actual = signals.Where(s => expectation.Rule is null || s.Rule == expectation.Rule).ToList();
        var where = $"at {expectation.At} ({expectation.Position})";
        foreach (var expected in expectation.Alerts)
        {
            var match = actual.FirstOrDefault(s => s.Rule == expected.Rule && s.Slice.Equals(expected.Slice));
            if (match is null)
            {
                differences.Add($"{where}: missing {expected.Rule} {expected.Slice} {Lower(expected.State)}");
                continue;
            }

            actual.Remove(match);
            if (match.State != expected.State)
            {
                differences.Add($"{where}: {expected.Rule} {expected.Slice} is {Lower(match.State)}, expected {Lower(expected.State)}");
            }

            if (expected.Severity is { } severity && match.Severity != severity)
            {
                differences.Add($"{where}: {expected.Rule} {expected.Slice} has severity {match.Severity}, expected {severity}");
            }

            foreach (var (key, text) in expected.Annotations)
            {
                var got = match.Annotations.GetValueOrDefault(key);
                if (got != text)
                {
                    differences.Add($"{where}: {expected.Rule} {expected.Slice} {key} is \"{got}\", expected \"{text}\"");
                }
            }
        }

        differences.AddRange(actual.Select(s => $"{where}: unexpected {s.Rule} {s.Slice} {Lower(s.State)}"));
    }

    private static string Lower(AlertState state) => state.ToString().ToLowerInvariant();
}
