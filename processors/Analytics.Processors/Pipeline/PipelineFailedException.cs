using Analytics.Common;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// The pipeline stopped because one part of it failed. <see cref="Component"/> says which (the
/// consumer, the output, a worker, a rebalance step); the cause is the inner exception, unwrapped, so
/// its data (a ClickHouse error code, a Kafka error) and <see cref="IsTransient"/> survive.
/// </summary>
internal sealed class PipelineFailedException : ProcessorException
{
    public PipelineFailedException(string component, Exception cause)
        : base($"The processor stopped: the {component} failed: {cause.Message}", cause)
    {
        Component = component;
    }

    /// <summary>The part that failed, e.g. "output", "worker 1", "consumer", "assigning partitions".</summary>
    public string Component { get; }

    /// <summary>Whether a restart can be expected to get past it: the cause's own judgement.</summary>
    public override bool IsTransient => InnerException is AnalyticsException { IsTransient: true };
}
