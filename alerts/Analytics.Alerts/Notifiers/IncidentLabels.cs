using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// The labels an incident is routed by and shown with: its rule's labels, then <c>severity</c>, <c>rule</c>,
/// <c>metric</c>, <c>incident</c>, <c>status</c> and each dimension of its slice (<c>cdn</c>, <c>pop</c>, …).
/// The built-in names win over a rule label of the same name.
/// </summary>
internal static class IncidentLabels
{
    public static IReadOnlyDictionary<string, string> Of(Incident incident)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in incident.Labels)
        {
            labels[name] = value;
        }

        foreach (var (name, value) in incident.Slice.Dimensions)
        {
            labels[name] = value;
        }

        labels["severity"] = incident.Severity.ToString();
        labels["rule"] = incident.Rule;
        labels["metric"] = incident.Metric;
        labels["incident"] = incident.Id;
        labels["status"] = incident.Status.ToString().ToLowerInvariant();
        return labels;
    }
}
