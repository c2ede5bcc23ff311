using System.Diagnostics;
using Analytics.Benchmarks.Harness;
using Analytics.Benchmarks.Traffic;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>
/// The end-to-end comparison: the JSON ceiling, the pipeline in two configurations and chDB's GROUP BY, over the
/// same simulated events held in memory, measured in interleaved rounds.
/// </summary>
internal sealed class EndToEndRunner
{
    private readonly EndToEndOptions _options;
    private readonly List<MemoryPoint> _memory = [];

    public EndToEndRunner(EndToEndOptions options)
    {
        _options = options;
    }

    public async Task<EndToEndResult> RunAsync(string command, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        Progress.Report($"machine: {machine}");
        Directory.CreateDirectory(_options.OutputDirectory);

        Progress.Report($"generating {Units.Count(_options.Events)} events (seed {_options.Seed}, {Units.Count(_options.ConcurrentSessions)} concurrent sessions)");
        var clock = Stopwatch.StartNew();
        var corpus = EventCorpus.Generate(_options.Simulator, _options.Events, _options.Partitions);
        var generation = clock.Elapsed;
        var heapWithCorpus = ProcessMemory.CollectAndMeasureHeap();
        var corpusSummary = new CorpusSummary(
            corpus.Count,
            corpus.ValueBytes,
            (double)corpus.ValueBytes / corpus.Count,
            corpus.Sessions,
            (corpus.LastEventTimeMs - corpus.FirstEventTimeMs) / 60_000.0,
            generation.TotalSeconds,
            corpus.FootprintBytes,
            heapWithCorpus);
        Progress.Report(Units.F($"corpus: {Units.Count(corpus.Count)} events, {Units.Megabytes(corpus.ValueBytes)} JSON ({corpusSummary.AverageEventBytes:F0} B/event), {Units.Count(corpus.Sessions)} sessions, {corpusSummary.EventTimeMinutes:F1} min of event time, generated in {Units.Seconds(generation.TotalSeconds)}"));

        var eventsFile = Path.Combine(_options.OutputDirectory, $"events-{_options.Seed}-{_options.Events}.jsonl");
        var useChDb = !_options.SkipChDb && ChDbQueries.Names.Any(_options.Selected);
        if (useChDb)
        {
            corpus.WriteJsonLines(eventsFile);
            Progress.Report($"wrote {eventsFile}");
        }

        Record("after generating the events (generator garbage collected)");
        var peakReset = ProcessMemory.TryResetPeak();

        var measurements = new List<Measurement>();
        if (_options.Selected("tokens"))
        {
            measurements.Add(new Measurement("tokens", "Utf8JsonReader, every token, nothing else", _ => Task.FromResult(Measurement.Time(() =>
            {
                TokenScan.Run(corpus);
                return null;
            }))));
        }

        var pipelines = PipelineConfiguration.All
            .Where(c => _options.Selected(c.Name))
            .Select(c => new Measurement(c.Name, c.Description, _ => Task.FromResult(Measurement.Time(() => PipelineRun.Run(corpus, c.Options)))))
            .ToArray();
        measurements.AddRange(pipelines);

        // Untimed warm-up over all events: JIT tiers settle, and the pipeline's memory peak is reached before chDB
        // loads. The Foundation pass also gives the totals checked against chDB.
        Progress.Report("warm-up: every selected phase once over all events (untimed)");
        if (_options.Selected("tokens"))
        {
            TokenScan.Run(corpus);
        }

        var totalsOutput = new TotalsOutput();
        if (useChDb || _options.Selected(PipelineConfiguration.Foundation.Name))
        {
            PipelineRun.Run(corpus, PipelineConfiguration.Foundation.Options, totalsOutput);
        }

        if (_options.Selected(PipelineConfiguration.Full.Name))
        {
            PipelineRun.Run(corpus, PipelineConfiguration.Full.Options);
        }

        Record(peakReset ? "after the pipeline warm-up, before chDB (peak since generation)" : "after the pipeline warm-up, before chDB");

        ChDbPhase? chdb = null;
        CrossCheck? crossCheck = null;
        try
        {
            if (useChDb)
            {
                Progress.Report("opening chDB");
                chdb = await ChDbPhase.OpenAsync(_options.OutputDirectory, eventsFile, ct);
                var totals = await chdb.TotalsAsync(ct);
                var (attempts, plays, errors, groups) = totalsOutput.Totals(0, 0);
                crossCheck = new CrossCheck(totals.Attempts, attempts, totals.Plays, plays, totals.Errors, errors, totals.Groups, groups);
                Progress.Report($"chDB {chdb.Version}: {Units.Count(totals.Events)} events in the file; cross-check attempts/plays/errors: chDB {totals.Attempts}/{totals.Plays}/{totals.Errors}, pipeline {attempts}/{plays}/{errors} ({(crossCheck.Agrees ? "agree" : "DISAGREE")})");
                var phase = chdb;
                var queries = ChDbQueries.Measured(eventsFile).Where(q => _options.Selected(q.Query.Name)).ToArray();
                foreach (var (query, settings) in queries)
                {
                    measurements.Add(new Measurement(query.Name, query.Description, token => phase.RunAsync(query.Sql, settings, token)));
                }

                Progress.Report("warm-up: chDB queries once each (untimed)");
                foreach (var (query, settings) in queries)
                {
                    await chdb.RunAsync(query.Sql, settings, ct);
                }
            }

            for (var round = 1; round <= _options.Rounds; round++)
            {
                var line = new List<string>();
                foreach (var m in measurements)
                {
                    ct.ThrowIfCancellationRequested();
                    var sample = await m.RunAsync(ct);
                    line.Add($"{m.Name} {Units.Rate(corpus.Count / sample.Elapsed.TotalSeconds)}/s");
                }

                Progress.Report($"round {round}/{_options.Rounds}: {string.Join(", ", line)}");
            }

            Record(useChDb ? "at the end (chDB loaded and used)" : "at the end");
        }
        finally
        {
            if (chdb is not null)
            {
                await chdb.DisposeAsync();
            }

            if (!_options.KeepEventsFile && File.Exists(eventsFile))
            {
                File.Delete(eventsFile);
            }
        }

        return new EndToEndResult
        {
            StartedUtc = started,
            Command = command,
            Machine = machine,
            Settings = new EndToEndSettings(_options.Events, _options.Rounds, _options.Partitions, _options.Seed, _options.ConcurrentSessions, useChDb),
            Corpus = corpusSummary,
            Phases = measurements.Select(m => Summarize(m, corpus.Count)).ToArray(),
            Ratios = Ratios(measurements, corpus.Count),
            Pipelines = pipelines.Select(m => SummarizePipeline(m, corpus.Count)).ToArray(),
            Memory = _memory,
            CrossCheck = crossCheck,
            ChDbVersion = chdb?.Version,
        };
    }

