using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Progress;

/// <summary>One partition's window progress, as recorded once the rows it covers are durable.</summary>
internal readonly record struct PartitionProgress(PartitionId Partition, WindowProgress Windows);

/// <summary>
/// The consumer group's progress: its low watermarks over every partition of the topic. A window is
/// closed for the group when every partition has fired it, and final when none can correct it.
/// </summary>
internal sealed record GroupProgress(
    string Source,
    int TopicPartitions,
    int Reporting,
    long ClosedThroughMs,
    long FinalThroughMs,
    IReadOnlyList<int> Silent)
{
    /// <summary>Whether every partition of the topic has reported; until then nothing is closed for the group.</summary>
    public bool Complete => Reporting >= TopicPartitions && TopicPartitions > 0;
}

/// <summary>
/// Records window progress in <c>pipeline_progress</c> (one row per partition, the latest wins) and
/// reads the group's low watermarks back. The sink writes it after the rows of every flush, so a
/// reader that sees a window final also sees every row of it.
/// </summary>
internal sealed class ProgressStore
{
    public const string Table = "pipeline_progress";
    private readonly IClickHouseConnection _connection;
    private readonly string _table;
    private readonly string _group;
    private readonly string _instance;
    private readonly TimeProvider _time;

    public ProgressStore(IClickHouseConnection connection, string database, string consumerGroup, string instance, TimeProvider time)
    {
        _connection = connection;
        _table = $"{database}.{Table}";
        _group = consumerGroup;
        _instance = instance;
        _time = time;
    }

    /// <summary>The topic's partition count, written beside each row so readers know how many to wait for.</summary>
    public int TopicPartitions { get; set; }

    public async Task SaveAsync(IReadOnlyCollection<PartitionProgress> progress, CancellationToken ct)
    {
        if (progress.Count == 0)
        {
            return;
        }

        var now = Format(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var rows = progress.Select(p => new Row(
            _group,
            p.Partition.Source,
            p.Partition.Partition,
            Math.Max(TopicPartitions, p.Partition.Partition + 1),
            _instance,
            p.Windows.NextOffset,
            p.Windows.Watermark,
            Format(p.Windows.ClosedThroughMs),
            Format(p.Windows.FinalThroughMs),
            now));
        await _connection.InsertJsonRowsAsync(_table, rows, RowJson.Options, ct);
    }

    /// <summary>
    /// The group's progress over the latest source it wrote (a new cluster or topic starts a new
    /// source), or null while no partition has reported.
    /// </summary>
    public async Task<GroupProgress?> ReadGroupAsync(CancellationToken ct)
    {
        var sql = string.Create(CultureInfo.InvariantCulture, $"""
            SELECT source, source_partition, topic_partitions,
                   toUnixTimestamp64Milli(closed_through) AS closed, toUnixTimestamp64Milli(final_through) AS final
            FROM {_table} FINAL
            WHERE consumer_group = {ClickHouseSql.Quote(_group)}
              AND source = (SELECT argMax(source, updated_at) FROM {_table} WHERE consumer_group = {ClickHouseSql.Quote(_group)})
            """);
        var rows = await _connection.QueryJsonRowsAsync(sql, ct);
        if (rows.Count == 0)
        {
            return null;
        }

        var partitions = rows.Max(r => Int(r, "topic_partitions"));
        var seen = rows.Select(r => Int(r, "source_partition")).ToHashSet();
        var silent = Enumerable.Range(0, partitions).Where(p => !seen.Contains(p)).ToList();
        return new GroupProgress(
            rows[0].GetProperty("source").GetString()!,
            partitions,
            seen.Count,
            rows.Min(r => Long(r, "closed")),
            rows.Min(r => Long(r, "final")),
            silent);
    }

    private static int Int(JsonElement row, string name) => (int)row.GetProperty(name).GetInt64Quoted();

    private static long Long(JsonElement row, string name) => row.GetProperty(name).GetInt64Quoted();

    // Before the first sweep a boundary is long.MinValue: stored as the epoch.
    private static string Format(long ms) => EventTime.Format(Math.Max(0, ms));

    private sealed record Row(
        [property: JsonPropertyName("consumer_group")] string ConsumerGroup,
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("source_partition")] int SourcePartition,
        [property: JsonPropertyName("topic_partitions")] int TopicPartitions,
        [property: JsonPropertyName("instance")] string Instance,
        [property: JsonPropertyName("next_offset")] long NextOffset,
        [property: JsonPropertyName("watermark")] long Watermark,
        [property: JsonPropertyName("closed_through")] string ClosedThrough,
        [property: JsonPropertyName("final_through")] string FinalThrough,
        [property: JsonPropertyName("updated_at")] string UpdatedAt);

    private static class RowJson
    {
        public static readonly JsonSerializerOptions Options = new();
    }
}
