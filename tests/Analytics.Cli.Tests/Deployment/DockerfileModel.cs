using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Analytics.Cli.Tests.Deployment;

internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments of the exec (JSON array) form, or the shell form split on whitespace.</summary>
    public IReadOnlyList<string> Words => IsExecForm
        ? JsonSerializer.Deserialize<string[]>(Arguments) ?? []
        : Arguments.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);

    public bool IsExecForm => Arguments.TrimStart().StartsWith('[');
}

internal sealed record DockerStage(int Index, string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
}

/// <summary>A Dockerfile split into stages and instructions (continuation lines joined, comments dropped).</summary>
internal sealed partial class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public static DockerfileModel Parse(string text)
    {
        var stages = new List<DockerStage>();
        var current = (Image: (string?)null, Name: (string?)null, Instructions: new List<DockerInstruction>());
        foreach (var logical in LogicalLines(text))
        {
            var space = logical.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? logical : logical[..space]).ToUpperInvariant();
            var arguments = space < 0 ? string.Empty : logical[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                if (current.Image is not null)
                {
                    stages.Add(new DockerStage(stages.Count, current.Image, current.Name, current.Instructions));
                }

                var from = FromPattern().Match(arguments);
                current = (from.Groups["image"].Value, from.Groups["name"].Success ? from.Groups["name"].Value : null, []);
                continue;
            }

            if (current.Image is null)
            {
                if (keyword != "ARG")
                {
                    throw new FormatException($"\"{logical}\" comes before the first FROM.");
                }

                continue;
            }

            current.Instructions.Add(new DockerInstruction(keyword, arguments));
        }

        if (current.Image is not null)
        {
            stages.Add(new DockerStage(stages.Count, current.Image, current.Name, current.Instructions));
        }

        return new DockerfileModel(stages);
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = new StringBuilder();
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending.Append(line[..^1].TrimEnd()).Append(' ');
                continue;
            }

            pending.Append(line);
            var logical = pending.ToString().Trim();
            pending.Clear();
            if (logical.Length > 0)
            {
                yield return logical;
            }
        }

        if (pending.Length > 0)
        {
            yield return pending.ToString().Trim();
        }
    }

    [GeneratedRegex(@"^(?:--\S+\s+)*(?<image>\S+)(?:\s+[Aa][Ss]\s+(?<name>\S+))?\s*$")]
    private static partial Regex FromPattern();
}

/// <summary>.dockerignore patterns, matched as Docker does: a pattern that matches a directory excludes what it holds; the last matching pattern wins.</summary>
internal sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Negated)> _patterns;

    public DockerIgnore(string? text)
    {
        _patterns = (text ?? string.Empty).ReplaceLineEndings("\n").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (ToRegex(l.TrimStart('!')), l.StartsWith('!')))
            .ToList();
    }

    public bool Excludes(string relativePath)
    {
        var parts = relativePath.Trim('/').Split('/');
        var prefixes = Enumerable.Range(1, parts.Length).Select(n => string.Join('/', parts[..n])).ToList();
        var excluded = false;
        foreach (var (pattern, negated) in _patterns)
        {
            if (prefixes.Any(pattern.IsMatch))
            {
                excluded = !negated;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var segments = pattern.Trim('/').Split('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                regex.Append(last ? ".*" : "(?:[^/]+/)*");
                continue;
            }

            regex.Append(Regex.Escape(segments[i]).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal));
            if (!last)
            {
                regex.Append('/');
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
