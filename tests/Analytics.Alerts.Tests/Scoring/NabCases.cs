using Analytics.Alerts.Scoring;

namespace Analytics.Alerts.Tests.Scoring;

/// <summary>
/// Small hand-made NAB files for the scoring tests: one row a minute, windows given by row, and the
/// expected values worked out here from NAB's formulas rather than with the production code.
/// </summary>
internal static class NabCases
{
    public const double Tolerance = 1e-12;

    public const long Minute = 60_000;

    /// <summary>2014-04-01T00:00:00Z.</summary>
    public const long Start = 1_396_310_400_000;

    /// <summary>NAB's three profiles, written out here so the tests do not lean on <see cref="NabProfile.Published"/>.</summary>
    public static NabProfile Standard { get; } = new("standard", 1.0, 0.11, 1.0, 1.0);

    public static NabProfile LowFp { get; } = new("reward_low_FP_rate", 1.0, 0.22, 1.0, 1.0);

    public static NabProfile LowFn { get; } = new("reward_low_FN_rate", 1.0, 0.11, 2.0, 1.0);

    public static IReadOnlyList<NabProfile> Profiles { get; } = [Standard, LowFp, LowFn];

    /// <summary>
    /// NAB's scaled sigmoid, 2/(1 + e^{5x}) − 1, and −1 for x &gt; 3, written out again in the tests on purpose:
    /// the expected values must not come from <see cref="NabFileLayout.ScaledSigmoid"/>.
    /// </summary>
    public static double S(double x) => x > 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * x))) - 1.0;

    /// <summary>A true positive's weighted value at relative position <paramref name="x"/> in its window.</summary>
    public static double Tp(double x, NabProfile profile) => S(x) * profile.TpWeight / S(-1.0);

    public static long Time(int row) => Start + (row * Minute);

    public static long[] Times(int rows) => [.. Enumerable.Range(0, rows).Select(Time)];

    /// <summary>A file of <paramref name="rows"/> rows with windows covering the given rows (inclusive).</summary>
    public static NabFileLayout Layout(int rows, params (int First, int Last)[] windows)
        => NabFileLayout.Create("test/file.csv", Times(rows), [.. windows.Select(w => (Time(w.First), Time(w.Last)))]);

    /// <summary>Scores of 0 everywhere but the given rows.</summary>
    public static double[] Scores(int rows, params (int Row, double Score)[] points)
    {
        var scores = new double[rows];
        foreach (var (row, score) in points)
        {
            scores[row] = score;
        }

        return scores;
    }

    /// <summary>Scores of 1 at the given rows (the detections at threshold 1) and 0 elsewhere.</summary>
    public static double[] Detections(int rows, params int[] detections)
        => Scores(rows, [.. detections.Select(r => (r, 1.0))]);

    public static NabSeries NabFile(string key, NabFileLayout layout)
        => new(key, Times(layout.Rows), new double[layout.Rows], layout);

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nab-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string relative, string text)
        {
            var file = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, text);
            return file;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The nab-dev corpus, vendored in the repository under tests/data/nab-dev.</summary>
    public static string NabDev()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Analytics.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var nabDev = System.IO.Path.Combine(dir.FullName, "tests", "data", "nab-dev");
        Assert.True(Directory.Exists(nabDev), $"{nabDev} is missing");
        return nabDev;
    }
}
