using System.Globalization;
using Analytics.Common;

namespace Analytics.Benchmarks.Harness;

/// <summary>Reads <c>--name value</c> pairs and <c>--flag</c> switches; every value is checked when read.</summary>
internal sealed class ArgReader
{
    private readonly string _component;
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ArgReader(string component, IReadOnlyList<string> args)
    {
        _component = component;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new OptionsValidationException(component, "arguments", "must be --name value pairs or --flag switches", arg);
            }

            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[arg[2..]] = hasValue ? args[++i] : null;
        }
    }

    public int Int(string name, int fallback) => Parse(name, fallback, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public ulong ULong(string name, ulong fallback) => Parse(name, fallback, s => ulong.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    public string String(string name, string fallback) => Parse(name, fallback, s => s);

    public bool Flag(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var value))
        {
            return false;
        }

        return value is null
            ? true
            : throw new OptionsValidationException(_component, "--" + name, "is a switch and takes no value", value);
    }

    /// <summary>Throws if an argument was given that no option reads: a typo must not silently run the defaults.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new OptionsValidationException(_component, "--" + name, "is not an option of this command (see --help)", name);
            }
        }
    }

    private T Parse<T>(string name, T fallback, Func<string, T> parse)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (text is null)
        {
            throw new OptionsValidationException(_component, "--" + name, "needs a value", null);
        }

        try
        {
            return parse(text.Replace("_", string.Empty, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new OptionsValidationException(_component, "--" + name, $"must be a {typeof(T).Name}", text);
        }
    }
}
