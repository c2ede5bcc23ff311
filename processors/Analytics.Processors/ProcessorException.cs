using Analytics.Common;

namespace Analytics.Processors;

/// <summary>Base of the processors area: sessions, windows, sinks, checkpoints, the pipeline host.</summary>
internal abstract class ProcessorException : AnalyticsException
{
    protected ProcessorException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
