using System.CommandLine;
using Analytics.Cli.Configuration;
using Analytics.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Analytics.Cli.Commands;

/// <summary>Options every command accepts, and the plumbing they share.</summary>
internal static class CommandSupport
{
    public static Option<string?> ConfigFile { get; } = new("--config")
    {
        Description = "A JSON file of settings, sections as in docs/configuration.md",
        Recursive = true,
    };

    public static Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one setting, e.g. --set Processor:Windows=10s,1m (repeatable)",
        Recursive = true,
    };

    public static Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = $"The embedded ClickHouse store (default {AnalyticsSettings.DefaultDataDirectory})",
        Recursive = true,
    };

    public static AnalyticsSettings Settings(ParseResult parse, params (string Key, string? Value)[] flags)
    {
        // Keys are case-insensitive and the last value given wins, as with configuration files.
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(DataDir) is { } dir)
        {
            overrides["ClickHouse:ChDb:Path"] = dir;
        }

        foreach (var (key, value) in flags)
        {
            if (value is not null)
            {
                overrides[key] = value;
            }
        }

        foreach (var assignment in parse.GetValue(Set) ?? [])
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new OptionsValidationException("settings", "--set", "must look like Section:Key=value", assignment);
            }

            overrides[assignment[..eq].Trim()] = assignment[(eq + 1)..].Trim();
        }

        return AnalyticsSettings.Load(overrides, parse.GetValue(ConfigFile));
    }

    /// <summary>Logs to stderr, keeping stdout for results.</summary>
    public static ILoggerFactory ConsoleLogging(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(b => b
        .SetMinimumLevel(minimum)
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = Console.IsErrorRedirected ? LoggerColorBehavior.Disabled : LoggerColorBehavior.Default;
        })
        .AddFilter("Microsoft", LogLevel.Warning));

    /// <summary>
    /// Runs a command body, turning our errors into one clear line and an exit code. The line goes to
    /// <paramref name="error"/> (stderr by default; commands pass their invocation's, which tests capture).
    /// </summary>
    public static async Task<int> Guard(Func<Task<int>> body, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return await body();
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync($"analytics: invalid setting: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        catch (AnalyticsException ex)
        {
            await error.WriteLineAsync($"analytics: {ex.Message}");
            if (ex.InnerException is not null and not AnalyticsException)
            {
                await error.WriteLineAsync($"  caused by: {ex.InnerException.Message}");
            }

            return 1;
        }
    }
}
