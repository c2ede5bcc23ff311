using System.Globalization;
using System.Text;
using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

public sealed class NabCorpusTests
{
    private const string ProfilesJson = """
        {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
         "reward_low_FP_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.22, "tnWeight": 1.0}},
         "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0}}}
        """;

    /// <summary>Two groups: alpha/one.csv (40 rows, a window over rows 20..29) and beta/two.csv (20 rows, none).</summary>
    private const string WindowsJson = """
        {
          "alpha/one.csv": [["2014-04-01 00:20:00.000000", "2014-04-01 00:29:00.000000"]],
          "beta/two.csv": []
        }
        """;

    private static string Csv(int rows)
    {
        var text = new StringBuilder("timestamp,value\n");
        for (var row = 0; row < rows; row++)
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds(Time(row)).UtcDateTime;
            text.Append(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss},{row * 1.5}\n");
        }

        return text.ToString();
    }

    private static TempFolder Corpus(bool windows = true, bool profiles = true)
    {
        var folder = new TempFolder();
        folder.Write(Path.Combine("data", "alpha", "one.csv"), Csv(40));
        folder.Write(Path.Combine("data", "beta", "two.csv"), Csv(20));
        if (windows)
        {
            folder.Write("windows.json", WindowsJson);
        }

        if (profiles)
        {
            folder.Write("profiles.json", ProfilesJson);
        }

        return folder;
    }

    [Fact]
    public void A_corpus_loads_its_series_groups_windows_and_profiles()
    {
        using var folder = Corpus();

        var corpus = NabCorpus.Load(folder.Path);

        Assert.Equal(folder.Path, corpus.Root);
        Assert.Equal(["alpha/one.csv", "beta/two.csv"], corpus.Series.Select(s => s.Key));
        Assert.Equal(["alpha", "beta"], corpus.Series.Select(s => s.Group));
        Assert.Equal(NabProfile.Published, corpus.Profiles);

        var one = corpus.Series[0];
        Assert.Equal(Times(40), one.Timestamps);
        Assert.Equal(58.5, one.Values[39]);
        Assert.Equal(40, one.Layout.Rows);
        Assert.Equal(6, one.Layout.ProbationRows);
        Assert.Equal(1, one.Layout.WindowCount);
        Assert.Equal(one.Key, one.Layout.Key);
        var inWindow = Enumerable.Range(0, 40).Where(r => one.Layout.Window[r] == 0);
        Assert.Equal(Enumerable.Range(20, 10), inWindow);
        Assert.Equal(Layout(40, (20, 29)).Sigmoid, one.Layout.Sigmoid);

        var two = corpus.Series[1];
        Assert.Equal(20, two.Layout.Rows);
        Assert.Equal(0, two.Layout.WindowCount);
        Assert.Equal(3, two.Layout.ProbationRows);
        Assert.All(two.Layout.Window[3..], w => Assert.Equal(NabFileLayout.Outside, w));
    }

    [Fact]
    public void NABs_own_checkout_layout_is_read_too()
    {
        using var folder = Corpus(windows: false, profiles: false);
        folder.Write(Path.Combine("labels", "combined_windows.json"), WindowsJson);
        folder.Write(Path.Combine("config", "profiles.json"), ProfilesJson);

        var corpus = NabCorpus.Load(folder.Path);

        Assert.Equal(2, corpus.Series.Count);
        Assert.Equal(1, corpus.Series[0].Layout.WindowCount);
        Assert.Equal(3, corpus.Profiles.Count);
    }

    [Fact]
    public void A_folder_without_data_is_an_error()
    {
        using var folder = new TempFolder();
        folder.Write("windows.json", WindowsJson);
        folder.Write("profiles.json", ProfilesJson);

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Equal(folder.Path, error.Path);
        Assert.Contains("has no data/ folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_root_is_an_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), "nab-tests-missing-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(missing));

        Assert.Contains("is not a folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corpus_without_windows_json_is_an_error()
    {
        using var folder = Corpus(windows: false);

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Equal(folder.Path, error.Path);
        Assert.Contains("has no windows.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corpus_without_profiles_json_is_an_error()
    {
        using var folder = Corpus(profiles: false);

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Contains("has no profiles.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_without_an_entry_in_windows_json_is_an_error_naming_it()
    {
        using var folder = Corpus();
        folder.Write(Path.Combine("data", "beta", "three.csv"), Csv(20));

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Equal(Path.Combine(folder.Path, "windows.json"), error.Path);
        Assert.Contains("has no entry for beta/three.csv", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_windows_json_entry_without_a_csv_is_an_error_naming_it()
    {
        using var folder = Corpus();
        folder.Write("windows.json", WindowsJson.Replace("\"beta/two.csv\": []", "\"beta/two.csv\": [], \"gamma/four.csv\": []", StringComparison.Ordinal));

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Equal(Path.Combine(folder.Path, "windows.json"), error.Path);
        Assert.Contains("labels gamma/four.csv, which is not under data/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"alpha/one.csv": [["2014-04-01 00:20:00"]], "beta/two.csv": []}""", "is not a [start, end] pair")]
    [InlineData("""{"alpha/one.csv": [["2014-04-01 00:29:00", "2014-04-01 00:20:00"]], "beta/two.csv": []}""", "ends before it starts")]
    [InlineData("""{"alpha/one.csv": [["soon", "later"]], "beta/two.csv": []}""", "is not a date")]
    [InlineData("""{"alpha/one.csv": [["2014-04-01 00:20:30", "2014-04-01 00:20:50"]], "beta/two.csv": []}""", "covers no row")]
    [InlineData("not json", "is not a windows file")]
    public void Malformed_windows_are_errors(string windows, string problem)
    {
        using var folder = Corpus();
        folder.Write("windows.json", windows);

        var error = Assert.Throws<NabCorpusException>(() => NabCorpus.Load(folder.Path));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shared_nab_dev_corpus_loads()
    {
        var corpus = NabCorpus.Load(NabDev());

        Assert.Equal(13, corpus.Series.Count);
        Assert.Equal(25, corpus.Series.Sum(s => s.Layout.WindowCount));
        Assert.Equal(["artificialWithAnomaly", "realKnownCause"], corpus.Series.Select(s => s.Group).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(NabProfile.Published, corpus.Profiles);

        var taxi = corpus.Series.Single(s => s.Key == "realKnownCause/nyc_taxi.csv");
        Assert.Equal(10_320, taxi.Layout.Rows);
        Assert.Equal(10_320, taxi.Values.Length);
        Assert.Equal(750, taxi.Layout.ProbationRows);

        var jumpsUp = corpus.Series.Single(s => s.Key == "artificialWithAnomaly/art_daily_jumpsup.csv");
        Assert.Equal(4_032, jumpsUp.Layout.Rows);
        Assert.Equal(604, jumpsUp.Layout.ProbationRows);
        Assert.Equal(1, jumpsUp.Layout.WindowCount);

        // Every labelled window covers rows after probation, so each can be missed and the null score is −25 · fnWeight.
        foreach (var series in corpus.Series)
        {
            for (var w = 0; w < series.Layout.WindowCount; w++)
            {
                Assert.Contains(w, series.Layout.Window);
            }
        }
    }
}
