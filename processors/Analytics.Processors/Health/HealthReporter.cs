using Analytics.Common;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Health;

/// <summary>
/// Samples the processor every interval and appends the samples to <c>pipeline_health</c>, once more
/// when it stops. A failed write is logged, counted and tried again with the next sample, never fatal:
/// the figures describe the data, they are not the data. At most <see cref="MaxPending"/> samples wait.
/// </summary>
internal sealed class HealthReporter
{
    public const int MaxPending = 60;
    private readonly Func<PipelineFigures> _figures;
    private readonly DurabilityClock _clock;
    private readonly Func<long, IReadOnlyList<HealthSample>, CancellationToken, Task> _save;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HealthSampler _sampler = new();
    private readonly Queue<(long AtMs, IReadOnlyList<HealthSample> Samples)> _pending = new();
    private long _reports;
    private long _failures;

    public HealthReporter(
        Func<PipelineFigures> figures,
        DurabilityClock clock,
        Func<long, IReadOnlyList<HealthSample>, CancellationToken, Task> save,
        TimeSpan interval,
        TimeProvider time,
        ILogger log)
    {
        _figures = figures;
        _clock = clock;
        _save = save;
        _interval = interval;
        _time = time;
        _log = log;
    }

    /// <summary>Samples written.</summary>
    public long Reports => Interlocked.Read(ref _reports);

    /// <summary>Writes that failed.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Samples given up on because too many waited.</summary>
    public long Dropped { get; private set; }

    /// <summary>Reports every interval until <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await ReportAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes one sample and writes it, with any that failed before. Not concurrently with <see cref="RunAsync"/>.</summary>
    public async Task ReportAsync(CancellationToken ct)
    {
        try
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            _pending.Enqueue((now, _sampler.Sample(_figures(), _clock, now)));
            while (_pending.Count > MaxPending)
            {
                _pending.Dequeue();
                Dropped++;
                _log.LogWarning("Gave up on a pipeline_health sample: {Max} were waiting to be written ({Dropped} given up so far).", MaxPending, Dropped);
            }

            while (_pending.TryPeek(out var next))
            {
                await _save(next.AtMs, next.Samples, ct);
                _pending.Dequeue();
                Interlocked.Increment(ref _reports);
            }
        }
        catch (AnalyticsException ex)
        {
            Interlocked.Increment(ref _failures);
            _log.LogWarning("Could not write pipeline_health ({Pending} samples wait for the next try): {Message}", _pending.Count, ex.Message);
        }
    }
}
