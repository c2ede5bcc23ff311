using Analytics.Common;

namespace Analytics.Processors.Pipeline;

/// <summary>The pipeline stopped because a part of it failed; the inner exception says which and why.</summary>
internal sealed class PipelineFailedException : ProcessorException
{
    public PipelineFailedException(Exception inner)
        : base($"The processor stopped: {inner.Message}", inner)
    {
    }

    public override bool IsTransient => InnerException is AnalyticsException { IsTransient: true };
}
