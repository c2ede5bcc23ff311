using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Analytics.Alerts.Incidents;

/// <summary>Incident ids: deterministic, so a replayed window (or a second instance) names the incident the same.</summary>
internal static class IncidentIds
{
    public static string For(string key, long openingWindowMs)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{key}@{openingWindowMs}")));
        return "INC-" + Convert.ToHexStringLower(hash.AsSpan(0, 3));
    }
}
