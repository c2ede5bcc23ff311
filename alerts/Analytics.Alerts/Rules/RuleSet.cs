using Analytics.Alerts.Rules.Parsing;

namespace Analytics.Alerts.Rules;

/// <summary>
/// The rules of a set of files, checked together (names are unique across files, overlaps are warned
/// about). What the evaluator runs and what the store must answer: the window sizes and <c>by</c> sets.
/// </summary>
internal sealed class RuleSet
{
    private RuleSet(IReadOnlyList<AlertRule> rules, IReadOnlyList<string> files, IReadOnlyList<RuleProblem> problems, int written)
    {
        RulesWritten = written;
        Rules = rules;
        Files = files;
        Problems = problems;
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    /// <summary>Rules written in the files, including those left out for errors (for summaries).</summary>
    public int RulesWritten { get; }

    public IReadOnlyList<string> Files { get; }

    /// <summary>Warnings (never errors: a set with errors does not load).</summary>
    public IReadOnlyList<RuleProblem> Problems { get; }

    /// <summary>The distinct window sizes of the rules' groups, ascending.</summary>
    public IReadOnlyList<long> WindowSizesMs => [.. Rules.Select(r => r.WindowMs).Distinct().Order()];

    /// <summary>The distinct <c>by</c> sets (each sorted) with the window they are read at.</summary>
    public IReadOnlyList<(long WindowMs, IReadOnlyList<string> By)> BySets
        => [.. Rules.GroupBy(r => (r.WindowMs, string.Join(',', r.By))).Select(g => (g.Key.WindowMs, g.First().By))];

    /// <summary>Loads and checks the files; throws <see cref="RuleFileException"/> listing every error when any has one.</summary>
    public static RuleSet Load(IEnumerable<string> files)
    {
        var (set, problems) = Check(files);
        return problems.Any(p => p.IsError) ? throw new RuleFileException(problems) : set;
    }

    /// <summary>
    /// Loads and checks the files, returning every problem. The set holds the valid rules only; with errors
    /// it must not be run (<see cref="Load"/> refuses it).
    /// </summary>
    public static (RuleSet Set, IReadOnlyList<RuleProblem> Problems) Check(IEnumerable<string> files)
    {
        var sources = new List<(string File, string Text)>();
        var problems = new List<RuleProblem>();
        foreach (var file in files)
        {
            try
            {
                sources.Add((file, File.ReadAllText(file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(new(file, 1, 1, $"cannot read the rule file: {ex.Message}", IsError: true));
            }
        }

        var (set, parsed) = Parse(sources);
        problems.AddRange(parsed);
        return (set, problems);
    }

    /// <summary>Checks rule texts given in memory (tests, editors): file names are only for positions.</summary>
    public static (RuleSet Set, IReadOnlyList<RuleProblem> Problems) Parse(IEnumerable<(string File, string Text)> sources)
    {
        var problems = new List<RuleProblem>();
        var rules = new List<AlertRule>();
        var files = new List<string>();
        var written = 0;
        foreach (var (file, text) in sources)
        {
            files.Add(file);
            var parsed = RuleFileParser.Parse(file, text, problems, out var count);
            written += count;
            foreach (var rule in parsed)
            {
                if (rules.FirstOrDefault(r => r.Name == rule.Name) is { } first)
                {
                    problems.Add(new(rule.Position.File, rule.Position.Line, rule.Position.Column,
                        $"rule name {rule.Name} is already used at {first.Position}; alert names must be unique", IsError: true));
                    continue;
                }

                rules.Add(rule);
            }
        }

        problems.AddRange(RuleOverlaps.Find(rules));
        var ordered = problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return (new RuleSet(rules, files, [.. ordered.Where(p => !p.IsError)], written), ordered);
    }
}
