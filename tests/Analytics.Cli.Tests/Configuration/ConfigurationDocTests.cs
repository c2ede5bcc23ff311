using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Cli.Configuration;
using Analytics.Cli.Tests.Deployment;
using Analytics.Common;

namespace Analytics.Cli.Tests.Configuration;

/// <summary>Keeps docs/configuration.md honest: it lists exactly the settings the code has, with their real defaults.</summary>
public sealed partial class ConfigurationDocTests
{
    private const string DocPath = "docs/configuration.md";

    public static TheoryData<string> Sections => new(AnalyticsSettings.Sections.Keys);

    [Theory]
    [MemberData(nameof(Sections))]
    public void Every_setting_of_a_section_is_documented_and_every_documented_key_exists(string section)
    {
        var documented = DocumentedSections(Doc()).GetValueOrDefault(section)?.Select(r => r.Key).ToList();

        Assert.True(documented is not null, $"{DocPath} has no table under a heading ### `{section}`.");
        Assert.Equal(
            OptionsBinder.Settable(AnalyticsSettings.Sections[section]).Select(p => p.Name).Order(StringComparer.Ordinal),
            documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_default_written_as_a_literal_is_the_one_in_the_code()
    {
        var settings = AnalyticsSettings.Load([]);
        var checkedDefaults = 0;
        var wrong = new List<string>();
        foreach (var (section, rows) in DocumentedSections(Doc()))
        {
            var type = AnalyticsSettings.Sections[section];
            var instance = typeof(AnalyticsSettings).GetProperties().Single(p => p.PropertyType == type).GetValue(settings)!;
            foreach (var (key, defaultCell) in rows)
            {
                var variable = $"{AnalyticsSettings.EnvironmentPrefix}{section.Replace(":", "__", StringComparison.Ordinal)}__{key}";
                if (!defaultCell.StartsWith('`') || Environment.GetEnvironmentVariable(variable) is not null)
                {
                    continue;
                }

                var literal = defaultCell[1..defaultCell.IndexOf('`', 1)];
                var actual = Format(OptionsBinder.FindProperty(type, key)?.GetValue(instance));
                checkedDefaults++;
                if (actual != literal)
                {
                    wrong.Add($"{section}:{key} is documented as {literal} but defaults to {actual ?? "nothing"}");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.True(checkedDefaults > 50, $"Only {checkedDefaults} defaults were written as literals; the table format may have changed.");
    }

    [Fact]
    public void Every_key_the_page_names_exists()
    {
        var doc = Doc();
        var unknown = new List<string>();
        var seen = 0;
        foreach (Match m in SectionKeyMention().Matches(doc))
        {
            seen++;
            var key = m.Groups["key"].Value;
            if (!AnalyticsSettings.Sections.ContainsKey(key) && ServiceSettings.Resolve(key, out var reason) is null)
            {
                unknown.Add($"`{key}` {reason}");
            }
        }

        foreach (Match m in VariableMention().Matches(doc))
        {
            seen++;
            var key = ServiceSettings.SettingKey(m.Value)!;
            if (key.Contains(':', StringComparison.Ordinal))
            {
                if (ServiceSettings.Resolve(key, out var reason) is null)
                {
                    unknown.Add($"{m.Value} {reason}");
                }
            }
            else if (!AcceptedBySettings(key))
            {
                unknown.Add($"{m.Value} is refused by the settings layer");
            }
        }

        Assert.Empty(unknown);
        Assert.True(seen > 30, $"Only {seen} key mentions found; the patterns may no longer match the page.");
    }

    [Fact]
    public void The_checks_catch_a_missing_an_invented_and_a_wrong_default()
    {
        var doc = Doc();
        var missing = DocumentedSections(doc.Replace("| `GroupId` |", "| GroupId |", StringComparison.Ordinal))["Kafka"].Select(r => r.Key);
        var invented = DocumentedSections(doc.Replace("| `ClientId` |", "| `ClientName` |", StringComparison.Ordinal))["Kafka"].Select(r => r.Key);

        Assert.DoesNotContain("GroupId", missing);
        Assert.Contains("ClientName", invented);
        Assert.Null(OptionsBinder.FindProperty(AnalyticsSettings.Sections["Kafka"], "ClientName"));
        Assert.NotEqual("20s", Format(AnalyticsSettings.Load([]).Kafka.SessionTimeout));
        Assert.Contains(SectionKeyMention().Matches("`Kafka:GroupName`"), m => ServiceSettings.Resolve(m.Groups["key"].Value, out _) is null);
    }

    private static string Doc() => RepositoryFiles.Checkout.Read(DocPath) ?? throw new FileNotFoundException($"{DocPath} is missing.");

    /// <summary>Section → its table's rows (key, default cell), from headings "### `Section`" and rows "| `Key` | type | default | meaning |".</summary>
    private static Dictionary<string, List<(string Key, string Default)>> DocumentedSections(string doc)
    {
        var result = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        List<(string, string)>? current = null;
        foreach (var line in doc.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                var heading = SectionHeading().Match(line);
                current = heading.Success && AnalyticsSettings.Sections.ContainsKey(heading.Groups[1].Value) ? result[heading.Groups[1].Value] = [] : null;
                continue;
            }

            if (current is not null && KeyRow().Match(line) is { Success: true } row)
            {
                var cells = line.Split('|');
                current.Add((row.Groups[1].Value, cells.Length > 3 ? cells[3].Trim() : string.Empty));
            }
        }

        return result;
    }

    private static bool AcceptedBySettings(string key)
    {
        try
        {
            AnalyticsSettings.Load([new(key, "x")]);
            return true;
        }
        catch (OptionsValidationException)
        {
            return false;
        }
    }

    /// <summary>A default as the page writes it: durations as 10s, lists comma-separated, booleans in lower case.</summary>
    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        TimeSpan t => Durations.Format(t),
        bool b => b ? "true" : "false",
        IDictionary => null,
        IEnumerable items => string.Join(',', items.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    [GeneratedRegex(@"^#{2,4}\s+`([^`]+)`\s*$")]
    private static partial Regex SectionHeading();

    [GeneratedRegex(@"^\|\s*`([A-Za-z0-9_]+)`\s*\|")]
    private static partial Regex KeyRow();

    [GeneratedRegex(@"(?<![A-Za-z_])(?<key>(?:Kafka|Processor|Sink|ClickHouse|Simulator|Broker)(?::[A-Za-z0-9_.]+)+)")]
    private static partial Regex SectionKeyMention();

    [GeneratedRegex(@"ANALYTICS_[A-Za-z][A-Za-z0-9_.]*")]
    private static partial Regex VariableMention();
}
