using System.Threading.Channels;
using Analytics.Alerts.Notifiers;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Analytics.Alerts.Delivery;

/// <summary>
/// The notifications owed to one receiver, sent one at a time in the order queued, so each incident's
/// trigger, acknowledge and resolve arrive in order. A transient failure is retried (the one policy for
/// receivers: exponential backoff with jitter, honouring Retry-After) until the receiver takes it or the
/// give-up time passes; meanwhile only this receiver waits. Every attempt is recorded in <c>notification_log</c>.
/// </summary>
internal sealed partial class ReceiverQueue : IAsyncDisposable
{
    private readonly IReceiver _receiver;
    private readonly NotificationLog _log;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DeliveryMetrics _metrics;
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new() { SingleReader = true });
    private readonly ResiliencePipeline _pipeline;
    private readonly Dictionary<string, Notification> _open = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly KeyValuePair<string, object?> _tag;
    private Task? _worker;
    private Task? _refresher;
    private int _pending;
    private long _delivered;
    private long _failed;

    public ReceiverQueue(IReceiver receiver, NotificationLog log, DeliveryOptions options, TimeProvider time, ILogger logger, DeliveryMetrics metrics)
    {
        _receiver = receiver;
        _log = log;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _tag = new("receiver", receiver.Name);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is DeliveryFailedException { IsTransient: true }),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,

                // A receiver's Retry-After wins, within the longest delay we allow.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is DeliveryFailedException { RetryAfter: { } after } ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(after.Ticks, options.MaxRetryDelay.Ticks)) : null),
            })
            .Build();
    }

    public IReceiver Receiver => _receiver;

    /// <summary>Notifications queued and not finished.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Notifications rejected or expired.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last failure's text while the head of the queue is failing; null once one is delivered.</summary>
    public string? LastError { get; private set; }

    public void Start()
    {
        _worker = Task.Run(() => RunAsync(_stop.Token));
        if (_receiver.RefreshInterval is { } every)
        {
            _refresher = Task.Run(() => RefreshAsync(every, _stop.Token));
        }
    }

    /// <summary>Queues a notification already recorded as owed; <paramref name="attempts"/> carries over after a restart.</summary>
    public void Enqueue(Notification notification, int attempts, long queuedAtMs)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(new Entry(notification, attempts, queuedAtMs, _time.GetTimestamp()));
    }

    /// <summary>Remembers incidents already open (after a restart) so a refreshing receiver keeps them alive.</summary>
    public void Track(Notification notification)
    {
        if (_receiver.RefreshInterval is null)
        {
            return;
        }

        lock (_gate)
        {
            if (notification.Action == NotificationAction.Resolve)
            {
                _open.Remove(notification.DedupKey);
            }
            else
            {
                _open[notification.DedupKey] = notification;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        foreach (var task in new[] { _worker, _refresher })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _stop.Dispose();
        _receiver.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await _pipeline.ExecuteAsync(async token => await StartReceiverAsync(token), ct);
            await foreach (var entry in _queue.Reader.ReadAllAsync(ct))
            {
                await DeliverAsync(entry, ct);
                Interlocked.Decrement(ref _pending);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what is left stays owed in notification_log and is sent after the restart.
        }
    }

    private async Task StartReceiverAsync(CancellationToken ct)
    {
        try
        {
            await _receiver.StartAsync(ct);
        }
        catch (DeliveryFailedException ex)
        {
            LastError = ex.Reason;
            StartFailed(_logger, _receiver.Name, ex.Reason, ex.IsTransient ? "retrying" : "its notifications will be rejected");
            if (ex.IsTransient)
            {
                throw;
            }
        }
    }

    private async Task DeliverAsync(Entry entry, CancellationToken ct)
    {
        var attempt = entry.Attempts;
        var notification = entry.Notification;
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    if (++attempt == entry.Attempts + 1)
                    {
                        _metrics.QueuedToSent.Record(_time.GetElapsedTime(entry.EnqueuedAt).TotalSeconds, _tag);
                    }

                    var started = _time.GetTimestamp();
                    try
                    {
                        await SendAsync(notification, token);
                    }
                    catch (DeliveryFailedException ex)
                    {
                        var giveUp = ex.IsTransient && _time.GetUtcNow().ToUnixTimeMilliseconds() - entry.QueuedAtMs >= (long)_options.GiveUpAfter.TotalMilliseconds;
                        var status = !ex.IsTransient ? DeliveryStatus.Rejected : giveUp ? DeliveryStatus.Expired : DeliveryStatus.Retrying;
                        await RecordAsync(notification, attempt, status, ex, started);
                        LastError = ex.Reason;
                        if (giveUp)
                        {
                            throw new DeliveryFailedException(ex.Receiver, transient: false, ex.StatusCode, $"given up after {_options.GiveUpAfter}: {ex.Reason}");
                        }

                        if (ex.IsTransient && attempt == entry.Attempts + 1)
                        {
                            Retrying(_logger, _receiver.Name, notification.Incident.Id, ex.Reason);
                        }

                        throw;
                    }

                    await RecordAsync(notification, attempt, DeliveryStatus.Delivered, null, started);
                    if (attempt > entry.Attempts + 1)
                    {
                        Recovered(_logger, _receiver.Name, notification.Incident.Id, attempt);
                    }

                    LastError = null;
                },
                ct);
            Interlocked.Increment(ref _delivered);
            Track(notification);
        }
        catch (DeliveryFailedException ex)
        {
            Interlocked.Increment(ref _failed);
            Undeliverable(_logger, _receiver.Name, notification.Id, ex.Reason);
        }
    }

    /// <summary>One request; a receiver's bug (any other exception) is a rejection, never a crash of delivery.</summary>
    private async Task SendAsync(Notification notification, CancellationToken ct)
    {
        try
        {
            await _receiver.SendAsync(notification, ct);
        }
        catch (Exception ex) when (ex is not DeliveryFailedException and not OperationCanceledException)
        {
            throw new DeliveryFailedException(_receiver.Name, transient: false, null, $"could not build the request: {ex.GetType().Name}: {ex.Message}", inner: ex);
        }
    }

    // Not cancellable: an attempt that happened is recorded even while stopping.
    private async Task RecordAsync(Notification n, int attempt, DeliveryStatus status, DeliveryFailedException? error, long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        _metrics.Attempts.Add(1, _tag, new("outcome", status.ToString().ToLowerInvariant()));
        _metrics.Duration.Record(elapsed.TotalSeconds, _tag);
        var row = new NotificationAttempt(
            n.Id, _receiver.Name, _receiver.Kind, n.Incident.Id, n.Change.Seq, n.IsRefresh ? "refresh" : n.Change.KindName, n.DedupKey, attempt, status,
            error?.StatusCode is { } code ? (int)code : 0, error?.Reason ?? "", (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds), _time.GetUtcNow().ToUnixTimeMilliseconds(), "");
        try
        {
            await _log.RecordAsync([row], CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The attempt happened either way; losing its row must not stop delivery.
            LogWriteFailed(_logger, _receiver.Name, ex.Message);
        }
    }

    private async Task RefreshAsync(TimeSpan every, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(every, _time, ct);
                List<Notification> open;
                lock (_gate)
                {
                    open = [.. _open.Values];
                }

                // Refreshes are not owed (one lost is replaced by the next), and wait while the queue is busy.
                if (Pending > 0)
                {
                    continue;
                }

                foreach (var n in open)
                {
                    Interlocked.Increment(ref _pending);
                    _queue.Writer.TryWrite(new Entry(n with { IsRefresh = true }, 0, _time.GetUtcNow().ToUnixTimeMilliseconds(), _time.GetTimestamp()));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiver {Receiver}: could not start ({Reason}); {Next}.")]
    private static partial void StartFailed(ILogger log, string receiver, string reason, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiver {Receiver}: {IncidentId} not delivered ({Reason}); retrying with backoff, other receivers are not held up.")]
    private static partial void Retrying(ILogger log, string receiver, string incidentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiver {Receiver}: {IncidentId} delivered at attempt {Attempt}.")]
    private static partial void Recovered(ILogger log, string receiver, string incidentId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiver {Receiver}: notification {NotificationId} is undeliverable ({Reason}); see notification_log and fix the receiver's config.")]
    private static partial void Undeliverable(ILogger log, string receiver, string notificationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiver {Receiver}: could not write notification_log ({Error}); delivery goes on.")]
    private static partial void LogWriteFailed(ILogger log, string receiver, string error);

    private sealed record Entry(Notification Notification, int Attempts, long QueuedAtMs, long EnqueuedAt);
}
