using System.Text.RegularExpressions;
using Analytics.Cli.Tests.Deployment;

namespace Analytics.Cli.Tests.Commands;

/// <summary><c>analytics rules check</c> and <c>analytics rules test</c> on the repository's pack and on broken files.</summary>
public sealed class RulesCommandTests : IDisposable
{
    private static readonly string Rules = Path.Combine(RepositoryFiles.Checkout.Root, "alerts", "rules");
    private readonly string _dir = Directory.CreateTempSubdirectory("rules-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_default_pack_checks_clean()
    {
        var run = await Invoke("rules", "check", Path.Combine(Rules, "qoe.yaml"));

        Assert.Equal(0, run.Code);
        Assert.Matches(@"^\d+ rules in 1 file: 0 errors, 0 warnings\n\d+ receivers in the on-call file \S+oncall.yaml: 0 errors, 0 warnings\n$", run.Output);
    }

    [Fact]
    public async Task Errors_are_compiler_style_lines_within_80_columns_and_exit_1()
    {
        var file = Write("bad.yaml", """
            groups:
              - name: delivery
                window: 1m
                rules:
                  - name: PopStartFailures
                    metric: vsf_rat
                    by: [cdn, pop]
                    condition: {threshold: {above: 0.3, clear_below: 0.5}}
                    severity: P7
            """);

        var run = await Invoke("rules", "check", file);

        Assert.Equal(1, run.Code);
        Assert.Contains($"{file}:6:17: error: unknown metric \"vsf_rat\"; did you mean", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains($"{file}:9:19: error: severity \"P7\"", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("1 rules in 1 file: 3 errors, 0 warnings", run.Output, StringComparison.Ordinal);
        Assert.All(run.Output.Split('\n').Where(l => !l.Contains(_dir, StringComparison.Ordinal)), l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public async Task Overlaps_are_warnings_and_do_not_fail()
    {
        var rule = "      - name: {0}\n        metric: vsf_rate\n        by: [cdn]\n        condition: {{threshold: {{above: 0.2}}}}\n        severity: P0\n";
        var file = Write("overlap.yaml", "groups:\n  - name: g\n    window: 1m\n    rules:\n" + string.Format(null, rule, "A") + string.Format(null, rule, "B"));

        var run = await Invoke("rules", "check", file);

        Assert.Equal(0, run.Code);
        Assert.Contains("warning: rules A", run.Output, StringComparison.Ordinal);
        Assert.Contains("2 rules in 1 file: 0 errors, 1 warnings", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fixtures_pass()
    {
        var run = await Invoke(["rules", "test", .. Directory.GetFiles(Path.Combine(Rules, "tests"), "*.yaml")]);

        Assert.Equal(0, run.Code);
        Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"(\d+) tests in \d+ files: \1 passed, 0 failed\n$", run.Output);
    }

    [Fact]
    public async Task A_failing_test_prints_the_difference_and_exits_1()
    {
        var file = Write("t.yaml", $$"""
            rule_files: [{{Path.Combine(Rules, "qoe.yaml")}}]
            window: 1m
            start: 2026-01-15T12:00:00Z
            tests:
              - name: expects a page that does not come
                series:
                  - slice: {cdn: oca, pop: iad-2}
                    values: {attempts: "200", video_start_failures: "2"}
                expect:
                  - at: 0
                    alerts: [{rule: PopStartFailures, slice: "cdn=oca,pop=iad-2", state: firing}]
            """);

        var run = await Invoke("rules", "test", file);

        Assert.Equal(1, run.Code);
        Assert.Contains("FAIL  expects a page that does not come", run.Output, StringComparison.Ordinal);
        Assert.Contains("missing PopStartFailures cdn=oca,pop=iad-2 firing", Flat(run.Output), StringComparison.Ordinal);
        Assert.Contains("1 tests in 1 file: 0 passed, 1 failed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_test_file_is_reported_with_its_position()
    {
        var file = Write("broken.yaml", "rule_files: [x.yaml]\nwindow: 1m\nstart: yesterday\ntests: []\n");

        var run = await Invoke("rules", "test", file);

        Assert.Equal(1, run.Code);
        Assert.Contains($"{file}:3:8: error: start \"yesterday\"", Flat(run.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_files_it_checks_the_default_pack_that_travels_with_the_command()
    {
        // The test runs in its bin folder: alerts/rules is found beside the command, where the build copies it.
        var run = await Invoke("rules", "check");

        Assert.Equal(0, run.Code);
        Assert.Contains("rules in 1 file: 0 errors", Flat(run.Output), StringComparison.Ordinal);
    }

    /// <summary>The output with wrapped lines joined again.</summary>
    private static string Flat(string output) => Regex.Replace(output, @"\n +", " ");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Output, string Error)> Invoke(params string[] args)
    {
        var (code, output, error) = await CliRun.InvokeAsync(args);
        return (code, output, error);
    }
}
