using System.Text;
using System.Threading.Channels;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Processors.Progress;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// The pipeline's ClickHouse output: the fact and session tables through <see cref="ClickHouseSink"/>,
/// checkpoints in <c>processor_checkpoints</c>, window progress in <c>pipeline_progress</c>.
/// </summary>
internal sealed class ClickHouseOutput : IPipelineOutput
{
    private readonly IClickHouseConnection _clickHouse;
    private readonly SinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private CheckpointStore? _checkpoints;
    private ClickHouseSink? _sink;
    private PipelineHealthStore? _health;

    public ClickHouseOutput(IClickHouseConnection clickHouse, SinkOptions options, TimeProvider time, ILogger log)
    {
        _clickHouse = clickHouse;
        _options = options.Validate();
        _time = time;
        _log = log;
    }

    public TimeSpan FlushInterval => _options.FlushInterval;

    public string Description => $"{_clickHouse.Description} database {_options.Database}";

    public ChannelWriter<SinkItem> Input => Sink.Input.Writer;

    public OutputCounters Counters => _sink is null
        ? OutputCounters.None
        : new OutputCounters(
            Interlocked.Read(ref _sink.RowsWritten),
            Interlocked.Read(ref _sink.Inserts),
            Interlocked.Read(ref _sink.CheckpointsWritten),
            _sink.RowsByTable);

    private ClickHouseSink Sink => _sink ?? throw new InvalidOperationException("The output is not started.");

    public async Task StartAsync(ProcessorOptions options, OutputContext context, CancellationToken ct)
    {
        await VerifySchemaAsync(options, ct);
        _checkpoints = new CheckpointStore(_clickHouse, _options.Database, context.ConsumerGroup, _time);
        var progress = new ProgressStore(_clickHouse, _options.Database, context.ConsumerGroup, context.Instance, _time)
        {
            TopicPartitions = context.TopicPartitions,
        };
        _sink = new ClickHouseSink(_clickHouse, _checkpoints, progress, context.DeadLetters, _options, context.Committable, _time, _log)
        {
            Durability = context.Durability,
        };
        _health = new PipelineHealthStore(_clickHouse, _options.Database, context.ConsumerGroup, context.Instance);
    }

    public Task<StoredCheckpoint?> LoadCheckpointAsync(PartitionId partition, CancellationToken ct)
        => (_checkpoints ?? throw new InvalidOperationException("The output is not started.")).LoadAsync(partition, ct);

    public Task RunAsync(CancellationToken ct) => Sink.RunAsync(ct);

    public Task SaveHealthAsync(long atMs, IReadOnlyList<HealthSample> samples, CancellationToken ct)
        => (_health ?? throw new InvalidOperationException("The output is not started.")).SaveAsync(atMs, samples, ct);

    private async Task VerifySchemaAsync(ProcessorOptions options, CancellationToken ct)
    {
        var expected = QoeTables.FactTables(options)
            .Append(QoeTables.Sessions).Append(QoeTables.LateEvents).Append(QoeTables.OrphanEvents)
            .Append(QoeTables.Checkpoints).Append(ProgressStore.Table).Append(PipelineHealthStore.Table)
            .ToList();
        var sql = $"SELECT name FROM system.tables WHERE database = {ClickHouseSql.Quote(_options.Database)}";
        var present = Encoding.UTF8.GetString(await _clickHouse.QueryAsync(sql, "TabSeparated", ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(t => !present.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            throw new PipelineFailedException("output", new InvalidOperationException(
                $"ClickHouse database {_options.Database} lacks {string.Join(", ", missing)}. "
                + "Run the migrations (analytics migrate), or choose windows that have tables (10s and 1m do)."));
        }
    }
}
