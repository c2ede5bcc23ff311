using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Analytics.Processors.ClickHouse;

internal static class ClickHouseConnectionExtensions
{
    /// <summary>
    /// Runs a query as JSONEachRow and returns one element per row. Whether 64-bit integers arrive quoted ("42")
    /// depends on the server's output_format_json_quote_64bit_integers (quoted on 18.16, bare on chDB 26.7); cast in
    /// SQL (toInt32, toFloat64) when a caller must work on both.
    /// </summary>
    public static async Task<IReadOnlyList<JsonElement>> QueryJsonRowsAsync(this IClickHouseConnection connection, string sql, CancellationToken ct = default)
    {
        var output = await connection.QueryAsync(sql, "JSONEachRow", ct);
        var rows = new List<JsonElement>();
        ReadOnlyMemory<byte> remaining = output;
        while (remaining.Length > 0)
        {
            var end = remaining.Span.IndexOf((byte)'\n');
            var line = end < 0 ? remaining : remaining[..end];
            remaining = end < 0 ? ReadOnlyMemory<byte>.Empty : remaining[(end + 1)..];
            if (line.Span.Trim((byte)' ').Length > 0)
            {
                using var document = JsonDocument.Parse(line);
                rows.Add(document.RootElement.Clone());
            }
        }

        return rows;
    }

    /// <summary>Runs a query and returns its output as UTF-8 text.</summary>
    public static async Task<string> QueryTextAsync(this IClickHouseConnection connection, string sql, string format = "TabSeparated", CancellationToken ct = default)
        => Encoding.UTF8.GetString(await connection.QueryAsync(sql, format, ct));

    /// <summary>The first column of the first row, parsed with the invariant culture; throws if the query returns no row.</summary>
    public static async Task<T> QueryScalarAsync<T>(this IClickHouseConnection connection, string sql, CancellationToken ct = default)
        where T : IParsable<T>
    {
        var text = await connection.QueryTextAsync(sql, "TabSeparated", ct);
        if (text.Length == 0)
        {
            throw new InvalidOperationException($"The query returned no rows: {sql}");
        }

        var line = text.AsSpan();
        var end = line.IndexOfAny('\t', '\n');
        return T.Parse(UnescapeTabSeparated(end < 0 ? line : line[..end]), CultureInfo.InvariantCulture);
    }

    /// <summary>A 64-bit integer of a JSON row: older ClickHouse servers quote them, chDB 26.7 does not.</summary>
    public static long GetInt64Quoted(this JsonElement e) => e.ValueKind == JsonValueKind.String
        ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture)
        : e.GetInt64();

    /// <summary>Inserts rows serialized as JSONEachRow (one JSON object per row).</summary>
    public static Task InsertJsonRowsAsync<T>(
        this IClickHouseConnection connection, string table, IEnumerable<T> rows, JsonSerializerOptions? options = null, CancellationToken ct = default)
    {
        var buffer = new MemoryStream();
        foreach (var row in rows)
        {
            JsonSerializer.Serialize(buffer, row, options);
            buffer.WriteByte((byte)'\n');
        }

        return connection.InsertAsync(table, "JSONEachRow", buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    /// <summary>
    /// Inserts rows as JSONEachRow, each object's fields written by <paramref name="write"/> (for column
    /// formats the serializer would not produce, such as DateTime64 text).
    /// </summary>
    public static Task InsertJsonRowsAsync<T>(
        this IClickHouseConnection connection, string table, IEnumerable<T> rows, Action<Utf8JsonWriter, T> write, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            foreach (var row in rows)
            {
                w.Reset(buffer);
                w.WriteStartObject();
                write(w, row);
                w.WriteEndObject();
                w.Flush();
                buffer.WriteByte((byte)'\n');
            }
        }

        return connection.InsertAsync(table, "JSONEachRow", buffer.ToArray(), ct);
    }

    private static string UnescapeTabSeparated(ReadOnlySpan<char> value)
    {
        if (!value.Contains('\\'))
        {
            return value.ToString();
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                builder.Append(value[i]);
                continue;
            }

            builder.Append(value[++i] switch
            {
                't' => '\t',
                'n' => '\n',
                'r' => '\r',
                '0' => '\0',
                'b' => '\b',
                'f' => '\f',
                var other => other,
            });
        }

        return builder.ToString();
    }
}
