namespace Analytics.Common;

/// <summary>An options record broke one of its rules at start-up.</summary>
public sealed class OptionsValidationException : AnalyticsException
{
    public OptionsValidationException(string component, string key, string rule, object? value)
        : base($"{component}: {key} {rule} (got {Format(value)}).")
    {
        Component = component;
        Key = key;
        Rule = rule;
        Value = value;
    }

    public string Component { get; }

    public string Key { get; }

    public string Rule { get; }

    public object? Value { get; }

    public override bool IsTransient => false;

    private static string Format(object? value) => value switch
    {
        null => "nothing",
        string s => $"\"{s}\"",
        TimeSpan t => t.ToString(),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "nothing",
    };
}
