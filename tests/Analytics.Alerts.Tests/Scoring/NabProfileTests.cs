using System.Globalization;
using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

public sealed class NabProfileTests
{
    /// <summary>NAB's config/profiles.json, as published.</summary>
    private const string NabProfilesJson = """
        {
        "standard": {
            "CostMatrix": {
                "tpWeight": 1.0,
                "fnWeight": 1.0,
                "fpWeight": 0.11,
                "tnWeight": 1.0
            }
          },
        "reward_low_FP_rate": {
            "CostMatrix": {
                "tpWeight": 1.0,
                "fnWeight": 1.0,
                "fpWeight": 0.22,
                "tnWeight": 1.0
            }
          },
        "reward_low_FN_rate": {
            "CostMatrix": {
                "tpWeight": 1.0,
                "fnWeight": 2.0,
                "fpWeight": 0.11,
                "tnWeight": 1.0
            }
          }
        }
        """;

    [Fact]
    public void Published_profiles_are_NABs_three()
        => Assert.Equal(Profiles, NabProfile.Published);

    [Fact]
    public void Loading_NABs_profiles_json_gives_the_published_profiles()
    {
        using var folder = new TempFolder();
        var path = folder.Write("profiles.json", NabProfilesJson);

        var loaded = NabProfile.Load(path);

        Assert.Equal(NabProfile.Published, loaded);
        Assert.Equal(0.22, loaded.Single(p => p.Name == "reward_low_FP_rate").FpWeight);
        Assert.Equal(2.0, loaded.Single(p => p.Name == "reward_low_FN_rate").FnWeight);
    }

    [Fact]
    public void The_shared_nab_dev_profiles_load_to_the_published_three()
        => Assert.Equal(NabProfile.Published, NabProfile.Load(Path.Combine(NabDev(), "profiles.json")));

    [Theory]
    [InlineData("tpWeight")]
    [InlineData("fpWeight")]
    [InlineData("fnWeight")]
    [InlineData("tnWeight")]
    public void A_missing_weight_is_an_error_naming_it(string weight)
    {
        using var folder = new TempFolder();
        var json = $"{{\"standard\": {Matrix(1.0, 0.11, 1.0, null)}, \"reward_low_FP_rate\": {Matrix(1.0, 0.22, 1.0, weight)}}}";
        var path = folder.Write("profiles.json", json);

        var error = Assert.Throws<NabCorpusException>(() => NabProfile.Load(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("reward_low_FP_rate", error.Message, StringComparison.Ordinal);
        Assert.Contains(weight, error.Message, StringComparison.Ordinal);

        // The same file with the weight in place loads.
        Assert.Equal(2, NabProfile.Load(folder.Write("complete.json", json.Replace(Matrix(1.0, 0.22, 1.0, weight), Matrix(1.0, 0.22, 1.0, null), StringComparison.Ordinal))).Count);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0,")]
    [InlineData("")]
    public void Text_that_is_not_JSON_is_an_error(string text)
    {
        using var folder = new TempFolder();
        var path = folder.Write("profiles.json", text);

        var error = Assert.Throws<NabCorpusException>(() => NabProfile.Load(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "must hold an object of profiles")]
    [InlineData("{}", "defines no profile")]
    [InlineData("{\"standard\": {\"Weights\": {}}}", "has no CostMatrix object")]
    [InlineData("{\"standard\": {\"CostMatrix\": {\"tpWeight\": \"1\", \"fpWeight\": 0.11, \"fnWeight\": 1, \"tnWeight\": 1}}}", "needs tpWeight")]
    [InlineData("{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1, \"fpWeight\": -0.11, \"fnWeight\": 1, \"tnWeight\": 1}}}", "needs fpWeight")]
    public void Malformed_profiles_are_errors(string text, string problem)
    {
        using var folder = new TempFolder();
        var path = folder.Write("profiles.json", text);

        var error = Assert.Throws<NabCorpusException>(() => NabProfile.Load(path));

        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    /// <summary>A CostMatrix object in NAB's format, without <paramref name="omit"/>.</summary>
    private static string Matrix(double tp, double fp, double fn, string? omit)
    {
        (string Name, double Value)[] weights = [("tpWeight", tp), ("fnWeight", fn), ("fpWeight", fp), ("tnWeight", 1.0)];
        var entries = weights.Where(w => w.Name != omit).Select(w => $"\"{w.Name}\": {w.Value.ToString("R", CultureInfo.InvariantCulture)}");
        return $"{{\"CostMatrix\": {{{string.Join(", ", entries)}}}}}";
    }
}
