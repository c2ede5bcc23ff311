using System.Globalization;
using Analytics.Benchmarks.Harness;
using Analytics.Ingest.Kafka;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// The real path, timed: beacons pre-produced to the embedded Kafka, then in interleaved rounds a bare
/// consume loop, the processor with a discarding store and the processor into chDB (1 and 2 workers);
/// then a live latency phase.
/// </summary>
internal sealed class KafkaBenchRunner
{
    private const string DiscardDatabase = "kbench_discard";
    private readonly KafkaBenchOptions _options;

    public KafkaBenchRunner(KafkaBenchOptions options)
    {
        _options = options;
    }

    public async Task<KafkaBenchResult> RunAsync(string command, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        Progress.Report($"machine: {machine}");
        Directory.CreateDirectory(_options.OutputDirectory);
        var dataPath = Path.Combine(_options.OutputDirectory, "kafka-chdb");
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }

        var chdb = await ChDbConnection.OpenAsync(new ChDbOptions { Path = dataPath }, ct);
        try
        {
            var version = (await chdb.QueryTextAsync("SELECT version()", ct: ct)).Trim();
            await Migrate(chdb, DiscardDatabase, ct);
            var (broker, topic, phases, totals) = await ThroughputAsync(chdb, ct);
            LatencyResult? latency = null;
            if (_options.LatencySeconds > 0)
            {
                latency = await new LatencyPhase(_options, ProgressLogger.Instance).RunAsync(chdb, dataPath, ct);
            }

            return new KafkaBenchResult
            {
                StartedUtc = started,
                Command = command,
                Machine = machine,
                Settings = _options,
                Broker = broker,
                ChDbVersion = version,
                Topic = topic,
                Phases = phases,
                Totals = totals,
                Latency = latency,
            };
        }
        finally
        {
            await chdb.DisposeAsync();
            TryDelete(dataPath);
        }
    }

    private async Task<(string Broker, LoadedTopic Topic, List<PhaseSamples> Phases, List<TotalsCheck> Totals)> ThroughputAsync(ChDbConnection chdb, CancellationToken ct)
    {
        using var broker = await KafkaBroker.StartAsync(_options.Partitions, _options.InProcessBroker, ct);
        Progress.Report($"Kafka: {_options.Partitions} partitions, {(broker.IsChildProcess ? "child process" : "in process")}");
        var kafka = new KafkaOptions { BootstrapServers = broker.Bootstrap };
        var simulator = _options.PreProduced(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Progress.Report($"producing {Units.Count(_options.Events)} beacons (lz4)");
        var topic = await TopicLoader.LoadAsync(kafka, simulator, _options.Partitions, ct);
        Progress.Report(Units.F($"topic: {Units.Megabytes(topic.ValueBytes)} JSON, {topic.EventTimeMinutes:F1} min event time, all kept"));

        var phases = new List<(PhaseSamples Phase, Func<int, Task<KafkaSample>> Run)>();
        var totals = new List<TotalsCheck>();
        var consume = new PhaseSamples("consume", "bare Confluent.Kafka loop, processor's consumer config", []);
        phases.Add((consume, round => Task.Run(() => BareConsumer.Run(kafka with { GroupId = Group("consume", round) }, topic.HighWatermarks, ct), ct)));
        foreach (var workers in (int[])[1, 2])
        {
            var name = $"discard-w{workers}";
            var phase = new PhaseSamples(name, $"processor, {workers} worker(s), fact inserts discarded", []);
            phases.Add((phase, round => RunProcessorAsync(chdb, kafka, name, round, workers, discard: true, topic, totals, ct)));
        }

        foreach (var workers in (int[])[1, 2])
        {
            var name = $"chdb-w{workers}";
            var phase = new PhaseSamples(name, $"processor, {workers} worker(s), into embedded chDB", []);
            phases.Add((phase, round => RunProcessorAsync(chdb, kafka, name, round, workers, discard: false, topic, totals, ct)));
        }

        for (var round = 1; round <= _options.Rounds; round++)
        {
            foreach (var (phase, run) in phases)
            {
                ct.ThrowIfCancellationRequested();
                ProcessMemory.CollectAndMeasureHeap();
                Progress.Report($"round {round}/{_options.Rounds}: {phase.Name} …");
                var s = await run(round);
                phase.Samples.Add(s);
                Progress.Report(Units.F($"{phase.Name}: {Units.Rate(s.Messages / s.Elapsed.TotalSeconds)}/s, {s.Elapsed.TotalSeconds:F1} s, CPU/wall {s.Cpu / s.Elapsed:F2}, {Units.Count(s.Rows)} rows"));
            }
        }

        return (broker.Where, topic, phases.Select(p => p.Phase).ToList(), totals);
    }

    private async Task<KafkaSample> RunProcessorAsync(
        ChDbConnection chdb,
        KafkaOptions kafka,
        string name,
        int round,
        int workers,
        bool discard,
        LoadedTopic topic,
        List<TotalsCheck> totals,
        CancellationToken ct)
    {
        var database = discard ? DiscardDatabase : $"kbench_{name.Replace('-', '_')}_r{round}";
        if (!discard)
        {
            await chdb.ExecuteAsync($"DROP DATABASE IF EXISTS {database} SYNC", ct);
            await Migrate(chdb, database, ct);
        }

        var store = new MeteredConnection(chdb, discard);
        var sample = await ProcessorRun.RunAsync(
            kafka with { GroupId = Group(name, round) },
            new ProcessorOptions { Workers = workers },
            new SinkOptions { Database = database },
            store,
            topic.Events,
            ProgressLogger.Instance,
            ct);
        if (!discard)
        {
            var text = await chdb.QueryTextAsync($"SELECT sum(attempts), sum(plays) FROM {database}.qoe_delivery_1m FINAL", ct: ct);
            var cells = text.Trim().Split('\t').Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            var check = new TotalsCheck(name, round, cells[0], cells[1], topic.PlayRequests, topic.FirstFrames);
            totals.Add(check);
            if (!check.Agrees)
            {
                Progress.Report($"{name} round {round}: attempts/plays {check.Attempts}/{check.Plays}, expected {check.ExpectedAttempts}/{check.ExpectedPlays}: DISAGREE");
            }

            // Background merges of old rounds must not run during later ones.
            await chdb.ExecuteAsync($"DROP DATABASE IF EXISTS {database} SYNC", ct);
        }

        return sample;
    }

    private static Task Migrate(IClickHouseConnection chdb, string database, CancellationToken ct)
        => new SchemaMigrator(chdb).MigrateAsync(database, QoeTables.Migrations, ct);

    private static string Group(string phase, int round) => $"kbench-{phase}-r{round}-{Guid.NewGuid():N}"[..40];

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            Progress.Report($"could not remove {path}: {e.Message}");
        }
    }
}