    private static PhaseSummary Summarize(Measurement m, int events)
    {
        var rate = m.Rate(events);
        return new PhaseSummary(m.Name, m.Description, rate.Median, rate.Min, rate.Max, m.Seconds.Median, m.MedianCpuPerWall, m.RatePerCpuSecond(events).Median, m.Samples.Select(s => events / s.Elapsed.TotalSeconds).ToArray());
    }

    private static PipelineSummary SummarizePipeline(Measurement m, int events)
    {
        var runs = m.Samples.Select(s => s.Pipeline!).ToArray();
        var last = runs[^1];
        double Median(Func<PipelineRunResult, double> f) => Stats.Of(runs.Select(f).ToArray()).Median;
        return new PipelineSummary(
            m.Name,
            last.Rows,
            last.Corrections,
            last.SessionsEnded,
            last.Timeouts,
            last.Invalid,
            Median(r => (double)r.AllocatedBytes / events),
            Median(r => r.Gen0),
            Median(r => r.Gen1),
            Median(r => r.Gen2),
            Median(r => r.GcPause.TotalMilliseconds),
            Median(r => 100 * r.GcPause / r.Elapsed),
            (long)Median(r => r.PeakHeapAfterGcBytes),
            (long)Median(r => r.HeapBeforeFinishBytes),
            last.ActiveSessionsBeforeFinish,
            Median(r => r.FinishElapsed.TotalSeconds));
    }

    private static RatioSummary[] Ratios(IReadOnlyList<Measurement> measurements, int events)
    {
        var median = measurements.ToDictionary(m => m.Name, m => m.Rate(events).Median);
        var pairs = new (string Num, string Den, string Meaning)[]
        {
            ("pipeline-foundation", "chdb-flat-1t", "pipeline (Foundation slice) vs ClickHouse alone, per core"),
            ("pipeline-full", "chdb-flat-1t", "pipeline (full configuration) vs ClickHouse alone, per core"),
            ("pipeline-foundation", "chdb-vst-1t", "pipeline (Foundation slice) vs ClickHouse with true start time, per core"),
            ("pipeline-full", "chdb-vst-1t", "pipeline (full configuration) vs ClickHouse with true start time, per core"),
            ("pipeline-foundation", "chdb-flat", "pipeline (Foundation slice, one core) vs ClickHouse alone with all cores"),
            ("pipeline-foundation", "tokens", "pipeline (Foundation slice) vs the JSON ceiling, per core"),
            ("pipeline-full", "tokens", "pipeline (full configuration) vs the JSON ceiling, per core"),
            ("pipeline-full", "pipeline-foundation", "cost of the 10 s window and two more cubes"),
        };
        return pairs
            .Where(p => median.ContainsKey(p.Num) && median.ContainsKey(p.Den))
            .Select(p => new RatioSummary(p.Num, p.Den, median[p.Num] / median[p.Den], p.Meaning))
            .ToArray();
    }

    private void Record(string when)
    {
        var s = ProcessMemory.Snapshot();
        _memory.Add(new MemoryPoint(when, s.RssBytes, s.PeakRssBytes, s.ManagedHeapBytes));
        Progress.Report($"memory {when}: {s}");
    }
}
