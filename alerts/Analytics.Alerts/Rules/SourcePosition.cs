using System.Globalization;

namespace Analytics.Alerts.Rules;

/// <summary>Where something was written: a file and a 1-based line and column.</summary>
internal sealed record SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}");
}
