namespace Analytics.Alerts.Actions;

/// <summary>How the action runner retries webhooks and how much it remembers for the live view.</summary>
internal sealed record ActionRunnerOptions
{
    /// <summary>Retries of a webhook after a transient failure (5xx, 429, timeouts, network errors); then it is recorded failed.</summary>
    public int WebhookRetries { get; init; } = 3;

    /// <summary>The first retry's delay; each next one doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Decisions kept in <see cref="ActionRunner.Recent"/>.</summary>
    public int RecentCount { get; init; } = 50;

    /// <summary>How long disposing waits for queued actions to finish before abandoning them.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ActionRunnerOptions Validate()
    {
        if (WebhookRetries is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(WebhookRetries), WebhookRetries, "must be 0 to 10: actions are urgent, and a long retry holds the ones behind it");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "must be 0 or more and at most MaxRetryDelay");
        }

        if (RecentCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RecentCount), RecentCount, "must be at least 1");
        }

        return this;
    }
}
