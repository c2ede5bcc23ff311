using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Alerts.Detectors;
using Analytics.Cli.Tests.Deployment;

namespace Analytics.Cli.Tests.Commands;

/// <summary>
/// <c>analytics detect score</c> on the vendored nab-dev corpus, and docs/detection.md held to what it prints.
/// </summary>
public sealed partial class DetectScoreCommandTests
{
    private static readonly string Corpus = Path.Combine(RepositoryFiles.Checkout.Root, "tests", "data", "nab-dev");

    private static string Doc => File.ReadAllText(Path.Combine(RepositoryFiles.Checkout.Root, "docs", "detection.md"));

    [Fact]
    public async Task The_scores_in_the_docs_are_the_scores_the_command_prints()
    {
        var run = await Score("--corpus", Corpus, "--detector", "ensemble");

        Assert.Equal(0, run.Code);
        var rows = run.Output.Split('\n').Where(l => l.StartsWith("ensemble ", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        var (whole, group, file) = (Numbers(rows[0]), Numbers(rows[1]), Numbers(rows[2]));

        var doc = Doc;
        Assert.Contains(F($"| **ensemble** | **{whole[0]:F1}** | **{whole[1]:F1}** | **{whole[2]:F1}** | {whole[3]:F4} |"), doc, StringComparison.Ordinal);
        Assert.Contains(F($"| leave one group out (tune on one group, score the other) | {group[0]:F1} | {group[1]:F1} | {group[2]:F1} |"), doc, StringComparison.Ordinal);
        Assert.Contains(F($"| leave one file out (tune on 12 files, score the 13th) | {file[0]:F1} | {file[1]:F1} | {file[2]:F1} |"), doc, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_detector_is_in_the_docs_table()
    {
        var doc = Doc;
        Assert.All(DetectorCatalog.Names, name => Assert.Matches(new Regex($@"^\| `{name}`", RegexOptions.Multiline), doc));
    }

    [Fact]
    public void Every_analytics_command_in_the_docs_parses()
    {
        var commands = CommandLine().Matches(Doc).Select(m => m.Groups["args"].Value.Trim()).ToList();
        Assert.True(commands.Count >= 5, $"only {commands.Count} commands found");
        foreach (var command in commands)
        {
            // Optional parts in [brackets] and trailing # comments are prose, not arguments.
            var args = Optional().Replace(command.Split('#')[0], " ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var parse = Program.CreateRootCommand().Parse(args);
            Assert.True(parse.Errors.Count == 0, $"{command}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
    }

    [Fact]
    public async Task A_ratio_detector_cannot_be_scored_on_values()
    {
        var run = await Score("--corpus", Corpus, "--detector", "rate");

        Assert.Equal(2, run.Code);
        Assert.Contains("reads counts, not values", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_that_is_not_a_corpus_is_one_line_saying_what_it_lacks()
    {
        var empty = Directory.CreateTempSubdirectory("corpus-").FullName;
        try
        {
            var run = await Score("--corpus", empty);

            Assert.Equal(1, run.Code);
            Assert.Contains("has no data/ folder", Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private static double[] Numbers(string row)
        => [.. row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .Select(t => double.Parse(t, CultureInfo.InvariantCulture))];

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Output, string Error)> Score(params string[] args)
    {
        var (code, output, error) = await CliRun.InvokeAsync(["detect", "score", .. args]);
        return (code, output, error);
    }

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Optional();

    [GeneratedRegex(@"^\./analytics (?<args>(detect|query|demo|run)[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex CommandLine();
}
