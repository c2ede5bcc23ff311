using System.CommandLine;
using System.Globalization;
using System.Text;
using Analytics.Alerts.Detectors;
using Analytics.Cli.Tests.Deployment;

namespace Analytics.Cli.Tests.Commands;

/// <summary><c>analytics detect</c> run in-process on small files, its streams captured.</summary>
public sealed class DetectCommandTests : IDisposable
{
    private const long Start = 1_404_172_800_000; // 2014-07-01T00:00:00Z
    private readonly string _dir = Directory.CreateTempSubdirectory("detect-tests-").FullName;

    public static TheoryData<string> Detectors => [.. DetectorCatalog.Names.Where(n => DetectorCatalog.Create(n) is IAnomalyDetector)];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Detectors))]
    public async Task Every_row_is_echoed_in_order_with_the_score_the_detector_gives_it(string name)
    {
        var (input, points) = Series(3_000);

        var run = await Detect("--input", input, "--output", Output, "--detector", name);

        Assert.Equal(0, run.Code);
        var lines = File.ReadAllLines(Output);
        Assert.Equal("timestamp,value,anomaly_score", lines[0]);
        Assert.Equal(points.Count, lines.Length - 1);
        var reference = (IAnomalyDetector)DetectorCatalog.Create(name);
        for (var i = 0; i < points.Count; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal((points[i].TimestampText, points[i].ValueText), (fields[0], fields[1]));
            var score = double.Parse(fields[2], CultureInfo.InvariantCulture);
            Assert.InRange(score, 0, 1);
            // "R" round-trips, so the text is exactly the detector's score.
            Assert.Equal(reference.Score(points[i].Ms, points[i].Value), score);
        }

        Assert.Equal($"detect: 3,000 rows scored by {name} in", run.Error[..$"detect: 3,000 rows scored by {name} in".Length]);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Texts_are_echoed_as_written_without_surrounding_whitespace()
    {
        File.WriteAllText(Input, "timestamp,value\r\n2014-07-01T00:00:00Z, 1.50 \r\n1404172860000,2e3\r\n2014-07-01 00:02:00.000000,0003\r\n\r\n");

        var run = await Detect("-i", Input, "-o", "-");

        Assert.Equal(0, run.Code);
        Assert.Equal(
            ["timestamp,value,anomaly_score", "2014-07-01T00:00:00Z,1.50,0", "1404172860000,2e3,0", "2014-07-01 00:02:00.000000,0003,0"],
            run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Dash_writes_the_scores_to_stdout_and_only_the_summary_to_stderr()
    {
        var (input, points) = Series(500);

        var run = await Detect("--input", input, "--output", "-");

        Assert.Equal(0, run.Code);
        var lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(points.Count + 1, lines.Length);
        Assert.Equal($"{points[^1].TimestampText},{points[^1].ValueText},", lines[^1][..(lines[^1].LastIndexOf(',') + 1)]);
        var summary = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"detect: 500 rows scored by {DetectorCatalog.Default} in ", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("%", summary, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Theory]
    [InlineData("2014-07-01 00:05:00,abc", "value \"abc\" is not a number")]
    [InlineData("2014-07-01 00:05:00,nan", "value \"nan\" is not a finite number")]
    [InlineData("2014-07-01 00:05:00", "value is missing")]
    [InlineData("2014-07-01 00:05:00,1,2", "the row has 3 columns")]
    [InlineData("2014-13-01 00:05:00,1", "is not a date")]
    public async Task A_bad_row_is_one_line_with_its_line_number_and_leaves_no_output(string badRow, string reason)
    {
        File.WriteAllText(Input, $"timestamp,value\n2014-07-01 00:00:00,1\n2014-07-01 00:01:00,2\n{badRow}\n2014-07-01 00:06:00,3\n");

        var run = await Detect("--input", Input, "--output", Output);

        Assert.Equal(1, run.Code);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"analytics: {Input}:4: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.Equal(["input.csv"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_row_earlier_than_the_one_before_is_scored_in_file_order_and_reported()
    {
        File.WriteAllText(Input, "timestamp,value\n2014-07-01 00:00:00,1\n2014-07-01 00:01:00,2\n2014-06-30 23:00:00,5\n2014-07-01 00:06:00,3\n");

        var run = await Detect("--input", Input, "--output", Output);

        Assert.Equal(0, run.Code);
        Assert.Equal(5, File.ReadAllLines(Output).Length);
        Assert.Contains("1 earlier than the row before (scored in file order)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_leaves_the_previous_output_untouched()
    {
        File.WriteAllText(Output, "previous scores\n");
        File.WriteAllText(Input, "timestamp,value\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{Start + (i * 60_000L)},{i}\n")) + "oops,1\n");

        var run = await Detect("--input", Input, "--output", Output);

        Assert.Equal(1, run.Code);
        Assert.Contains(":20002: timestamp \"oops\" is not a date", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.Equal("previous scores\n", File.ReadAllText(Output));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task A_successful_run_replaces_an_existing_output()
    {
        File.WriteAllText(Output, "previous scores\n");
        var (input, points) = Series(10);

        Assert.Equal(0, (await Detect("--input", input, "--output", Output)).Code);

        Assert.Equal(points.Count + 1, File.ReadAllLines(Output).Length);
    }

    [Fact]
    public async Task A_missing_input_is_one_line_naming_the_path()
    {
        var missing = Path.Combine(_dir, "missing.csv");

        var run = await Detect("--input", missing, "--output", Output);

        Assert.Equal(1, run.Code);
        Assert.Equal($"analytics: {missing}: no such file; check the path", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task An_unknown_detector_is_a_usage_error_listing_the_known_ones()
    {
        var (input, _) = Series(10);

        var run = await Detect("--input", input, "--output", Output, "--detector", "magic");

        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("analytics: There is no detector \"magic\".", line, StringComparison.Ordinal);
        Assert.All(DetectorCatalog.Names, n => Assert.Contains(n, line, StringComparison.Ordinal));
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task The_help_lists_every_detector()
    {
        var run = await Detect("--help");

        Assert.All(DetectorCatalog.Descriptions, d => Assert.Contains($"{d.Name}: {d.Description}", run.Output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ratio_series_needs_the_rate_detector_and_the_other_way_round()
    {
        File.WriteAllText(Input, "timestamp,numerator,denominator\n2014-07-01 00:00:00,3,120\n");

        var run = await Detect("--input", Input, "--output", Output);

        Assert.Equal(1, run.Code);
        Assert.Contains("use --detector rate", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Output));

        var (values, _) = Series(10);
        var wrong = await Detect("--input", values, "--output", Output, "--detector", "rate");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("reads timestamp,numerator,denominator series", Assert.Single(wrong.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ratio_series_is_scored_by_the_rate_detector_with_its_counts_echoed()
    {
        var rows = new StringBuilder("timestamp,numerator,denominator\n");
        var counts = new List<(long Ms, int Failures, int Attempts)>();
        var random = new Random(5);
        for (var i = 0; i < 400; i++)
        {
            var attempts = 900 + random.Next(200);
            var failures = i == 350 ? attempts / 4 : Enumerable.Range(0, attempts).Count(_ => random.NextDouble() < 0.02);
            counts.Add((Start + (i * 60_000L), failures, attempts));
            rows.Append(CultureInfo.InvariantCulture, $"{counts[i].Ms},{failures},{attempts}\n");
        }

        File.WriteAllText(Input, rows.ToString());
        var run = await Detect("--input", Input, "--output", Output, "--detector", "rate");

        Assert.Equal(0, run.Code);
        var lines = File.ReadAllLines(Output);
        Assert.Equal("timestamp,numerator,denominator,anomaly_score", lines[0]);
        var reference = (IRatioDetector)DetectorCatalog.Create("rate");
        var scores = new double[counts.Count];
        for (var i = 0; i < counts.Count; i++)
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(counts[i].Failures.ToString(CultureInfo.InvariantCulture), fields[1]);
            scores[i] = double.Parse(fields[3], CultureInfo.InvariantCulture);
            Assert.Equal(reference.Score(counts[i].Ms, counts[i].Failures, counts[i].Attempts), scores[i]);
        }

        Assert.Equal(350, Array.IndexOf(scores, scores.Max()));
    }

    [Theory]
    [InlineData("no-such-folder/scores.csv", "does not exist; create it first")]
    [InlineData("series.csv", "is the --input file")]
    [InlineData(".", "is a folder")]
    public async Task An_unusable_output_is_one_line(string output, string reason)
    {
        var (input, _) = Series(10);

        var run = await Detect("--input", input, "--output", Path.Combine(_dir, output));

        Assert.Equal(1, run.Code);
        Assert.Contains(reason, Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_option_is_reported_by_the_parser_not_a_crash()
    {
        var run = await Detect("--output", Output);

        Assert.NotEqual(0, run.Code);
        Assert.Contains("--input", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_nab_taxi_series_gives_one_score_per_row()
    {
        var path = Path.Combine(RepositoryFiles.Checkout.Root, "tests", "data", "nab-dev", "data", "realKnownCause", "nyc_taxi.csv");
        Assert.True(File.Exists(path), $"The vendored NAB development corpus is missing: expected {path}.");

        var run = await Detect("--input", path, "--output", Output);

        Assert.Equal(0, run.Code);
        var input = File.ReadAllLines(path);
        var output = File.ReadAllLines(Output);
        Assert.Equal(10_321, output.Length);
        Assert.Equal(input.Length, output.Length);
        for (var i = 1; i < output.Length; i++)
        {
            Assert.StartsWith(input[i] + ",", output[i], StringComparison.Ordinal);
            Assert.InRange(double.Parse(output[i][(input[i].Length + 1)..], CultureInfo.InvariantCulture), 0, 1);
        }

        Assert.StartsWith("detect: 10,320 rows scored by ", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    private string Input => Path.Combine(_dir, "input.csv");

    private string Output => Path.Combine(_dir, "scores.csv");

    private static async Task<Run> Detect(params string[] args)
    {
        var (code, output, error) = await CliRun.InvokeAsync(["detect", .. args]);
        return new Run(code, output, error);
    }

    /// <summary>A 30-minute series with a daily cycle, noise and one spike, written as varied texts.</summary>
    private (string Path, List<(long Ms, double Value, string TimestampText, string ValueText)> Points) Series(int rows)
    {
        var random = new Random(11);
        var points = new List<(long, double, string, string)>();
        var text = new StringBuilder("timestamp,value\n");
        for (var i = 0; i < rows; i++)
        {
            var ms = Start + (i * 1_800_000L);
            var value = Math.Round(100 + (40 * Math.Sin(2 * Math.PI * i / 48)) + (random.NextDouble() * 5) + (i == rows * 3 / 4 ? 400 : 0), 3);
            var time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var timestampText = (i % 3) switch
            {
                0 => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                1 => time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                _ => ms.ToString(CultureInfo.InvariantCulture),
            };
            var valueText = value.ToString(i % 2 == 0 ? "0.000" : "R", CultureInfo.InvariantCulture);
            points.Add((ms, double.Parse(valueText, CultureInfo.InvariantCulture), timestampText, valueText));
            text.Append(CultureInfo.InvariantCulture, $"{timestampText},{valueText}\n");
        }

        var path = Path.Combine(_dir, "series.csv");
        File.WriteAllText(path, text.ToString());
        return (path, points);
    }

    private sealed record Run(int Code, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
