namespace Analytics.Processors.Sinks.RowBinary;

/// <summary>
/// The columns of one table as the sink writes them, in order, with their ClickHouse types. It is the
/// header of RowBinaryWithNamesAndTypes: ClickHouse matches columns by name and checks the types,
/// so a writer out of step with the schema fails loudly instead of shifting bytes into wrong columns.
/// </summary>
internal sealed class RowLayout
{
    public const string Format = "RowBinaryWithNamesAndTypes";

    public RowLayout(IReadOnlyList<(string Name, string Type)> columns)
    {
        Columns = columns;
        var header = new RowBinaryBuffer(1024);
        header.VarUInt((ulong)columns.Count);
        foreach (var (name, _) in columns)
        {
            header.String(name);
        }

        foreach (var (_, type) in columns)
        {
            header.String(type);
        }

        Header = header.Written.ToArray();
    }

    public IReadOnlyList<(string Name, string Type)> Columns { get; }

    /// <summary>The encoded header that starts every insert of rows in this layout.</summary>
    public byte[] Header { get; }
}
