namespace Analytics.Alerts.Delivery;

/// <summary>A row's status in <c>notification_log</c> (stored in lower case).</summary>
internal enum DeliveryStatus
{
    /// <summary>Owed to the receiver; the row holds the change to send.</summary>
    Queued,

    /// <summary>The receiver took it.</summary>
    Delivered,

    /// <summary>A transient failure; it will be sent again.</summary>
    Retrying,

    /// <summary>A permanent failure (a 4xx, a rejected document): not sent again.</summary>
    Rejected,

    /// <summary>Still failing after the give-up time, or its receiver is no longer configured.</summary>
    Expired,
}

/// <summary>One row of <c>notification_log</c>.</summary>
internal sealed record NotificationAttempt(
    string NotificationId,
    string Receiver,
    string ReceiverKind,
    string IncidentId,
    long Seq,
    string EventKind,
    string DedupKey,
    int Attempt,
    DeliveryStatus Status,
    int HttpStatus,
    string Error,
    int DurationMs,
    long AtMs,
    string Change);

/// <summary>A notification a restarted service still owes, with the attempts already made.</summary>
internal sealed record OwedNotification(Notifiers.Notification Notification, string ReceiverKind, int Attempts, long QueuedAtMs);
