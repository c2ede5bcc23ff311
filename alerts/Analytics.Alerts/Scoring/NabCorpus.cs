using System.Text.Json;
using Analytics.Alerts.Series;

namespace Analytics.Alerts.Scoring;

/// <summary>
/// A labelled corpus in NAB's layout: <c>data/&lt;group&gt;/&lt;file&gt;.csv</c>, <c>windows.json</c> (keys
/// <c>group/file.csv</c>, each a list of [start, end] timestamps) and <c>profiles.json</c>. NAB's own
/// checkout keeps the last two as <c>labels/combined_windows.json</c> and <c>config/profiles.json</c>;
/// both places are read.
/// </summary>
internal sealed class NabCorpus
{
    private NabCorpus(string root, IReadOnlyList<NabSeries> series, IReadOnlyList<NabProfile> profiles)
    {
        Root = root;
        Series = series;
        Profiles = profiles;
    }

    public string Root { get; }

    public IReadOnlyList<NabSeries> Series { get; }

    public IReadOnlyList<NabProfile> Profiles { get; }

    public static NabCorpus Load(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new NabCorpusException(root, "is not a folder; expected data/, windows.json and profiles.json in it");
        }

        var data = Path.Combine(root, "data");
        if (!Directory.Exists(data))
        {
            throw new NabCorpusException(root, "has no data/ folder of <group>/<series>.csv files");
        }

        var windowsPath = FirstExisting(root, "windows.json", Path.Combine("labels", "combined_windows.json"))
            ?? throw new NabCorpusException(root, "has no windows.json (or labels/combined_windows.json) with the anomaly windows");
        var profilesPath = FirstExisting(root, "profiles.json", Path.Combine("config", "profiles.json"))
            ?? throw new NabCorpusException(root, "has no profiles.json (or config/profiles.json) with the cost matrices");
        var windows = LoadWindows(windowsPath);
        var series = new List<NabSeries>();
        foreach (var file in Directory.EnumerateFiles(data, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = Path.GetRelativePath(data, file).Replace('\\', '/');
            if (!windows.TryGetValue(key, out var labelled))
            {
                throw new NabCorpusException(windowsPath, $"has no entry for {key}; give it [] if the series has no anomaly");
            }

            var (timestamps, values) = ReadSeries(file);
            series.Add(new NabSeries(key, timestamps, values, NabFileLayout.Create(key, timestamps, labelled)));
        }

        foreach (var key in windows.Keys.Where(k => !series.Any(s => s.Key == k)))
        {
            throw new NabCorpusException(windowsPath, $"labels {key}, which is not under data/");
        }

        return series.Count > 0
            ? new NabCorpus(root, series, NabProfile.Load(profilesPath))
            : throw new NabCorpusException(data, "holds no .csv series");
    }

    private static string? FirstExisting(string root, params string[] candidates)
        => candidates.Select(c => Path.Combine(root, c)).FirstOrDefault(File.Exists);

    private static Dictionary<string, List<(long Start, long End)>> LoadWindows(string path)
    {
        var result = new Dictionary<string, List<(long, long)>>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var file in document.RootElement.EnumerateObject())
            {
                var list = new List<(long, long)>();
                foreach (var window in file.Value.EnumerateArray())
                {
                    if (window.GetArrayLength() != 2)
                    {
                        throw new NabCorpusException(path, $"a window of {file.Name} is not a [start, end] pair");
                    }

                    var start = LabelTime(path, file.Name, window[0].GetString());
                    var end = LabelTime(path, file.Name, window[1].GetString());
                    if (end < start)
                    {
                        throw new NabCorpusException(path, $"a window of {file.Name} ends before it starts");
                    }

                    list.Add((start, end));
                }

                result[file.Name] = [.. list.OrderBy(w => w.Item1)];
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new NabCorpusException(path, $"is not a windows file ({ex.Message})", ex);
        }

        return result;
    }

    private static long LabelTime(string path, string file, string? text)
        => SeriesTimestamp.TryParse(text, out var ms)
            ? ms
            : throw new NabCorpusException(path, $"window time \"{text}\" of {file} is not a date; {SeriesTimestamp.Expected}");

    private static (long[] Timestamps, double[] Values) ReadSeries(string file)
    {
        using var reader = SeriesCsvReader.Open(file);
        if (reader.Kind != SeriesKind.Value)
        {
            throw new NabCorpusException(file, "must be a timestamp,value series");
        }

        var timestamps = new List<long>();
        var values = new List<double>();
        while (reader.TryRead(out var row))
        {
            timestamps.Add(row.TimestampMs);
            values.Add(row.Value);
        }

        return ([.. timestamps], [.. values]);
    }
}
