using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Notifiers;

/// <summary>What a receiver needs to run: the HTTP client it sends with, the clock, the log and where links point.</summary>
/// <param name="Http">Shared by all receivers; each request has its own timeout through <see cref="HttpClient.Timeout"/>.</param>
/// <param name="Time">The clock (timestamps, signatures).</param>
/// <param name="Log">The log; never given a secret.</param>
/// <param name="PublicUrl">The base of links in notifications (Grafana, the incident page), e.g. <c>http://grafana:3000</c>; empty for none.</param>
/// <param name="Environment">Reads environment variables (tests give their own).</param>
internal sealed record ReceiverServices(HttpClient Http, TimeProvider Time, ILogger Log, string PublicUrl, Func<string, string?> Environment)
{
    public static ReceiverServices Create(TimeProvider time, ILogger log, string publicUrl = "", TimeSpan? timeout = null)
        => new(new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(10) }, time, log, publicUrl, System.Environment.GetEnvironmentVariable);
}
