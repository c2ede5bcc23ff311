using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>The first failure of any part of the pipeline: once set, nothing more is committed.</summary>
internal sealed class PipelineFailure
{
    private readonly TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _log;
    private PipelineFailedException? _exception;

    public PipelineFailure(ILogger log) => _log = log;

    public PipelineFailedException? Exception => Volatile.Read(ref _exception);

    /// <summary>Completes when the pipeline fails: blocked sends and handovers wait on it too.</summary>
    public Task Signal => _signal.Task;

    /// <summary>Records the first failure: which part failed, and its cause as thrown.</summary>
    public void Fail(string component, Exception cause)
    {
        var failure = cause as PipelineFailedException ?? new PipelineFailedException(component, cause);
        if (Interlocked.CompareExchange(ref _exception, failure, null) is null)
        {
            _log.LogError(cause, "{Message}; stopping without committing further offsets.", failure.Message);
            _signal.TrySetResult();
        }
    }

    /// <summary>Turns a background task's fault into the pipeline's failure.</summary>
    public Task Watch(Task task, string what) => task.ContinueWith(
        t =>
        {
            if (t.IsFaulted)
            {
                Fail(what, t.Exception!.GetBaseException());
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
            Fail(what, ex);
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
