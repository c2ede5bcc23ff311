namespace Analytics.Alerts.Rules;

/// <summary>Rule files (or rule test files) have errors; <see cref="Problems"/> lists each with its position.</summary>
internal sealed class RuleFileException : AlertsException
{
    public RuleFileException(IReadOnlyList<RuleProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Errors and warnings, in file and line order.</summary>
    public IReadOnlyList<RuleProblem> Problems { get; }

    // Fixing the file is the only way out.
    public override bool IsTransient => false;

    private static string Describe(IReadOnlyList<RuleProblem> problems)
    {
        var errors = problems.Where(p => p.IsError).ToList();
        var first = errors.Count > 0 ? errors[0] : problems.FirstOrDefault();
        var more = errors.Count > 1 ? $" (and {errors.Count - 1} more; run analytics rules check)" : "";
        return first is null ? "The rule files have errors." : $"{first}{more}";
    }
}
