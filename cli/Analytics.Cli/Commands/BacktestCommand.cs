using System.CommandLine;
using Analytics.Cli.Backtest;
using Analytics.Common;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics backtest</c>: each injected incident kind and a normal simulated day, replayed through
/// the processors and alerting; reports detection, delay, severity, naming and false pages.
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var only = new Option<string[]>("--only") { Description = "Scenarios to run (pop-outage, …, normal-day); default all", AllowMultipleArgumentsPerToken = true };
        var concurrency = new Option<int?>("--concurrency") { Description = "Concurrent sessions of the injected scenarios (default 15000)" };
        var normal = new Option<int?>("--normal-concurrency") { Description = "Concurrent sessions of the normal day (default 2000)" };
        var seed = new Option<ulong?>("--seed") { Description = "Simulator seed (default 42)" };
        var output = new Option<string?>("--out") { Description = "Where the report goes (default .artifacts/backtest/backtest.md)" };
        var command = new Command("backtest", "Replay injected incidents and a normal day through processors and alerting; report detection") { only, concurrency, normal, seed, output };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(parse);
            var scenarios = BacktestScenario.Injected.Append(BacktestScenario.NormalDay).ToList();
            if (parse.GetValue(only) is { Length: > 0 } names)
            {
                var unknown = names.Where(n => scenarios.All(s => s.Name != n)).ToList();
                if (unknown.Count > 0)
                {
                    throw new OptionsValidationException("backtest", "--only", $"knows {string.Join(", ", scenarios.Select(s => s.Name))}", string.Join(", ", unknown));
                }

                scenarios = [.. scenarios.Where(s => names.Contains(s.Name))];
            }

            using var logging = CommandSupport.ConsoleLogging(LogLevel.Warning);
            var log = logging.CreateLogger("backtest");
            var rules = AlertCommand.LoadRules(settings.Alerting);
            await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: false, log, ct);
            var runner = new BacktestRunner(store, rules, log, m => Console.Error.WriteLine(m));
            var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero).ToUnixTimeMilliseconds();
            var results = new List<BacktestResult>();
            foreach (var scenario in scenarios)
            {
                // Injected incidents start in the evening peak; the normal day runs from midnight.
                var users = scenario.IsNormal ? parse.GetValue(normal) ?? 2000 : parse.GetValue(concurrency) ?? 15000;
                var at = scenario.IsNormal ? start : start + (19 * 3_600_000L);
                Console.Error.WriteLine($"backtest: {scenario.Name}, {scenario.Duration} at {users:N0} sessions …");
                results.Add(await runner.RunAsync(scenario, users, parse.GetValue(seed) ?? 42, at, ct));
            }

            var report = BacktestReport.Markdown(results, string.Join(' ', ["./analytics", .. parse.Tokens.Select(t => t.Value)]), parse.GetValue(concurrency) ?? 15000, parse.GetValue(normal) ?? 2000);
            Console.WriteLine(report);
            var path = parse.GetValue(output) ?? Path.Combine(".artifacts", "backtest", "backtest.md");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, report, ct);
            Console.Error.WriteLine($"backtest: report saved to {path}");
            return results.All(r => r.Outcomes.All(o => o.Detected)) ? 0 : 1;
        }));
        return command;
    }
}
