using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>The pipeline's failure names the part that failed and keeps its cause, so callers can branch on it.</summary>
public sealed class PipelineFailureTests
{
    [Fact]
    public async Task A_failed_part_is_named_and_its_cause_kept_with_its_transience()
    {
        var failure = new PipelineFailure(new CapturingLogger());
        var cause = new ClickHouseTransportException("connection refused", isTransient: true);

        await failure.Watch(Task.FromException(cause), "output");

        var stopped = failure.Exception!;
        Assert.Equal("output", stopped.Component);
        Assert.Same(cause, stopped.InnerException);
        Assert.True(stopped.IsTransient);
        Assert.Equal("The processor stopped: the output failed: connection refused", stopped.Message);
        Assert.True(failure.Signal.IsCompleted);
    }

    [Fact]
    public async Task The_first_failure_wins_and_a_bug_is_not_transient()
    {
        var failure = new PipelineFailure(new CapturingLogger());

        failure.Guarded("assigning partitions", () => throw new InvalidOperationException("no checkpoint table"));
        await failure.Watch(Task.FromException(new ClickHouseTransportException("later", isTransient: true)), "worker 0");

        Assert.Equal("assigning partitions", failure.Exception!.Component);
        Assert.IsType<InvalidOperationException>(failure.Exception.InnerException);
        Assert.False(failure.Exception.IsTransient);
    }
}
