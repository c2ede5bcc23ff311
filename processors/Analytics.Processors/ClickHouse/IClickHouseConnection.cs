namespace Analytics.Processors.ClickHouse;

/// <summary>
/// One way to talk to ClickHouse: the embedded chDB engine (<see cref="ChDbConnection"/>) or a server over HTTP
/// (<see cref="HttpClickHouseConnection"/>). Implementations are safe to call from several threads; whether
/// statements run concurrently is up to the backend (chDB runs one at a time per connection).
/// Failures are <see cref="ClickHouseException"/>s; read <c>IsTransient</c>, never the message.
/// </summary>
internal interface IClickHouseConnection : IAsyncDisposable
{
    /// <summary>Where this connection points, for logs and error messages: "chdb:/path" or "http://host:8123 (db analytics)".</summary>
    string Description { get; }

    /// <summary>Runs a statement (DDL, INSERT … SELECT, OPTIMIZE …) and discards its output.</summary>
    Task ExecuteAsync(string sql, CancellationToken ct = default);

    /// <summary>
    /// Runs a query and returns its raw output in <paramref name="format"/> ("JSONEachRow", "TabSeparated",
    /// "CSVWithNames", "Native", …). A FORMAT clause inside <paramref name="sql"/> wins over <paramref name="format"/>.
    /// </summary>
    Task<byte[]> QueryAsync(string sql, string format, CancellationToken ct = default);

    /// <summary>Runs <c>INSERT INTO {table} FORMAT {format}</c> with <paramref name="data"/> as the rows.</summary>
    Task InsertAsync(string table, string format, ReadOnlyMemory<byte> data, CancellationToken ct = default);
}
