using System.Net;
using System.Text;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// Sends one HTTP request for a receiver and sorts the outcome the same way for every receiver:
/// 2xx is delivered; 408, 425, 429, 5xx, timeouts and network errors are transient; any other status
/// is permanent. Error texts are cut short and have the receiver's secrets redacted.
/// </summary>
internal static class HttpDelivery
{
    private const int ErrorBodyChars = 300;

    /// <summary>Sends the request and returns the response body; throws <see cref="DeliveryFailedException"/> unless 2xx.</summary>
    public static async Task<string> SendAsync(HttpClient http, string receiver, HttpRequestMessage request, IReadOnlyList<Secret> secrets, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new DeliveryFailedException(receiver, transient: true, null, Redact(secrets, $"no answer: {ex.Message}"));
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DeliveryFailedException(receiver, transient: true, null, $"no answer within {http.Timeout.TotalSeconds:0.#} s", inner: ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            var status = response.StatusCode;
            // Redact before cutting: a secret split by the cut would no longer be recognised.
            var reason = $"HTTP {(int)status} {response.ReasonPhrase}: {Shorten(Redact(secrets, body))}";
            throw new DeliveryFailedException(receiver, IsTransient(status), status, reason, RetryAfter(response));
        }
    }

    public static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425 || (int)status >= 500;

    public static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= ErrorBodyChars ? oneLine : string.Concat(oneLine.AsSpan(0, ErrorBodyChars), "…");
    }

    public static string Redact(IReadOnlyList<Secret> secrets, string text)
    {
        foreach (var secret in secrets)
        {
            text = secret.Redact(text);
        }

        return text;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }
}
