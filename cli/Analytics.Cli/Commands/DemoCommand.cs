using System.CommandLine;
using System.Globalization;
using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.OnCall;
using Analytics.Cli.Configuration;
using Analytics.Cli.Logging;
using Analytics.Cli.WebhookSink;
using Analytics.Common;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.Noc.Wall;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Analytics.Cli.Commands;

/// <summary>
/// `analytics demo`: the whole pipeline on one machine — an embedded 3-broker Kafka, the device
/// simulator, the processor and embedded ClickHouse — with a live view, and a ClickHouse-compatible
/// endpoint so the store can be queried while it runs.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var duration = new Option<string?>("--duration") { Description = "Stop after this long, e.g. 90s (default: until Ctrl-C)" };
        var rate = new Option<double?>("--rate") { Description = "Simulated beacons per second (default 3000)" };
        var seed = new Option<ulong?>("--seed") { Description = "Simulator seed (default 42)" };
        var windows = new Option<string?>("--windows") { Description = "Window sizes (default 10s,1m: the NOC's and analysis)" };
        var port = new Option<int?>("--port") { Description = "Query endpoint port on 127.0.0.1 (default 8123, or a free one if taken)" };
        var nocPort = new Option<int?>("--noc-port") { Description = "NOC wall port on 127.0.0.1 (default 8124, or a free one if taken)" };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions of the beacon topic (default 6)" };
        var incident = SimulateCommand.IncidentOption();
        var command = new Command("demo", "Run Kafka, the device simulator, the processor and ClickHouse together, with a live view")
        {
            duration, rate, seed, windows, port, nocPort, partitions, incident,
        };
        command.SetAction((parse, ct) => CommandSupport.Guard(() =>
        {
            var settings = CommandSupport.Settings(
                parse,
                [
                ("Processor:Windows", parse.GetValue(windows)),
                ("Broker:Partitions", parse.GetValue(partitions)?.ToString(CultureInfo.InvariantCulture)),
                ("ClickHouse:Endpoint:Port", parse.GetValue(port)?.ToString(CultureInfo.InvariantCulture)),
                ("Noc:Port", parse.GetValue(nocPort)?.ToString(CultureInfo.InvariantCulture)),
                .. SimulateCommand.IncidentSettings(parse.GetValue(incident)),
                ]);
            TimeSpan? limit = null;
            if (parse.GetValue(duration) is { } d)
            {
                limit = Durations.TryParse(d, out var parsed) && parsed > TimeSpan.Zero
                    ? parsed
                    : throw new OptionsValidationException("demo", "--duration", $"must be a positive duration such as {Durations.Examples}", d);
            }

            return RunAsync(settings, parse.GetValue(rate) ?? 3000, parse.GetValue(seed) ?? 42, limit, ct);
        }));
        return command;
    }

    private static async Task<int> RunAsync(AnalyticsSettings settings, double rate, ulong seed, TimeSpan? limit, CancellationToken ct)
    {
        var home = Environment.GetEnvironmentVariable("ANALYTICS_HOME") ?? ".data";
        using var logs = new FileLoggerProvider(Path.Combine(home, "logs", $"demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log"));
        using var logging = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var log = logging.CreateLogger("demo");
        var interactive = LiveView.Interactive;
        void Say(string line)
        {
            log.LogInformation("{Line}", line);
            Console.WriteLine(line);
        }

        using var shutdown = new Shutdown(m => log.LogInformation("{Message}", m));
        using var timer = limit is { } l ? new CancellationTokenSource(l) : new CancellationTokenSource();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, timer.Token, ct).Token;

        var processorOptions = settings.Processor.Validate();

        Say($"Opening the embedded ClickHouse at {settings.ChDb.FullPath} …");
        await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: false, log, stop);
        await ClickHouseStore.MigrateAsync(store, settings, m => log.LogInformation("{Progress}", m), stop);
        await using var readOnlyStore = await ClickHouseStore.OpenAsync(settings, readOnly: true, log, stop);
        await using var endpoint = await StartEndpointAsync(settings, readOnlyStore, log, stop);
        EndpointFile.Write(settings.ChDb.FullPath, endpoint.Url);
        await using var wall = settings.Noc.Enabled
            ? await NocWallServer.StartOrMoveAsync(settings.Noc, readOnlyStore, settings.Sink.Database, TimeProvider.System, log, stop)
            : null;

        Say("Starting an embedded 3-broker Kafka (librdkafka's mock cluster) …");
        using var broker = await BrokerHost.StartAsync(settings.Broker, stop);
        var kafka = settings.Kafka with { BootstrapServers = broker.Bootstrap, Topic = settings.Broker.Topic, DeadLetterTopic = settings.Broker.DeadLetterTopic, GroupId = "analytics-demo" };
        var simulatorOptions = settings.Simulator with
        {
            Seed = seed,
            EventsPerSecond = settings.Simulator.EventsPerSecond ?? rate,
            OutOfOrderFraction = Or(settings.Simulator.OutOfOrderFraction, 0.02),
            LateFraction = Or(settings.Simulator.LateFraction, 0.002),
            DuplicateFraction = Or(settings.Simulator.DuplicateFraction, 0.002),
            MalformedFraction = Or(settings.Simulator.MalformedFraction, 0.001),
        };
        simulatorOptions.Validate();

        var example = $$"""{"v":1,"event_id":"e1","session_id":"my-session","type":"play_request","ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"device":{"type":"tv","os":"tizen","app_version":"6.14.0"},"geo":{"region":"us-east","country":"US","isp":"Comcast"},"cdn":"oca","pop":"iad-1","title_id":"t000001"}""";
        Say(string.Create(CultureInfo.InvariantCulture, $"""

            Kafka bootstrap: {broker.Bootstrap}  (topic {kafka.Topic}, {settings.Broker.Partitions} partitions; dead letters in {kafka.DeadLetterTopic})
              produce your own beacon:  kcat -b {broker.Bootstrap} -t {kafka.Topic} -k my-session -P <<< '{example}'
            ClickHouse endpoint: {endpoint.Url}  (read-only; database {settings.Sink.Database})
              query it:  ./analytics query "SELECT window_start, attempts, plays, start_time_p95_ms, rebuffering_ratio FROM qoe_delivery_1m_v ORDER BY window_start DESC LIMIT 10"
              or:        curl '{endpoint.Url}?database={settings.Sink.Database}&query=SELECT+count()+FROM+qoe_delivery_1m'
            NOC wall: {(wall is null ? "off (Noc:Enabled=false)" : $"{wall.Url}  (open it in a browser: tiles, charts, incidents and pipeline health, live every {Durations.Format((long)settings.Noc.RefreshInterval.TotalMilliseconds)})")}
            Simulating {simulatorOptions.ResolveConcurrentSessions():N0} concurrent sessions ({simulatorOptions.EventsPerSecond:N0} beacons/s, seed {seed}); windows {string.Join(", ", processorOptions.Windows.Select(Durations.Format))}.
            Log: {logs.Path}

            """));

        using var producer = KafkaTrafficSink.Create(broker.Bootstrap, kafka.Topic);
        var simulated = default(SimulationProgress);
        using var stopSimulator = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var simulatorTask = RunSimulatorAsync(producer, simulatorOptions, p => simulated = p, log, stopSimulator.Token);
        var host = ProcessorHost.ForClickHouse(kafka, processorOptions, settings.Sink, store, TimeProvider.System, log);
        var processorTask = host.RunAsync(stop);

        // Alerting as `analytics alert` runs it, over the same store, with a stand-in responder that acknowledges pages.
        var alertOptions = settings.Alerting with { ConsumerGroup = kafka.GroupId, Lookback = TimeSpan.Zero, MaxCatchUp = TimeSpan.FromMinutes(10) };
        LocalWebhook.PrepareDefault();
        var onCall = OnCallFile.Load(AlertCommand.Locate(alertOptions.OnCall));
        var ruleSet = AlertCommand.LoadRules(alertOptions);
        await using var runtime = await OnCallRuntime.StartAsync(onCall, ruleSet, settings.Delivery, kafka, store, settings.Sink.Database, TimeProvider.System, log, stop);
        using var alerting = new AlertService(alertOptions, ruleSet, new IncidentOptions(), store, settings.Sink.Database, runtime.Notifiers, TimeProvider.System, log);
        // The simulator starts its whole population in the first seconds: a burst of attempts, then a lull. Judging
        // starts after it, or absence rules would learn the burst as normal and page for the lull.
        alerting.StartAt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)(simulatorOptions.RampUp + TimeSpan.FromMinutes(1)).TotalMilliseconds);
        var alertTask = alerting.RunAsync(stop);
        var responderTask = DemoResponder.RunAsync(alerting, new IncidentStore(store, settings.Sink.Database), DemoResponder.AckAfter, log, stop);

        var labels = processorOptions.ResolveWindows().Labels;
        var view = new LiveView(broker.Bootstrap, kafka.Topic, endpoint.Url.ToString());
        var started = TimeProvider.System.GetTimestamp();
        var lastMessages = 0L;
        var lastAt = started;
        async Task<DemoSnapshot> SnapshotAsync()
        {
            var status = host.Status;
            var seconds = Math.Max(0.001, TimeProvider.System.GetElapsedTime(lastAt).TotalSeconds);
            var perSecond = Math.Max(0, status.Messages - lastMessages) / seconds;
            (lastMessages, lastAt) = (status.Messages, TimeProvider.System.GetTimestamp());
            var windows = new List<TopLine>();
            foreach (var label in labels)
            {
                try
                {
                    if (await TopLine.QueryAsync(readOnlyStore, settings.Sink.Database, label, CancellationToken.None) is { } top)
                    {
                        windows.Add(top);
                    }
                }
                catch (ClickHouseException ex)
                {
                    log.LogWarning("Reading the last window failed: {Message}", ex.Message);
                }
            }

            return new DemoSnapshot(TimeProvider.System.GetElapsedTime(started), simulated, status, perSecond, windows, logs.RecentProblems)
            {
                Alerting = alerting.Status,
                OnCall = runtime.Describe(),
                Actions = [.. runtime.Actions.Recent.TakeLast(4).Select(d => d.Text)],
            };
        }

        bool Running() => !stop.IsCancellationRequested && !processorTask.IsCompleted;
        if (interactive)
        {
            await AnsiConsole.Live(new Markup("starting…")).AutoClear(false).StartAsync(async live =>
            {
                while (Running())
                {
                    live.UpdateTarget(view.Render(await SnapshotAsync()));
                    await Task.WhenAny(Task.Delay(1000, CancellationToken.None), processorTask);
                }

                live.UpdateTarget(view.Render(await SnapshotAsync()));
            });
        }
        else
        {
            while (Running())
            {
                await Task.WhenAny(Task.Delay(5000, stop).ContinueWith(_ => { }, TaskScheduler.Default), processorTask);
                Console.WriteLine(LiveView.Plain(await SnapshotAsync()));
            }
        }

        Say("Stopping: the simulator first, then the processor (flush, checkpoint, commit) …");
        await stopSimulator.CancelAsync();
        await simulatorTask;
        var exit = 0;
        try
        {
            await processorTask;
            await alertTask;
            await responderTask;
        }
        catch (PipelineFailedException ex)
        {
            Console.Error.WriteLine($"analytics: {ex.Message}");
            exit = 1;
        }

        if (exit == 0 && !stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("analytics: the processor stopped on its own; see the log.");
            exit = 1;
        }

        EndpointFile.Delete(settings.ChDb.FullPath);
        var final = await SnapshotAsync();
        Say(LiveView.Plain(final));
        Say($"""

            Stored in {settings.ChDb.FullPath}. Query it any time:
              ./analytics query "SELECT count() FROM qoe_delivery_1m"
              ./analytics query "SELECT region, sum(attempts) AS total_attempts, sum(plays) / sum(attempts) AS play_rate FROM qoe_delivery_1m_v GROUP BY region ORDER BY total_attempts DESC"
            """);
        return exit;
    }

    private static double Or(double configured, double demoDefault) => configured > 0 ? configured : demoDefault;

    private static async Task<ClickHouseQueryEndpoint> StartEndpointAsync(AnalyticsSettings settings, IClickHouseConnection store, ILogger log, CancellationToken ct)
    {
        try
        {
            return await ClickHouseQueryEndpoint.StartAsync(settings.Endpoint, store, log, ct);
        }
        catch (IOException) when (settings.Endpoint.Port != 0)
        {
            log.LogWarning("Port {Port} is taken; the endpoint uses a free port instead.", settings.Endpoint.Port);
            return await ClickHouseQueryEndpoint.StartAsync(settings.Endpoint with { Port = 0 }, store, log, ct);
        }
    }

    private static async Task RunSimulatorAsync(KafkaTrafficSink sink, SimulatorOptions options, Action<SimulationProgress> report, ILogger log, CancellationToken stop)
    {
        try
        {
            await SimulationRunner.RunAsync(sink, options, TimeProvider.System, new SyncProgress(report), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await sink.FlushAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is AnalyticsException)
        {
            log.LogError(ex, "The simulator stopped: {Message}", ex.Message);
        }
    }

    /// <summary>Reports on the simulator's thread; Progress&lt;T&gt; would post to the thread pool and reorder reports.</summary>
    private sealed class SyncProgress(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
