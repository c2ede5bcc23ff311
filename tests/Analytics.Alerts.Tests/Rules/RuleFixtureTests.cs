using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Testing;

namespace Analytics.Alerts.Tests.Rules;

/// <summary>The default rule pack loads cleanly and its fixtures (alerts/rules/tests) pass, as in CI.</summary>
public sealed class RuleFixtureTests
{
    public static TheoryData<string> FixtureFiles() => [.. RuleFiles.Fixtures.Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public async Task Every_fixture_passes(string name)
    {
        var results = await RuleTestRunner.RunFileAsync(Path.Combine(RuleFiles.Root, "alerts", "rules", "tests", name), CancellationToken.None);

        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {string.Join("; ", r.Differences)}"));
    }

    [Fact]
    public void The_default_pack_has_no_errors_or_warnings()
    {
        var (set, problems) = RuleSet.Check([RuleFiles.Pack]);

        Assert.Empty(problems);
        Assert.True(set.Rules.Count >= 8);
    }

    [Fact]
    public void Every_rule_of_the_pack_is_expected_to_fire_in_some_fixture()
    {
        var rules = RuleSet.Load([RuleFiles.Pack]).Rules.Select(r => r.Name);
        var firing = new HashSet<string>();
        foreach (var path in RuleFiles.Fixtures)
        {
            var problems = new List<RuleProblem>();
            var file = RuleTestFile.Parse(path, File.ReadAllText(path), problems);
            Assert.NotNull(file);
            firing.UnionWith(file.Tests.SelectMany(t => t.Expectations).SelectMany(x => x.Alerts).Where(a => a.State == AlertState.Firing).Select(a => a.Rule));
        }

        Assert.Empty(rules.Except(firing));
    }

    [Fact]
    public void The_severities_follow_their_meanings()
    {
        var rules = RuleSet.Load([RuleFiles.Pack]).Rules.ToDictionary(r => r.Name);

        // Start failures on a POP or a CDN are the service down for its viewers; one title is not.
        Assert.Equal(Severity.P0, rules["PopStartFailures"].Severity);
        Assert.Equal(Severity.P0, rules["CdnStartFailures"].Severity);
        Assert.Equal(Severity.P1, rules["IspRebuffering"].Severity);
        Assert.Equal(Severity.P2, rules["TitleStartFailures"].Severity);
        Assert.Equal(Severity.P2, rules["CdnCacheHitDrop"].Severity);
    }

    [Fact]
    public async Task A_wrong_expectation_fails_with_the_difference()
    {
        var dir = Directory.CreateTempSubdirectory("rules-").FullName;
        try
        {
            var test = Path.Combine(dir, "t.yaml");
            File.WriteAllText(test, $$"""
                rule_files: [{{RuleFiles.Pack}}]
                window: 1m
                start: 2026-01-15T12:00:00Z
                tests:
                  - name: wrong on purpose
                    series:
                      - slice: {cdn: oca, pop: iad-2}
                        values: {attempts: "200x2", video_start_failures: "100x2"}
                    expect:
                      - at: 0
                        rule: PopStartFailures
                        alerts: []
                """);

            var result = Assert.Single(await RuleTestRunner.RunFileAsync(test, CancellationToken.None));

            Assert.False(result.Passed);
            Assert.Contains("unexpected PopStartFailures cdn=oca,pop=iad-2 firing", Assert.Single(result.Differences), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
