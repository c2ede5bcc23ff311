using System.Collections.Concurrent;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>
/// A clock whose short one-shot timers (retry back-off delays) fire at once and are recorded, so retry tests never
/// wait; longer ones (request timeouts) run on the real clock and never matter because requests finish first.
/// </summary>
internal sealed class ImmediateDelayTimeProvider(TimeSpan fireAtOnceBelow) : TimeProvider
{
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime < fireAtOnceBelow && period == Timeout.InfiniteTimeSpan)
        {
            Delays.Enqueue(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new FiredTimer();
        }

        return System.CreateTimer(callback, state, dueTime, period);
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
