using System.CommandLine;
using Analytics.Cli.Commands;
using Analytics.Cli.Configuration;
using Analytics.Common;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// What the analytics CLI in a container will run with: its command line parsed by the CLI's own
/// parser, and its settings built by <see cref="AnalyticsSettings.Load"/> from the container's
/// <c>ANALYTICS_*</c> variables and the command's flags (flags win, as in the CLI).
/// </summary>
internal sealed record ServiceSettings(string Command, AnalyticsSettings Settings)
{
    /// <summary>The settings each command flag writes, as in cli/Analytics.Cli/Commands. A flag missing here is reported, not ignored.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> FlagKeys = new()
    {
        ["run"] = new()
        {
            ["--bootstrap"] = "Kafka:BootstrapServers",
            ["--topic"] = "Kafka:Topic",
            ["--group"] = "Kafka:GroupId",
            ["--windows"] = "Processor:Windows",
        },
        ["simulate"] = new()
        {
            ["--bootstrap"] = "Kafka:BootstrapServers",
            ["--topic"] = "Kafka:Topic",
            ["--rate"] = "Simulator:EventsPerSecond",
            ["--sessions"] = "Simulator:ConcurrentSessions",
            ["--seed"] = "Simulator:Seed",
            ["--duration"] = "Simulator:Duration",
            ["--speed"] = "Simulator:Speed",
        },
    };

    private static readonly Lazy<RootCommand> Cli = new(Program.CreateRootCommand);

    /// <summary>"ANALYTICS_ClickHouse__Http__Url" → "ClickHouse:Http:Url", as .NET's environment variable provider reads it; null without the prefix.</summary>
    public static string? SettingKey(string variable)
        => variable.StartsWith(AnalyticsSettings.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
            ? variable[AnalyticsSettings.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)
            : null;

    /// <summary>
    /// The section and settable property a key names, using the settings layer's own tables
    /// (<see cref="AnalyticsSettings.Sections"/>, <see cref="OptionsBinder.FindProperty"/>); null with a reason when it names none.
    /// </summary>
    public static (string Section, System.Reflection.PropertyInfo Property)? Resolve(string key, out string? reason)
    {
        var section = AnalyticsSettings.Sections.Keys
            .Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(s => s.Length)
            .FirstOrDefault();
        if (section is null)
        {
            reason = $"names no section (known: {string.Join(", ", AnalyticsSettings.Sections.Keys)})";
            return null;
        }

        var rest = key[(section.Length + 1)..].Split(':');
        var property = OptionsBinder.FindProperty(AnalyticsSettings.Sections[section], rest[0]);
        if (property is null)
        {
            reason = $"names no setting of {section} (known: {string.Join(", ", OptionsBinder.Settable(AnalyticsSettings.Sections[section]).Select(p => p.Name))})";
            return null;
        }

        // Deeper parts address an entry of a map (Kafka:Properties:linger.ms) or a list item (Processor:Windows:0).
        if (rest.Length > 1 && (property.PropertyType == typeof(string) || !typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType)))
        {
            reason = $"treats {section}:{property.Name} as a map or list, but it is a {property.PropertyType.Name}";
            return null;
        }

        reason = null;
        return (section, property);
    }

    /// <summary>Reads a service's settings; returns null (with the reasons in <paramref name="problems"/>) when the CLI would refuse them.</summary>
    public static ServiceSettings? Read(ComposeService service, List<string> problems)
    {
        var who = $"service {service.Name}";
        if (service.Command is not { Count: > 0 } args)
        {
            problems.Add($"{who}: has no command; the image's default would run, which this check cannot see");
            return null;
        }

        var parse = Cli.Value.Parse(args.ToArray());
        if (parse.Errors.Count > 0)
        {
            problems.Add($"{who}: the CLI refuses its command line \"{string.Join(' ', args)}\": {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            return null;
        }

        var command = parse.CommandResult.Command;
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, value) in service.Environment)
        {
            if (SettingKey(variable) is not { } key)
            {
                continue;
            }

            // Keys outside every section are left to the settings layer, which knows its plain variables.
            if (AnalyticsSettings.Sections.Keys.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)) && Resolve(key, out var reason) is null)
            {
                problems.Add($"{who}: {variable} {reason}");
                continue;
            }

            overrides[key] = value;
        }

        var flags = FlagKeys.GetValueOrDefault(command.Name, []);
        foreach (var option in command.Options.Concat(Cli.Value.Options))
        {
            if (parse.GetResult(option) is not { Implicit: false } result)
            {
                continue;
            }

            var tokens = result.Tokens.Select(t => t.Value).ToList();
            if (option == CommandSupport.Set)
            {
                foreach (var assignment in tokens)
                {
                    var eq = assignment.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        problems.Add($"{who}: --set {assignment} is not Section:Key=value");
                        continue;
                    }

                    overrides[assignment[..eq].Trim()] = assignment[(eq + 1)..].Trim();
                }
            }
            else if (flags.TryGetValue(option.Name, out var key))
            {
                overrides[key] = string.Join(',', tokens);
            }
            else
            {
                problems.Add($"{who}: this check does not know which setting {option.Name} of `{command.Name}` writes; teach ServiceSettings.FlagKeys");
            }
        }

        try
        {
            return new ServiceSettings(command.Name, AnalyticsSettings.Load(overrides));
        }
        catch (OptionsValidationException ex)
        {
            problems.Add($"{who}: the settings layer refuses its settings: {ex.Message}");
            return null;
        }
    }
}
