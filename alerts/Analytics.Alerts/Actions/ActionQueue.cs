using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Actions;

/// <summary>
/// One lane of actions run off the alert service's path, one at a time in the order queued (so a POP's undo
/// never overtakes its steering). Jobs record their own failures; one that throws anyway is logged and the
/// lane goes on.
/// </summary>
internal sealed partial class ActionQueue : IAsyncDisposable
{
    private readonly Channel<Func<CancellationToken, Task>> _jobs = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly string _name;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly TimeSpan _drain;
    private readonly Task _worker;
    private TaskCompletionSource _idle = Completed();
    private int _pending;

    public ActionQueue(string name, ILogger log, TimeProvider time, TimeSpan drain)
    {
        _name = name;
        _log = log;
        _time = time;
        _drain = drain;
        _worker = Task.Run(() => RunAsync(_stop.Token));
    }

    public int Pending => Volatile.Read(ref _pending);

    public void Enqueue(Func<CancellationToken, Task> job)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (!_jobs.Writer.TryWrite(job))
        {
            Done();
        }
    }

    /// <summary>Completes when every job queued so far has run.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _idle.Task;
        }
    }

    /// <summary>Lets queued jobs finish for the drain time, then cancels the rest.</summary>
    public async ValueTask DisposeAsync()
    {
        _jobs.Writer.TryComplete();
        try
        {
            await _worker.WaitAsync(_drain, _time);
        }
        catch (TimeoutException)
        {
            Abandoned(_log, _name, Pending);
        }

        await _stop.CancelAsync();
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await job(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                JobFailed(_log, _name, ex.Message);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the job's decision stays "executed" in the audit; see the log.
            }
            finally
            {
                Done();
            }
        }
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Actions ({Lane}): a job failed unexpectedly ({Error}); the lane goes on.")]
    private static partial void JobFailed(ILogger log, string lane, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Actions ({Lane}): stopping with {Pending} action(s) not run; their audit rows say executed, check them.")]
    private static partial void Abandoned(ILogger log, string lane, int pending);
}
