using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Analytics.Alerts.Series;

/// <summary>
/// Streams a series CSV file in NAB's layout: a header <c>timestamp,value</c> (or
/// <c>timestamp,numerator,denominator</c>, a ratio series), then one row per point, in time order.
/// Every row is parsed and checked; the first bad one throws a <see cref="SeriesFormatException"/>
/// naming its line and column, so nothing is skipped silently. Lines are cut from one pooled buffer
/// and the fields parsed in place, so a row costs no allocation.
/// </summary>
internal sealed class SeriesCsvReader : IDisposable
{
    /// <summary>Longest line accepted: a row is a few dozen characters, so more means the wrong file.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>The headers accepted, as messages name them.</summary>
    public const string KnownHeaders = "timestamp,value or timestamp,numerator,denominator";

    private const int BufferSize = 64 * 1024;
    private const int ShownLength = 40;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly Decoder _decoder = Utf8.GetDecoder();
    private byte[] _bytes;
    private char[] _chars;
    private int _start;
    private int _end;
    private bool _eof;
    private long _line;
    private long _blankLine;
    private long _previousMs = long.MinValue;

    private SeriesCsvReader(Stream stream, string path, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Path = path;
        Length = stream.CanSeek ? stream.Length - stream.Position : null;
        _bytes = ArrayPool<byte>.Shared.Rent(BufferSize);
        _chars = ArrayPool<char>.Shared.Rent(BufferSize);
    }

    /// <summary>The file as the caller named it; messages start with it.</summary>
    public string Path { get; }

    /// <summary>What the header says the rows hold.</summary>
    public SeriesKind Kind { get; private set; }

    /// <summary>Rows returned so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes taken from the stream so far: at most one buffer (64 KiB) ahead of the last row returned.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Bytes the stream holds from where reading started, when it can tell (a file can; a pipe cannot).</summary>
    public long? Length { get; }

    /// <summary>Rows whose timestamp is earlier than the row before them; they are read in file order.</summary>
    public long EarlierRows { get; private set; }

