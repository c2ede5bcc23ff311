using System.Globalization;
using System.Text;
using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// Where a notification points on-call: the rule's runbook (annotation <c>runbook</c>) and a dashboard
/// (annotation <c>dashboard</c>, else Grafana's incident dashboard under <c>public_url</c> with the incident's
/// slice and time range as variables). A relative annotation is taken under <c>public_url</c>; a text that
/// is not a URL is no link.
/// </summary>
internal sealed record IncidentLinks(string? Runbook, string? Dashboard)
{
    /// <summary>The uid of the Grafana incident dashboard (dashboards/, issue 11) that the default link opens.</summary>
    public const string DashboardUid = "qoe-incidents";

    /// <summary>How far before the breach the default dashboard link starts.</summary>
    private static readonly TimeSpan Lead = TimeSpan.FromHours(1);

    /// <summary>The links as (text, URL), runbook first; empty when there are none.</summary>
    public IEnumerable<(string Text, string Href)> All
    {
        get
        {
            if (Runbook is not null)
            {
                yield return ("Runbook", Runbook);
            }

            if (Dashboard is not null)
            {
                yield return ("Dashboard", Dashboard);
            }
        }
    }

    /// <param name="incident">The incident.</param>
    /// <param name="publicUrl">The base of links (<see cref="ReceiverServices.PublicUrl"/>), without a trailing slash; empty for none.</param>
    public static IncidentLinks Of(Incident incident, string publicUrl)
    {
        var runbook = Absolute(incident.Annotations.GetValueOrDefault("runbook"), publicUrl);
        var dashboard = Absolute(incident.Annotations.GetValueOrDefault("dashboard"), publicUrl)
            ?? (publicUrl.Length > 0 ? Grafana(incident, publicUrl) : null);
        return new IncidentLinks(runbook, dashboard);
    }

    private static string? Absolute(string? text, string publicUrl)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri.AbsoluteUri;
        }

        return text.StartsWith('/') && publicUrl.Length > 0 && Uri.TryCreate(publicUrl.TrimEnd('/') + text, UriKind.Absolute, out var under)
            ? under.AbsoluteUri
            : null;
    }

    private static string Grafana(Incident incident, string publicUrl)
    {
        var link = new StringBuilder(publicUrl.TrimEnd('/')).Append("/d/").Append(DashboardUid)
            .Append("?var-incident=").Append(Uri.EscapeDataString(incident.Id));
        foreach (var (name, value) in incident.Slice.Dimensions)
        {
            link.Append("&var-").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var from = incident.OpenedAtMs > 0 ? (incident.OpenedAtMs - (long)Lead.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "now-6h";
        var to = incident.ResolvedAtMs is { } resolved ? (resolved + (long)Lead.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "now";
        return link.Append("&from=").Append(from).Append("&to=").Append(to).ToString();
    }
}
