using System.CommandLine;
using Analytics.Alerts;
using Analytics.Alerts.Detectors;
using Analytics.Alerts.Series;

namespace Analytics.Cli.Commands;

/// <summary>
/// <c>analytics detect</c>: scores every point of a series with one detector, in order, as NAB runs
/// detectors, and writes <c>timestamp,value,anomaly_score</c> with the input's own texts.
/// </summary>
internal static class DetectCommand
{
    // How often (in rows) the loop looks at Ctrl-C and the clock.
    private const int CheckEvery = 4096;

    public static Command Create(TimeProvider? time = null)
    {
        var input = new Option<string>("--input", "-i")
        {
            Description = "The series: CSV with the header timestamp,value (NAB's layout), one row per point in time order",
            HelpName = "file",
            Required = true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = $"Where to write {DetectOutput.Header} (- for stdout); a file appears only once complete",
            HelpName = "file",
            Required = true,
        };
        var detector = new Option<string>("--detector", "-d")
        {
            // One detector per line: the help wraps each under the option's column.
            Description = "The detector, one of:\n" + string.Join("\n", DetectorCatalog.Descriptions.Select(d => $"{d.Name}: {d.Description}")),
            DefaultValueFactory = _ => DetectorCatalog.Default,
            HelpName = "name",
        };
        var command = new Command("detect", "Score every point of a series with an anomaly detector (scores in [0, 1])")
        {
            input, output, detector, DetectScoreCommand.Create(),
        };
        command.SetAction((parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return CommandSupport.Guard(
                () => Task.FromResult(Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(detector)!, stdout, stderr, time ?? TimeProvider.System, ct)),
                stderr);
        });
        return command;
    }

    /// <summary>The command's work; exit code 2 for an unknown detector (a usage error), errors of the input or output throw.</summary>
    public static int Run(string inputPath, string outputPath, string detectorName, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken ct)
    {
        IDetector detector;
        try
        {
            detector = DetectorCatalog.Create(detectorName);
        }
        catch (UnknownDetectorException ex)
        {
            stderr.WriteLine($"analytics: {ex.Message}");
            return 2;
        }

        using var shutdown = new Shutdown();
        var stop = shutdown.Link(ct);
        using var reader = SeriesCsvReader.Open(inputPath);
        var values = detector as IAnomalyDetector;
        var ratios = detector as IRatioDetector;
        if ((reader.Kind == SeriesKind.Value && values is null) || (reader.Kind == SeriesKind.Ratio && ratios is null))
        {
            throw new DetectorSeriesException(inputPath, detector.Name, reader.Kind);
        }

        using var scores = DetectOutput.Open(outputPath, stdout, inputPath, ratios is null ? DetectOutput.Header : DetectOutput.RatioHeader);
        var progress = new DetectProgress(stderr, time, reader.Length);
        while (reader.TryRead(out var row))
        {
            if (values is not null)
            {
                scores.WriteRow(row.TimestampText, row.ValueText, values.Score(row.TimestampMs, row.Value));
            }
            else
            {
                scores.WriteRow(row.TimestampText, row.ValueText, row.DenominatorText, ratios!.Score(row.TimestampMs, row.Value, row.Denominator));
            }

            if (reader.Rows % CheckEvery == 0)
            {
                stop.ThrowIfCancellationRequested();
                progress.Report(reader.BytesRead, reader.Rows);
            }
        }

        scores.Commit();
        progress.Summary(reader.Rows, detector, reader.EarlierRows);
        return 0;
    }
}

/// <summary>The chosen detector cannot read this kind of series: rate reads counts, the others values.</summary>
internal sealed class DetectorSeriesException : AlertsException
{
    public DetectorSeriesException(string path, string detector, SeriesKind kind)
        : base(kind == SeriesKind.Ratio
            ? $"{path}: detector \"{detector}\" reads timestamp,value series; for timestamp,numerator,denominator use --detector rate"
            : $"{path}: detector \"{detector}\" reads timestamp,numerator,denominator series; for timestamp,value choose another detector")
    {
        Path = path;
        Detector = detector;
        Kind = kind;
    }

    public string Path { get; }

    public string Detector { get; }

    /// <summary>The kind of series the file holds.</summary>
    public SeriesKind Kind { get; }

    public override bool IsTransient => false;
}
