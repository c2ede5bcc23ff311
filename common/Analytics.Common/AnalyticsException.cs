namespace Analytics.Common;

/// <summary>
/// Root of every exception the project throws on purpose. Retry logic reads <see cref="IsTransient"/>,
/// never the message. Each area has one abstract base below this, with sealed leaves.
/// </summary>
public abstract class AnalyticsException : Exception
{
    protected AnalyticsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>True when the same operation may succeed if retried unchanged.</summary>
    public abstract bool IsTransient { get; }
}
