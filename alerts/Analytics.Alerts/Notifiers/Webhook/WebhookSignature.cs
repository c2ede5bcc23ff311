using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Analytics.Alerts.Notifiers.Webhook;

/// <summary>
/// The signature of a webhook body, as Stripe and GitHub sign theirs: HMAC-SHA256 with the shared secret
/// over <c>{timestamp}.{body}</c>, sent as <c>X-Analytics-Signature: v1=&lt;hex&gt;</c> with the Unix
/// timestamp (seconds) in <c>X-Analytics-Timestamp</c>. The receiver recomputes it and refuses a body whose
/// timestamp is further than the tolerance from its clock, so a captured request cannot be replayed later.
/// docs/oncall.md shows the check in Python and Node.js.
/// </summary>
internal static class WebhookSignature
{
    public const string TimestampHeader = "X-Analytics-Timestamp";
    public const string SignatureHeader = "X-Analytics-Signature";
    public const string Scheme = "v1";

    /// <summary>How far a timestamp may be from the receiver's clock: 5 minutes, as Stripe's default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The <c>v1=…</c> header value for a body sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"{Scheme}={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Adds both headers to a request whose body is <paramref name="body"/>.</summary>
    public static void Apply(HttpRequestMessage request, string secret, DateTimeOffset now, byte[] body)
    {
        var timestamp = now.ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(secret, timestamp, body));
    }

    /// <summary>Checks a received body; null when it is genuine and fresh, else why not (for the sink's output and a 401).</summary>
    public static string? Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(timestampHeader) || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return $"missing or malformed {TimestampHeader}";
        }

        if (string.IsNullOrEmpty(signatureHeader))
        {
            return $"missing {SignatureHeader}";
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return string.Create(CultureInfo.InvariantCulture, $"timestamp is {age.TotalSeconds:0} s from this clock (tolerance {(tolerance ?? DefaultTolerance).TotalSeconds:0} s): replayed, or a clock is wrong");
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));

        // Several v1 values may be sent while a secret is rotated; any one matching is enough.
        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(part), expected))
            {
                return null;
            }
        }

        return "signature does not match: wrong secret, or the body was changed";
    }
}
