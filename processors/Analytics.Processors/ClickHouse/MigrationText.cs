namespace Analytics.Processors.ClickHouse;

/// <summary>
/// Expands the named fragments of a migration file. A fragment is defined once, between a line
/// <c>-- fragment NAME: what it is</c> and a line <c>-- end fragment</c>, and used by a line that holds only
/// <c>{NAME}</c>, which it replaces. Definitions are dropped from the result. Fragments live inside the one
/// migration that uses them, so editing one can never change another migration; the checksum is taken
/// over the expanded text, the SQL that actually runs.
/// </summary>
internal static class MigrationText
{
    private const string Start = "-- fragment ";
    private const string End = "-- end fragment";

    public static string Expand(string text, string source)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var fragments = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var body = new List<(int Number, string Line)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(Start, StringComparison.Ordinal))
            {
                body.Add((i + 1, lines[i]));
                continue;
            }

            var name = lines[i][Start.Length..].Split(':')[0].Trim();
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == End);
            if (!IsName(name) || end < 0 || !fragments.TryAdd(name, lines[(i + 1)..end]))
            {
                throw Error(source, i + 1, $"\"{lines[i].Trim()}\" must name a new fragment (letters, digits, _) and be closed by a line \"{End}\"");
            }

            i = end;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var expanded = new List<string>(lines.Length);
        foreach (var (number, line) in body)
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 2 && trimmed[0] == '{' && trimmed[^1] == '}' && IsName(trimmed[1..^1]))
            {
                var name = trimmed[1..^1];
                expanded.AddRange(fragments.TryGetValue(name, out var fragment)
                    ? fragment
                    : throw Error(source, number, $"{trimmed} uses a fragment that this migration does not define (\"{Start}{name}: …\")"));
                used.Add(name);
            }
            else
            {
                expanded.Add(line);
            }
        }

        if (fragments.Keys.FirstOrDefault(n => !used.Contains(n)) is { } unused)
        {
            throw Error(source, null, $"fragment {unused} is defined but never used; use it as a line {{{unused}}} or remove it");
        }

        return string.Join('\n', expanded);
    }

    /// <summary>The text of one fragment of a migration file, for code that must compute exactly what a view computes.</summary>
    public static string Fragment(string text, string name)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith(Start + name + ":", StringComparison.Ordinal));
        var end = start < 0 ? -1 : Array.FindIndex(lines, start + 1, l => l.TrimEnd() == End);
        return end < 0
            ? throw new ArgumentException($"The migration text has no fragment {name}.", nameof(name))
            : string.Join('\n', lines[(start + 1)..end]);
    }

    private static bool IsName(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static SchemaMigrationException Error(string source, int? line, string rule)
        => new($"Migration {source}{(line is { } n ? $", line {n}" : string.Empty)}: {rule}.", version: null);
}
