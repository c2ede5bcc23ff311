using System.Text.RegularExpressions;

namespace Analytics.Processors.ClickHouse;

/// <summary>Checks for the names this layer splices into SQL (tables, databases, formats).</summary>
internal static partial class ClickHouseSql
{
    /// <summary>A plain identifier: letters, digits, underscore; not starting with a digit.</summary>
    public static bool IsIdentifier(string? name) => name is not null && Identifier().IsMatch(name);

    /// <summary>A database name as the stores splice it into SQL: a plain identifier.</summary>
    public static string RequireDatabase(string database)
        => IsIdentifier(database)
            ? database
            : throw new ArgumentException($"\"{database}\" is not a database name (letters, digits and _).", nameof(database));

    /// <summary>A table name as INSERT takes it: <c>table</c> or <c>database.table</c>, each part a plain identifier.</summary>
    public static string RequireTable(string table)
        => table is not null && Table().IsMatch(table)
            ? table
            : throw new ArgumentException($"\"{table}\" is not a table name (expected table or database.table, letters, digits and _).", nameof(table));

    /// <summary>A format name such as JSONEachRow.</summary>
    public static string RequireFormat(string format)
        => IsIdentifier(format)
            ? format
            : throw new ArgumentException($"\"{format}\" is not a ClickHouse format name (expected e.g. JSONEachRow, TabSeparated).", nameof(format));

    /// <summary>A string literal: single-quoted, with backslashes and quotes escaped.</summary>
    public static string Quote(string value)
        => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex Table();
}
