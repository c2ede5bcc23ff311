using System.Buffers;
using System.Globalization;
using System.Text;
using Analytics.Alerts;

namespace Analytics.Cli.Commands;

/// <summary>
/// Where <c>analytics detect</c> writes its scores: stdout (<c>-</c>), or a file that only ever appears
/// whole. A file is written beside its target under a temporary name and renamed over it by
/// <see cref="Commit"/>; disposing without committing deletes the temporary file, so a failed or
/// stopped run leaves the target as it was.
/// </summary>
internal sealed class DetectOutput : IDisposable
{
    /// <summary>The column header of the output for a value series.</summary>
    public const string Header = "timestamp,value,anomaly_score";

    /// <summary>The column header of the output for a ratio series.</summary>
    public const string RatioHeader = "timestamp,numerator,denominator,anomaly_score";

    /// <summary>
    /// Scores are written as the shortest text that parses back to the same double (.NET's "R"):
    /// 0, 1, 0.5, 0.3333333333333333, and E notation below 0.0001 (1.23E-05).
    /// </summary>
    public const string ScoreFormat = "R";

    // Rows are gathered into large writes: Console.Out flushes on every write.
    private const int BufferSize = 32 * 1024;

    private readonly TextWriter _writer;
    private readonly string _name;
    private readonly string? _target;
    private readonly string? _temp;
    private char[] _buffer = ArrayPool<char>.Shared.Rent(BufferSize);
    private int _used;
    private bool _committed;

    private DetectOutput(TextWriter writer, string name, string? target, string? temp)
    {
        _writer = writer;
        _name = name;
        _target = target;
        _temp = temp;
    }

    /// <summary>
    /// Starts the output, header included: <paramref name="stdout"/> for <c>-</c>, else a temporary file
    /// beside <paramref name="path"/>, which must not be the <paramref name="input"/> being read.
    /// </summary>
    public static DetectOutput Open(string path, TextWriter stdout, string? input = null, string header = Header)
    {
        DetectOutput output;
        if (path == "-")
        {
            output = new DetectOutput(stdout, "stdout", null, null);
        }
        else
        {
            var target = FullPath(path);
            if (input is not null && target == FullPath(input))
            {
                throw new DetectOutputException(path, "is the --input file; write the scores to another file");
            }

            var folder = Path.GetDirectoryName(target)!;
            if (Directory.Exists(target))
            {
                throw new DetectOutputException(path, "is a folder; name the file to write, e.g. scores.csv");
            }

            if (!Directory.Exists(folder))
            {
                throw new DetectOutputException(path, $"its folder {folder} does not exist; create it first");
            }

            var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Path.GetRandomFileName()}.tmp");
            try
            {
                var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
                output = new DetectOutput(new StreamWriter(stream, new UTF8Encoding(false), BufferSize), path, target, temp);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DetectOutputException(path, $"cannot be written in {folder}: {ex.Message}");
            }
        }

        output.Append(header);
        output.Append("\n");
        return output;
    }

    public void WriteRow(ReadOnlySpan<char> timestamp, ReadOnlySpan<char> value, double score)
        => WriteRow(timestamp, value, [], score);

    /// <summary>A row of a ratio series: the numerator's and the denominator's texts as given.</summary>
    public void WriteRow(ReadOnlySpan<char> timestamp, ReadOnlySpan<char> value, ReadOnlySpan<char> denominator, double score)
    {
        // Fields are at most one line of the input (4,096 characters) and a score at most 24.
        if (_used + timestamp.Length + value.Length + denominator.Length + 32 > _buffer.Length)
        {
            Flush();
        }

        var span = _buffer.AsSpan(_used);
        timestamp.CopyTo(span);
        var n = timestamp.Length;
        span[n++] = ',';
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = ',';
        if (!denominator.IsEmpty)
        {
            denominator.CopyTo(span[n..]);
            n += denominator.Length;
            span[n++] = ',';
        }

        score.TryFormat(span[n..], out var written, ScoreFormat, CultureInfo.InvariantCulture);
        n += written;
        span[n++] = '\n';
        _used += n;
    }

    /// <summary>Writes out the rest and, for a file, renames it to its target.</summary>
    public void Commit()
    {
        Flush();
        try
        {
            if (_target is null)
            {
                _writer.Flush();
            }
            else
            {
                _writer.Dispose();
                File.Move(_temp!, _target, overwrite: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DetectOutputException(_name, $"could not be written: {ex.Message}");
        }

        _committed = true;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = [];
        if (_target is null || _committed)
        {
            return;
        }

        // The run already failed; its error is the one to report, not this clean-up's.
        try
        {
            _writer.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        try
        {
            File.Delete(_temp!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DetectOutputException(path, $"is not a usable file name ({ex.Message})");
        }
    }

    private void Append(string text)
    {
        text.CopyTo(_buffer.AsSpan(_used));
        _used += text.Length;
    }

    private void Flush()
    {
        try
        {
            _writer.Write(_buffer, 0, _used);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DetectOutputException(_name, $"could not be written: {ex.Message}");
        }

        _used = 0;
    }
}

/// <summary>The scores cannot be written where --output says (no such folder, no permission, disk full).</summary>
internal sealed class DetectOutputException : AlertsException
{
    public DetectOutputException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The output as given to --output, or "stdout".</summary>
    public string Path { get; }

    public string Reason { get; }

    public override bool IsTransient => false;
}
