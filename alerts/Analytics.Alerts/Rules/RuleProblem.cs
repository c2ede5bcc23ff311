using System.Globalization;

namespace Analytics.Alerts.Rules;

/// <summary>One finding in a rule file, at the line and column (1-based) of the node it is about.</summary>
internal sealed record RuleProblem(string File, int Line, int Column, string Message, bool IsError)
{
    /// <summary>The compiler-style line editors and CI annotate: <c>file:line:col: error: message</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {(IsError ? "error" : "warning")}: {Message}");
}
