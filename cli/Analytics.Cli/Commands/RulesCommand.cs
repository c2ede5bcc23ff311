using System.CommandLine;
using System.Text;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Testing;
using Analytics.Cli.WebhookSink;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics rules check</c> lints alert rule files (compiler-style <c>file:line:col</c> lines) and
/// <c>analytics rules test</c> runs rule test files, like <c>promtool check rules</c> / <c>test rules</c>.
/// </summary>
internal static class RulesCommand
{
    public const string DefaultRules = "alerts/rules";
    public const string DefaultTests = "alerts/rules/tests";
    private const int Width = 80;

    public static Command Create()
    {
        var checkFiles = new Argument<string[]>("FILE") { Description = $"Rule files (default: {DefaultRules}/*.yaml)", Arity = ArgumentArity.ZeroOrMore };
        var onCall = new Option<string?>("--oncall") { Description = $"The on-call file to check with them (default: {OnCallFile.Default})" };
        var check = new Command("check", "Check alert rule files and the on-call file: every error and warning with its file:line:column") { checkFiles, onCall };
        check.SetAction((parse, ct) => Guarded(parse, (o, e) => Check(parse.GetValue(checkFiles) ?? [], o, e, parse.GetValue(onCall))));

        var testFiles = new Argument<string[]>("FILE") { Description = $"Rule test files (default: {DefaultTests}/*.yaml)", Arity = ArgumentArity.ZeroOrMore };
        var test = new Command("test", "Run rule test files: fixture series in, expected alerts out") { testFiles };
        test.SetAction((parse, ct) => Guarded(parse, (o, e) => Test(parse.GetValue(testFiles) ?? [], o, e, ct)));

        return new Command("rules", "Check and test the alert rules (alerts/rules/*.yaml)") { check, test };
    }

    public static Task<int> Check(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr, string? onCall = null)
    {
        var paths = Resolve(files, DefaultRules, stderr);
        if (paths is null)
        {
            return Task.FromResult(2);
        }

        var (set, problems) = RuleSet.Check(paths);
        foreach (var problem in problems)
        {
            stdout.Write(Wrap(problem.ToString()));
        }

        var errors = problems.Count(p => p.IsError);
        stdout.WriteLine($"{set.RulesWritten} rules in {Files(paths.Count)}: {errors} errors, {problems.Count - errors} warnings");
        errors += CheckOnCall(onCall, set, stdout);
        return Task.FromResult(errors > 0 ? 1 : 0);
    }

    /// <summary>
    /// Checks the on-call file (the given one, or the default when it exists) against the rules, and warns
    /// about secrets this machine cannot read, since the service will refuse to start without them. Returns the error count.
    /// </summary>
    private static int CheckOnCall(string? path, RuleSet rules, TextWriter stdout)
    {
        var file = AlertCommand.Locate(path ?? OnCallFile.Default);
        if (path is null && !File.Exists(file))
        {
            return 0;
        }

        if (path is null)
        {
            // As `alert` and `demo` do before they load the default file: its local webhook's secret.
            LocalWebhook.PrepareDefault();
        }

        var (config, problems) = OnCallFile.Check(file);
        var all = problems.ToList();

        // Rules that ask for an action the file gives no endpoint for (an error once dry run is off).
        all.AddRange(config?.Actions.CheckAgainst(rules) ?? []);
        foreach (var receiver in config?.Receivers ?? [])
        {
            foreach (var secret in receiver.Settings.Secrets)
            {
                try
                {
                    secret.Resolve();
                }
                catch (OnCallConfigException ex)
                {
                    all.Add(new RuleProblem(receiver.Position.File, receiver.Position.Line, receiver.Position.Column, $"{ex.Message} (here; the service will not start without it)", IsError: false));
                }
            }
        }

        foreach (var problem in all)
        {
            stdout.Write(Wrap(problem.ToString()));
        }

        var errors = all.Count(p => p.IsError);
        var what = config is null ? "on-call file" : $"{config.Receivers.Count} receivers in the on-call file";
        stdout.WriteLine($"{what} {file}: {errors} errors, {all.Count - errors} warnings");
        return errors;
    }

    public static async Task<int> Test(IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var paths = Resolve(files, DefaultTests, stderr);
        if (paths is null)
        {
            return 2;
        }

        var (passed, failed, broken) = (0, 0, 0);
        foreach (var path in paths)
        {
            IReadOnlyList<RuleTestResult> results;
            try
            {
                results = await RuleTestRunner.RunFileAsync(path, ct);
            }
            catch (RuleFileException ex)
            {
                broken++;
                stdout.WriteLine($"ERROR {path}");
                foreach (var problem in ex.Problems)
                {
                    stdout.Write(Wrap(problem.ToString(), "  "));
                }

                continue;
            }

            foreach (var result in results)
            {
                stdout.Write(Wrap($"{(result.Passed ? "PASS" : "FAIL")}  {result.Name} ({Path.GetFileName(path)})"));
                foreach (var difference in result.Differences)
                {
                    stdout.Write(Wrap(difference, "      "));
                }

                (passed, failed) = result.Passed ? (passed + 1, failed) : (passed, failed + 1);
            }
        }

        var errors = broken > 0 ? $", {broken} files with errors" : "";
        stdout.WriteLine($"{passed + failed} tests in {Files(paths.Count)}: {passed} passed, {failed} failed{errors}");
        return failed + broken > 0 ? 1 : 0;
    }

    private static string Files(int n) => n == 1 ? "1 file" : $"{n} files";

    private static Task<int> Guarded(ParseResult parse, Func<TextWriter, TextWriter, Task<int>> body)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        return CommandSupport.Guard(() => body(stdout, stderr), stderr);
    }

    /// <summary>The files given, or every *.yaml of the default folder; null (after saying why) when there are none.</summary>
    private static List<string>? Resolve(IReadOnlyList<string> files, string folder, TextWriter stderr)
    {
        if (files.Count > 0)
        {
            return [.. files];
        }

        folder = AlertCommand.Locate(folder);
        var found = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal).ToList() : [];
        if (found.Count == 0)
        {
            stderr.WriteLine($"analytics: no files given and no {folder}/*.yaml here; run from the repository root or name the files");
            return null;
        }

        return found;
    }

    /// <summary>Wraps a line at spaces to fit 80 columns, continuing under an indent.</summary>
    private static string Wrap(string text, string indent = "")
    {
        var result = new StringBuilder();
        var line = new StringBuilder(indent);
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length + 1 > Width && line.Length > indent.Length + 4)
            {
                result.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear().Append(indent).Append("    ");
            }

            line.Append(word).Append(' ');
        }

        return result.Append(line.ToString().TrimEnd()).Append('\n').ToString();
    }
}