    /// <summary>Opens a file and reads its header; a missing or unreadable file is a <see cref="SeriesFileException"/>.</summary>
    public static SeriesCsvReader Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new SeriesFileException(path, "is a folder; name a CSV file with the header " + KnownHeaders);
        }

        FileStream stream;
        try
        {
            // No FileStream buffer: the reader reads 64 KiB at a time itself.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SeriesFileException(path, "no such file; check the path");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SeriesFileException(path, $"cannot be opened: {ex.Message}");
        }

        return Create(stream, path, leaveOpen: false);
    }

    /// <summary>Reads the header from <paramref name="stream"/>; <paramref name="path"/> names it in messages.</summary>
    public static SeriesCsvReader Create(Stream stream, string path, bool leaveOpen = false)
    {
        var reader = new SeriesCsvReader(stream, path, leaveOpen);
        try
        {
            reader.ReadHeader();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next row, or false at the end of the file. The row's texts point into the reader's buffer and
    /// stay valid until the next call. Blank lines may end the file; anywhere else they are an error.
    /// </summary>
    public bool TryRead(out SeriesRow row)
    {
        ObjectDisposedException.ThrowIf(_chars.Length == 0, this);
        while (NextLine(out var line))
        {
            line = line.Trim();
            if (line.IsEmpty)
            {
                _blankLine = _blankLine == 0 ? _line : _blankLine;
                continue;
            }

            if (_blankLine != 0)
            {
                throw Error(_blankLine, SeriesFormatException.RowColumn, "the line is empty; blank lines may only end the file");
            }

            row = ParseRow(line);
            Rows++;
            return true;
        }

        row = default;
        return false;
    }

    public void Dispose()
    {
        if (_chars.Length == 0)
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<char>.Shared.Return(_chars);
        _bytes = [];
        _chars = [];
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void ReadHeader()
    {
        if (!NextLine(out var line))
        {
            throw Error(1, SeriesFormatException.HeaderColumn, $"the file is empty; expected the header {KnownHeaders}");
        }

        // The decoder passes a UTF-8 byte order mark through as U+FEFF, which is not white space.
        line = (line.StartsWith('\uFEFF') ? line[1..] : line).Trim();
        if (IsHeader(line, "timestamp", "value"))
        {
            Kind = SeriesKind.Value;
        }
        else if (IsHeader(line, "timestamp", "numerator", "denominator"))
        {
            Kind = SeriesKind.Ratio;
        }
        else
        {
            throw Error(1, SeriesFormatException.HeaderColumn, HeaderProblem(line));
        }
    }

    private static bool IsHeader(ReadOnlySpan<char> line, params ReadOnlySpan<string> names)
    {
        var i = 0;
        foreach (var range in line.Split(','))
        {
            if (i >= names.Length || !line[range].Trim().Equals(names[i++], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return i == names.Length;
    }

    private static string HeaderProblem(ReadOnlySpan<char> line)
    {
        if (line.IsEmpty)
        {
            return $"the first line is empty; expected the header {KnownHeaders}";
        }

        if (line.ContainsAny('\0', '\uFFFD'))
        {
            return "the file is not UTF-8 text (UTF-16? binary?); save it as UTF-8 CSV";
        }

        var comma = line.IndexOf(',');
        return SeriesTimestamp.TryParse((comma < 0 ? line : line[..comma]).Trim(), out _)
            ? "the first line is a row, not a header; add the line timestamp,value (or timestamp,numerator,denominator) above it"
            : $"header {Show(line)} is unknown; expected {KnownHeaders}";
    }

    private SeriesRow ParseRow(ReadOnlySpan<char> line)
    {
        var (expected, names) = Kind == SeriesKind.Value ? (2, "timestamp,value") : (3, "timestamp,numerator,denominator");
        var columns = line.Count(',') + 1;
        if (columns < expected)
        {
            var missing = names.Split(',')[columns];
            throw Error(_line, missing, $"{missing} is missing: the row has {Plural(columns, "column")}; expected {expected}: {names}");
        }

        if (columns > expected)
        {
            throw Error(_line, SeriesFormatException.RowColumn, $"the row has {columns} columns; expected {expected}: {names}");
        }

        var comma = line.IndexOf(',');
        var timestampText = line[..comma].Trim();
        var rest = line[(comma + 1)..];
        ReadOnlySpan<char> valueText, denominatorText = default;
        if (Kind == SeriesKind.Value)
        {
            valueText = rest.Trim();
        }
        else
        {
            comma = rest.IndexOf(',');
            valueText = rest[..comma].Trim();
            denominatorText = rest[(comma + 1)..].Trim();
        }

        var ms = Timestamp(timestampText);
        var value = Kind == SeriesKind.Value ? Number(valueText, "value", counts: false) : Number(valueText, "numerator", counts: true);
        var denominator = Kind == SeriesKind.Value ? double.NaN : Number(denominatorText, "denominator", counts: true);

        _previousMs = ms;
        return new SeriesRow(_line, ms, value, denominator, timestampText, valueText, denominatorText);
    }

    private long Timestamp(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            throw Error(_line, "timestamp", $"timestamp is empty; {SeriesTimestamp.Expected}");
        }

        if (!SeriesTimestamp.TryParse(text, out var ms))
        {
            throw Error(_line, "timestamp", $"timestamp {Show(text)} is not a date; {SeriesTimestamp.Expected}");
        }

        // Real series have them (NAB's machine_temperature_system_failure.csv does): scored in file
        // order, as NAB scores them, and counted so the summary can say so.
        if (ms < _previousMs)
        {
            EarlierRows++;
        }

        return ms;
    }

    private double Number(ReadOnlySpan<char> text, string column, bool counts)
    {
        if (text.IsEmpty)
        {
            throw Error(_line, column, $"{column} is empty; every row needs a number");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(_line, column, $"{column} {Show(text)} is not a number; write it like 10844 or 0.25");
        }

        if (!double.IsFinite(value))
        {
            throw Error(_line, column, $"{column} {Show(text)} is not a finite number; fill the gap or drop the row");
        }

        if (counts && value < 0)
        {
            throw Error(_line, column, $"{column} {Show(text)} is negative; a ratio's counts are 0 or more");
        }

        return value;
    }

    /// <summary>The next line without its line break, or false at the end of the stream.</summary>
    private bool NextLine(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            var pending = _chars.AsSpan(_start, _end - _start);
            var newline = pending.IndexOf('\n');
            if (newline < 0 && !_eof)
            {
                // One more for the '\r' of a CRLF line whose '\n' is not read yet.
                if (pending.Length > MaxLineLength + 1)
                {
                    throw Error(_line + 1, SeriesFormatException.RowColumn, $"the line is longer than {MaxLineLength} characters; is this a series CSV file?");
                }

                Fill();
                continue;
            }

            if (pending.IsEmpty)
            {
                line = default;
                return false;
            }

            var length = newline < 0 ? pending.Length : newline;
            line = pending[..length];
            _start += newline < 0 ? length : length + 1;
            _line++;
            line = line.EndsWith('\r') ? line[..^1] : line;
            if (line.Length > MaxLineLength)
            {
                throw Error(_line, SeriesFormatException.RowColumn, $"the line is longer than {MaxLineLength} characters; is this a series CSV file?");
            }

            return true;
        }
    }

    private void Fill()
    {
        // Move the unfinished line to the front: it is at most MaxLineLength, so most of the buffer is free.
        if (_start > 0)
        {
            _chars.AsSpan(_start, _end - _start).CopyTo(_chars);
            _end -= _start;
            _start = 0;
        }

        // UTF-8 never decodes to more chars than bytes, except a few for a sequence split across reads.
        var room = _chars.Length - _end - 4;
        int read;
        try
        {
            read = _stream.Read(_bytes, 0, Math.Min(_bytes.Length, room));
        }
        catch (IOException ex)
        {
            throw new SeriesFileException(Path, $"could not be read at byte {BytesRead}: {ex.Message}");
        }

        BytesRead += read;
        _eof = read == 0;
        _decoder.Convert(_bytes.AsSpan(0, read), _chars.AsSpan(_end), flush: _eof, out var used, out var produced, out _);
        Debug.Assert(used == read, "the char buffer has room for every byte read");
        _end += produced;
    }

    private SeriesFormatException Error(long line, string column, string reason) => new(Path, line, column, reason);

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    /// <summary>A field quoted for a one-line message: control characters hidden, long text cut.</summary>
    private static string Show(ReadOnlySpan<char> text)
    {
        var shown = text.Length > ShownLength ? string.Concat(text[..(ShownLength - 3)], "...") : text.ToString();
        return "\"" + string.Create(shown.Length, shown, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        }) + "\"";
    }
}
