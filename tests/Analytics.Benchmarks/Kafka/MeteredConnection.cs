using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// Counts the inserts going to a real chDB. With <c>discard</c>, every query and statement still goes
/// there (schema check, checkpoint loads) and checkpoints are stored, but every other insert is counted
/// and dropped: the processor's ceiling without the store.
/// </summary>
internal sealed class MeteredConnection : IClickHouseConnection
{
    private readonly IClickHouseConnection _inner;
    private readonly bool _discard;
    private long _inserts;
    private long _bytes;
    private long _checkpointBytes;

    public MeteredConnection(IClickHouseConnection inner, bool discard)
    {
        _inner = inner;
        _discard = discard;
    }

    public string Description => _discard ? $"{_inner.Description}, fact inserts discarded" : _inner.Description;

    /// <summary>Inserts other than checkpoints.</summary>
    public long Inserts => Interlocked.Read(ref _inserts);

    /// <summary>Bytes of those inserts, in the sink's own format.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes of checkpoint inserts, always stored: they are on the real path too.</summary>
    public long CheckpointBytes => Interlocked.Read(ref _checkpointBytes);

    public Task ExecuteAsync(string sql, CancellationToken ct = default) => _inner.ExecuteAsync(sql, ct);

    public Task<byte[]> QueryAsync(string sql, string format, CancellationToken ct = default) => _inner.QueryAsync(sql, format, ct);

    public Task InsertAsync(string table, string format, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        if (table.EndsWith("." + QoeTables.Checkpoints, StringComparison.Ordinal) || table == QoeTables.Checkpoints)
        {
            Interlocked.Add(ref _checkpointBytes, data.Length);
            return _inner.InsertAsync(table, format, data, ct);
        }

        Interlocked.Increment(ref _inserts);
        Interlocked.Add(ref _bytes, data.Length);
        return _discard ? Task.CompletedTask : _inner.InsertAsync(table, format, data, ct);
    }

    // The inner connection belongs to the caller.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
