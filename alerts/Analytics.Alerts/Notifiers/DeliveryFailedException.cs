using System.Net;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// A receiver did not take a notification. Retry logic reads <see cref="Common.AnalyticsException.IsTransient"/>
/// (network errors, timeouts, 408, 425, 429 and 5xx) and <see cref="RetryAfter"/>; a permanent failure
/// (any other 4xx, a rejected document) is recorded and not sent again. The message never holds a secret.
/// </summary>
internal sealed class DeliveryFailedException : AlertsException
{
    public DeliveryFailedException(string receiver, bool transient, HttpStatusCode? status, string reason, TimeSpan? retryAfter = null, Exception? inner = null)
        : base($"Receiver {receiver}: {reason}", inner)
    {
        Receiver = receiver;
        Transient = transient;
        StatusCode = status;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    public string Receiver { get; }

    /// <summary>The HTTP status of the answer; null when there was none (connection refused, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>What went wrong, short and secret-free (stored in <c>notification_log.error</c>).</summary>
    public string Reason { get; }

    /// <summary>The receiver's <c>Retry-After</c>, when it gave one.</summary>
    public TimeSpan? RetryAfter { get; }

    public override bool IsTransient => Transient;

    private bool Transient { get; }
}
