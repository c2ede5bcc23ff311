using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>The first failure of any part of the pipeline: once set, nothing more is committed.</summary>
internal sealed class PipelineFailure
{
    private readonly TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _log;
    private Exception? _exception;

    public PipelineFailure(ILogger log) => _log = log;

    public Exception? Exception => Volatile.Read(ref _exception);

    /// <summary>Completes when the pipeline fails: blocked sends and handovers wait on it too.</summary>
    public Task Signal => _signal.Task;

    public void Fail(Exception ex)
    {
        if (Interlocked.CompareExchange(ref _exception, ex, null) is null)
        {
            _log.LogError(ex, "{Message}", ex.Message);
            _signal.TrySetResult();
        }
    }

    /// <summary>Turns a background task's fault into the pipeline's failure.</summary>
    public Task Watch(Task task, string what) => task.ContinueWith(
        t =>
        {
            if (t.IsFaulted)
            {
                Fail(new InvalidOperationException($"The {what} failed; stopping without committing further offsets: {t.Exception!.GetBaseException().Message}", t.Exception.GetBaseException()));
            }
        },
        TaskScheduler.Default);

    /// <summary>
    /// Runs a rebalance handler. An exception must not reach Confluent.Kafka: it would answer with an
    /// eager Unassign, which the cooperative protocol rejects from inside librdkafka's callback, and the
    /// process would die. The failure stops the consumer loop instead.
    /// </summary>
    public T Guarded<T>(string what, Func<T> handler, Func<T> fallback)
    {
        try
        {
            return handler();
        }
        catch (Exception ex)
        {
            Fail(new InvalidOperationException($"Failed while {what}: {ex.Message}", ex));
            return fallback();
        }
    }

    public void Guarded(string what, Action handler) => Guarded(
        what,
        () =>
        {
            handler();
            return 0;
        },
        () => 0);
}
