using System.Net.Http.Headers;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Webhook;
using Polly;
using Polly.Retry;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Posts a webhook action's JSON body, signed like the webhook receiver's (<see cref="WebhookSignature"/>: HMAC-SHA256
/// over <c>{timestamp}.{body}</c>), with the decision id as <c>Idempotency-Key</c> so a retried request is applied
/// once. Transient failures (5xx, 408, 425, 429, timeouts, network errors) are retried a few times with exponential
/// backoff and jitter; the last failure, or any other 4xx at once, is thrown as a <see cref="DeliveryFailedException"/>.
/// </summary>
internal sealed class SignedWebhook
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;

    public SignedWebhook(HttpClient http, TimeProvider time, ActionRunnerOptions options)
    {
        _http = http;
        _time = time;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.WebhookRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is DeliveryFailedException { IsTransient: true }),
                MaxRetryAttempts = options.WebhookRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,

                // A Retry-After wins, within the longest delay we allow.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is DeliveryFailedException { RetryAfter: { } after } ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(after.Ticks, options.MaxRetryDelay.Ticks)) : null),
            });
        }

        _pipeline = builder.Build();
    }

    /// <summary>Posts <paramref name="body"/>; returns the number of attempts it took.</summary>
    public async Task<int> PostAsync(string action, Uri url, Secret secret, string decisionId, byte[] body, CancellationToken ct)
    {
        var attempts = 0;
        try
        {
            await _pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    request.Headers.TryAddWithoutValidation(IdempotencyHeader, decisionId);
                    WebhookSignature.Apply(request, secret.Reveal(), _time.GetUtcNow(), body);
                    await HttpDelivery.SendAsync(_http, action, request, [secret], token);
                },
                ct);
        }
        catch (DeliveryFailedException ex)
        {
            throw new DeliveryFailedException(action, transient: false, ex.StatusCode, $"{ex.Reason} (after {attempts} attempt{(attempts == 1 ? "" : "s")})", inner: ex);
        }

        return attempts;
    }
}
