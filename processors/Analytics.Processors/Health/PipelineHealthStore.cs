using System.Text.Json;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Health;

/// <summary>Appends an instance's samples to <c>pipeline_health</c>, one row per sample.</summary>
internal sealed class PipelineHealthStore
{
    public const string Table = "pipeline_health";
    private readonly IClickHouseConnection _connection;
    private readonly string _table;
    private readonly string _group;
    private readonly string _instance;

    public PipelineHealthStore(IClickHouseConnection connection, string database, string consumerGroup, string instance)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _table = $"{database}.{Table}";
        _group = consumerGroup;
        _instance = instance;
    }

    public Task SaveAsync(long atMs, IReadOnlyList<HealthSample> samples, CancellationToken ct)
    {
        if (samples.Count == 0)
        {
            return Task.CompletedTask;
        }

        var at = EventTime.Format(atMs);
        return _connection.InsertJsonRowsAsync(_table, samples, (w, s) => Write(w, at, s), ct);
    }

    private void Write(Utf8JsonWriter w, string at, HealthSample s)
    {
        w.WriteString("at", at);
        w.WriteString("consumer_group", _group);
        w.WriteString("instance", _instance);
        w.WriteString("metric", s.Metric);
        w.WriteNumber("source_partition", s.Partition);
        w.WriteString("reason", s.Reason);
        w.WriteNumber("value", s.Value);
    }
}
