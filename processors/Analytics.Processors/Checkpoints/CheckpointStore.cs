using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;

namespace Analytics.Processors.Checkpoints;

/// <summary>A checkpoint to store: a partition's state and the offset it covers.</summary>
internal readonly record struct CheckpointToSave(PartitionId Partition, long NextOffset, long Watermark, byte[] Data);

/// <summary>A stored checkpoint: the partition state and the offset it covers.</summary>
internal sealed record StoredCheckpoint(ulong Id, long NextOffset, long Watermark, byte[] Data);

/// <summary>
/// Keeps partition checkpoints in ClickHouse, next to the rows they cover, so any processor instance
/// that takes over a partition finds them. Checkpoints are stored in one insert (all their chunks in one block),
/// so a crash never leaves half of one.
/// </summary>
internal sealed class CheckpointStore
{
    private const int ChunkBytes = 8 * 1024 * 1024;
    private readonly IClickHouseConnection _connection;
    private readonly string _table;
    private readonly string _consumerGroup;
    private readonly TimeProvider _time;
    private ulong _lastId;

    public CheckpointStore(IClickHouseConnection connection, string database, string consumerGroup, TimeProvider time)
    {
        _connection = connection;
        _table = $"{database}.{QoeTables.Checkpoints}";
        _consumerGroup = consumerGroup;
        _time = time;
    }

    public Task SaveAsync(PartitionId partition, long nextOffset, long watermark, byte[] data, CancellationToken ct)
        => SaveAsync([new CheckpointToSave(partition, nextOffset, watermark, data)], ct);

    /// <summary>Stores several partitions' checkpoints in one insert: one block, so all or none are stored.</summary>
    public async Task SaveAsync(IReadOnlyList<CheckpointToSave> checkpoints, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            foreach (var (partition, nextOffset, watermark, data) in checkpoints)
            {
                var id = Math.Max((ulong)now.ToUnixTimeMilliseconds(), _lastId + 1);
                _lastId = id;
                var chunks = Math.Max(1, (data.Length + ChunkBytes - 1) / ChunkBytes);
                for (var i = 0; i < chunks; i++)
                {
                    var slice = data.AsSpan(i * ChunkBytes, Math.Min(ChunkBytes, data.Length - (i * ChunkBytes)));
                    w.Reset(buffer);
                    w.WriteStartObject();
                    w.WriteString("consumer_group", _consumerGroup);
                    w.WriteString("source", partition.Source);
                    w.WriteNumber("source_partition", partition.Partition);
                    w.WriteNumber("checkpoint_id", id);
                    w.WriteNumber("next_offset", nextOffset);
                    w.WriteNumber("watermark", watermark);
                    WriteTime(w, "created_at"u8, now.ToUnixTimeMilliseconds());
                    w.WriteNumber("chunk", i);
                    w.WriteNumber("chunks", chunks);
                    w.WriteBase64String("data", slice);
                    w.WriteEndObject();
                    w.Flush();
                    buffer.WriteByte((byte)'\n');
                }
            }
        }

        await _connection.InsertAsync(_table, "JSONEachRow", buffer.ToArray(), ct);
    }

    public async Task<StoredCheckpoint?> LoadAsync(PartitionId partition, CancellationToken ct)
    {
        var where = string.Create(
            CultureInfo.InvariantCulture,
            $"consumer_group = {ClickHouseSql.Quote(_consumerGroup)} AND source = {ClickHouseSql.Quote(partition.Source)} AND source_partition = {partition.Partition}");
        var sql = $"SELECT checkpoint_id, next_offset, watermark, chunk, chunks, data FROM {_table} "
            + $"WHERE {where} AND checkpoint_id = (SELECT max(checkpoint_id) FROM {_table} WHERE {where}) ORDER BY chunk";
        var output = await _connection.QueryAsync(sql, "JSONEachRow", ct);
        var rows = Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var first = rows[0];
        var expected = first.GetProperty("chunks").GetInt32();
        if (rows.Count != expected)
        {
            throw new CheckpointException($"The latest checkpoint of {partition} has {rows.Count} of its {expected} chunks. Delete it from {_table} to fall back to the previous one.");
        }

        using var data = new MemoryStream();
        foreach (var row in rows)
        {
            data.Write(Convert.FromBase64String(row.GetProperty("data").GetString()!));
        }

        return new StoredCheckpoint(
            (ulong)first.GetProperty("checkpoint_id").GetInt64Quoted(),
            first.GetProperty("next_offset").GetInt64Quoted(),
            first.GetProperty("watermark").GetInt64Quoted(),
            data.ToArray());
    }

    /// <summary>DateTime64(3) columns take 'YYYY-MM-DD hh:mm:ss.fff' in UTC (a fractional number is refused).</summary>
    private static void WriteTime(Utf8JsonWriter w, ReadOnlySpan<byte> name, long ms)
    {
        Span<byte> text = stackalloc byte[23];
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.TryFormat(text, out var n, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        w.WriteString(name, text[..n]);
    }

}
