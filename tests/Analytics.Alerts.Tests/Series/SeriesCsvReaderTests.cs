using System.Globalization;
using System.Text;
using Analytics.Alerts.Series;

namespace Analytics.Alerts.Tests.Series;

public sealed class SeriesCsvReaderTests
{
    private const long April1 = 1_396_310_400_000; // 2014-04-01T00:00:00Z

    public static TheoryData<string, long> Timestamps => new()
    {
        { "2014-04-01 00:00:00", April1 },
        { "2014-04-01 00:00:00.000000", April1 },
        { "2014-04-01 00:00:01.5", April1 + 1_500 },
        { "2014-04-01 00:00:01.123999", April1 + 1_123 },
        { "2014-04-01T00:00:00", April1 },
        { "2014-04-01T00:00:00Z", April1 },
        { "2014-04-01t00:00:00z", April1 },
        { "2014-04-01T00:00:00.250Z", April1 + 250 },
        { "2014-04-01T02:00:00+02:00", April1 },
        { "2014-04-01T02:00:00+0200", April1 },
        { "2014-03-31T22:00:00-02", April1 },
        { "2014-03-31T22:30:00.000-01:30", April1 },
        { "2014-04-01T00:00", April1 },
        { "2014-04-01", April1 },
        { "2014-04-01 00:00:00Z", April1 },
        { "1396310400000", April1 },
        { "0", 0 },
        { "1970-01-01 00:00:00", 0 },
        { "1969-12-31 23:59:59", -1_000 },
        { "2016-02-29 12:00:00", 1_456_747_200_000 },
    };

    public static TheoryData<string> BadTimestamps =>
    [
        "2014-13-01 00:00:00", "2014-02-30 00:00:00", "2015-02-29 00:00:00", "2014-04-01 24:00:00", "2014-04-01 00:60:00",
        "2014-04-01 00:00:60", "2014-04-01 00:00:00.", "2014-04-01T00:00:00+25:00", "2014-04-01T00:00:00+02:60",
        "2014-04-01T00:00:00 UTC", "04/01/2014 00:00", "2014-4-1 0:00:00", "2014-04-01 00", "-1396310400000",
        "1.3963104E12", "9999999999999999", "0000-01-01", "yesterday",
    ];

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void Every_timestamp_form_becomes_unix_milliseconds(string text, long expected)
    {
        var row = Assert.Single(Read($"timestamp,value\n{text},1\n"));
        Assert.Equal(expected, row.Ms);
        Assert.Equal(text, row.TimestampText);
    }

