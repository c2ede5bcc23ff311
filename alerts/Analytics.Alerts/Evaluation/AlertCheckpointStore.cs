using System.Text.Json.Serialization;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Alerts.Evaluation;

/// <summary>A saved evaluator: the windows judged (<see cref="WindowSchedule.Save"/>) and the rules' state.</summary>
internal sealed record AlertCheckpoint(string EvaluatedThrough, byte[] State);

/// <summary>Keeps the evaluator's checkpoints in <c>alert_checkpoints</c>; the newest one wins.</summary>
internal sealed class AlertCheckpointStore
{
    private readonly IClickHouseConnection _connection;
    private readonly string _table;
    private readonly string _evaluator;
    private readonly TimeProvider _time;
    private ulong _lastId;

    public AlertCheckpointStore(IClickHouseConnection connection, string database, string evaluator, TimeProvider time)
    {
        _connection = connection;
        _table = $"{database}.alert_checkpoints";
        _evaluator = evaluator;
        _time = time;
    }

    public async Task SaveAsync(AlertCheckpoint checkpoint, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        _lastId = Math.Max((ulong)now.ToUnixTimeMilliseconds(), _lastId + 1);
        var row = new Row(
            _evaluator,
            _lastId,
            EventTime.Format(now.ToUnixTimeMilliseconds()),
            checkpoint.EvaluatedThrough,
            Convert.ToBase64String(checkpoint.State));
        await _connection.InsertJsonRowsAsync(_table, [row], ct: ct);
    }

    public async Task<AlertCheckpoint?> LoadAsync(CancellationToken ct)
    {
        var sql = $"SELECT evaluated_through, state FROM {_table} WHERE evaluator = {ClickHouseSql.Quote(_evaluator)} ORDER BY checkpoint_id DESC LIMIT 1";
        var rows = await _connection.QueryJsonRowsAsync(sql, ct);
        if (rows.Count == 0)
        {
            return null;
        }

        return new AlertCheckpoint(rows[0].GetProperty("evaluated_through").GetString()!, Convert.FromBase64String(rows[0].GetProperty("state").GetString()!));
    }

    private sealed record Row(
        [property: JsonPropertyName("evaluator")] string Evaluator,
        [property: JsonPropertyName("checkpoint_id")] ulong CheckpointId,
        [property: JsonPropertyName("created_at")] string CreatedAt,
        [property: JsonPropertyName("evaluated_through")] string EvaluatedThrough,
        [property: JsonPropertyName("state")] string State);
}