    [Fact]
    public void The_parser_agrees_with_DateTimeOffset_over_many_random_times()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var ms = random.NextInt64(-30_000_000_000_000, 250_000_000_000_000);
            var offset = TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1));
            var time = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(offset);
            Assert.True(SeriesTimestamp.TryParse(time.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture), out var iso));
            Assert.True(SeriesTimestamp.TryParse(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), out var nab));
            Assert.Equal(ms, iso);
            Assert.Equal(ms, nab);
        }
    }

    [Theory]
    [MemberData(nameof(BadTimestamps))]
    public void A_timestamp_that_is_not_a_date_names_its_line_and_column(string text)
    {
        var error = Fail($"timestamp,value\n2014-01-01 00:00:00,1\n{text},2\n");

        Assert.Equal((3L, "timestamp"), (error.Line, error.Column));
        Assert.Contains($"\"{text}\" is not a date", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_is_one_line_with_path_line_and_what_is_accepted()
    {
        var error = Fail("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:00:00,2\n2014-13-01 00:00:00,3\n");

        Assert.Equal(
            "series.csv:4: timestamp \"2014-13-01 00:00:00\" is not a date; expected yyyy-MM-dd HH:mm:ss, ISO 8601 or epoch milliseconds",
            error.Message);
        Assert.Equal("series.csv", error.Path);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Rows_keep_their_texts_line_numbers_and_parsed_values()
    {
        var rows = Read("timestamp,value\n2014-04-01 00:00:00,10844\n2014-04-01 00:30:00,8127.50\n2014-04-01 01:00:00,-1.5e3\n");

        Assert.Equal(
            [(2L, April1, 10844.0, "2014-04-01 00:00:00", "10844"), (3L, April1 + 1_800_000, 8127.5, "2014-04-01 00:30:00", "8127.50"), (4L, April1 + 3_600_000, -1500.0, "2014-04-01 01:00:00", "-1.5e3")],
            rows.Select(r => (r.Line, r.Ms, r.Value, r.TimestampText, r.ValueText)));
        Assert.All(rows, r => Assert.True(double.IsNaN(r.Denominator)));
    }

    [Fact]
    public void A_bom_crlf_surrounding_whitespace_and_a_trailing_empty_line_are_tolerated()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(" Timestamp , VALUE \r\n  2014-04-01 00:00:00 ,\t1.50 \r\n2014-04-01 00:05:00,2\r\n\r\n")).ToArray();

        using var reader = SeriesCsvReader.Create(new MemoryStream(bytes), "bom.csv");
        var rows = Drain(reader);

        Assert.Equal(SeriesKind.Value, reader.Kind);
        Assert.Equal([(2L, "2014-04-01 00:00:00", "1.50", 1.5), (3L, "2014-04-01 00:05:00", "2", 2.0)], rows.Select(r => (r.Line, r.TimestampText, r.ValueText, r.Value)));
    }

    [Fact]
    public void The_last_row_needs_no_line_break_and_equal_timestamps_are_allowed()
    {
        var rows = Read("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:00:00,2");

        Assert.Equal([1.0, 2.0], rows.Select(r => r.Value));
    }

    [Fact]
    public void A_header_without_rows_is_an_empty_series()
    {
        Assert.Empty(Read("timestamp,value\n"));
    }

    [Fact]
    public void A_ratio_series_keeps_numerator_and_denominator()
    {
        using var reader = Reader("timestamp,numerator,denominator\n2014-04-01 00:00:00,3,120\n2014-04-01 00:01:00, 7 ,0\n2014-04-01 00:02:00,5.5,2.25\n");
        var rows = Drain(reader);

        Assert.Equal(SeriesKind.Ratio, reader.Kind);
        Assert.Equal(
            [(3.0, 120.0, "3", "120"), (7.0, 0.0, "7", "0"), (5.5, 2.25, "5.5", "2.25")],
            rows.Select(r => (r.Value, r.Denominator, r.ValueText, r.DenominatorText)));
    }

    [Theory]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,abc\n", 2, "value", "value \"abc\" is not a number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,nan\n", 2, "value", "value \"nan\" is not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,NaN\n", 2, "value", "value \"NaN\" is not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,-Infinity\n", 2, "value", "is not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1e999\n", 2, "value", "is not a finite number")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:01:00,\n", 3, "value", "value is empty")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:01:00\n", 3, "value", "value is missing: the row has 1 column; expected 2: timestamp,value")]
    [InlineData("timestamp,value\n,1\n", 2, "timestamp", "timestamp is empty")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1,x\n", 2, "row", "the row has 3 columns; expected 2: timestamp,value")]
    [InlineData("timestamp,value\n2014-04-01 00:00:00,1\n\n2014-04-01 00:01:00,2\n", 3, "row", "the line is empty; blank lines may only end the file")]
    [InlineData("timestamp,numerator,denominator\n2014-04-01 00:00:00,-1,10\n", 2, "numerator", "numerator \"-1\" is negative")]
    [InlineData("timestamp,numerator,denominator\n2014-04-01 00:00:00,1,nan\n", 2, "denominator", "denominator \"nan\" is not a finite number")]
    [InlineData("timestamp,numerator,denominator\n2014-04-01 00:00:00,1\n", 2, "denominator", "denominator is missing: the row has 2 columns; expected 3")]
    [InlineData("timestamp,numerator,denominator\n2014-04-01 00:00:00,1,2,3\n", 2, "row", "the row has 4 columns; expected 3")]
    public void Each_bad_row_names_its_line_and_column(string text, long line, string column, string reason)
    {
        var error = Fail(text);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal($"series.csv:{line}: {error.Reason}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_row_earlier_than_the_one_before_is_read_in_file_order_and_counted()
    {
        using var reader = SeriesCsvReader.Create(new MemoryStream("timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:04:59,2\n2014-04-01 00:06:00,3\n"u8.ToArray()), "t.csv");
        var values = new List<double>();
        while (reader.TryRead(out var row))
        {
            values.Add(row.Value);
        }

        Assert.Equal([1, 2, 3], values);
        Assert.Equal(1, reader.EarlierRows);
    }

    [Theory]
    [InlineData("", "the file is empty; expected the header timestamp,value or timestamp,numerator,denominator")]
    [InlineData("\n2014-04-01 00:00:00,1\n", "the first line is empty")]
    [InlineData("time,value\n2014-04-01 00:00:00,1\n", "header \"time,value\" is unknown; expected timestamp,value or timestamp,numerator,denominator")]
    [InlineData("timestamp,value,label\n", "is unknown; expected timestamp,value or timestamp,numerator,denominator")]
    [InlineData("timestamp\n", "is unknown")]
    [InlineData("2014-04-01 00:00:00,1\n", "the first line is a row, not a header; add the line timestamp,value")]
    public void A_file_without_a_known_header_says_which_headers_are_accepted(string text, string reason)
    {
        var error = Fail(text);

        Assert.Equal((1L, SeriesFormatException.HeaderColumn), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf16_file_is_told_to_be_saved_as_utf8()
    {
        using var stream = new MemoryStream(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("timestamp,value\n")).ToArray());

        var error = Assert.Throws<SeriesFormatException>(() => SeriesCsvReader.Create(stream, "wide.csv"));

        Assert.Contains("save it as UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_too_long_for_a_series_is_refused_without_reading_it_all()
    {
        var error = Fail("timestamp,value\n2014-04-01 00:00:00," + new string('1', 100_000) + "\n");

        Assert.Equal((2L, SeriesFormatException.RowColumn), (error.Line, error.Column));
        Assert.Contains("longer than 4096 characters", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_field_is_cut_in_the_message()
    {
        var error = Fail("timestamp,value\n2014-04-01 00:00:00," + new string('x', 500) + "\n");

        Assert.True(error.Message.Length < 160, error.Message);
    }

    [Fact]
    public void Rows_split_across_reads_parse_the_same_as_whole_ones()
    {
        var text = new StringBuilder("timestamp,value\r\n");
        for (var i = 0; i < 50_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeMilliseconds(April1 + (i * 60_000L)):yyyy-MM-dd HH:mm:ss},{i * 0.25}\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        using var whole = SeriesCsvReader.Create(new MemoryStream(bytes), "whole.csv");
        using var trickled = SeriesCsvReader.Create(new TrickleStream(bytes, 7), "trickled.csv");
        var expected = Drain(whole);

        Assert.Equal(50_000, expected.Count);
        Assert.Equal(expected, Drain(trickled));
        Assert.Equal((April1 + (49_999 * 60_000L), 49_999 * 0.25, 50_001L), (expected[^1].Ms, expected[^1].Value, expected[^1].Line));
    }

    [Fact]
    public void Multibyte_characters_split_across_reads_are_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:01:00,1€\n");

        var error = Assert.Throws<SeriesFormatException>(() => Drain(SeriesCsvReader.Create(new TrickleStream(bytes, 1), "euro.csv")));

        Assert.Contains("\"1€\" is not a number", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_counts_bytes_up_to_the_length_of_the_file()
    {
        var bytes = Encoding.UTF8.GetBytes("timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:01:00,2\n");
        using var reader = SeriesCsvReader.Create(new MemoryStream(bytes), "p.csv");
        using var pipe = SeriesCsvReader.Create(new TrickleStream(bytes, 5), "pipe");

        Drain(reader);
        Drain(pipe);

        Assert.Equal((bytes.Length, (long?)bytes.Length, 2L), (reader.BytesRead, reader.Length, reader.Rows));
        Assert.Equal((bytes.Length, (long?)null), (pipe.BytesRead, pipe.Length));
    }

    [Fact]
    public void A_missing_file_or_a_folder_is_a_file_error_not_a_crash()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-series-{Guid.NewGuid():N}.csv");

        var notFound = Assert.Throws<SeriesFileException>(() => SeriesCsvReader.Open(missing));
        var folder = Assert.Throws<SeriesFileException>(() => SeriesCsvReader.Open(Path.GetTempPath()));

        Assert.Equal($"{missing}: no such file; check the path", notFound.Message);
        Assert.Contains("is a folder", folder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_reads_a_file_from_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"series-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "timestamp,value\n2014-04-01 00:00:00,1\n");
        try
        {
            using var reader = SeriesCsvReader.Open(path);
            Assert.Single(Drain(reader));
            Assert.Equal(path, reader.Path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static SeriesCsvReader Reader(string text) => SeriesCsvReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(text)), "series.csv");

    private static List<Row> Read(string text)
    {
        using var reader = Reader(text);
        return Drain(reader);
    }

    private static SeriesFormatException Fail(string text) => Assert.Throws<SeriesFormatException>(() => Read(text));

    private static List<Row> Drain(SeriesCsvReader reader)
    {
        var rows = new List<Row>();
        while (reader.TryRead(out var r))
        {
            rows.Add(new Row(r.Line, r.TimestampMs, r.Value, r.Denominator, r.TimestampText.ToString(), r.ValueText.ToString(), r.DenominatorText.ToString()));
        }

        return rows;
    }

    private sealed record Row(long Line, long Ms, double Value, double Denominator, string TimestampText, string ValueText, string DenominatorText);

    /// <summary>A non-seekable stream that hands out at most a few bytes per read, like a slow pipe.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
