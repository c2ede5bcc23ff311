using System.Globalization;
using Analytics.Alerts.Metrics;

namespace Analytics.Alerts.Notifiers.Slack;

/// <summary>A metric's value as people read it: ratios as percentages, times in ms, with the catalog's unit.</summary>
internal static class MetricText
{
    public static string Format(string metric, double? value)
    {
        if (WireFormat.Finite(value) is not { } v)
        {
            return "n/a";
        }

        var unit = MetricCatalog.Find(metric)?.Unit;
        return unit switch
        {
            MetricUnit.Ratio => string.Create(CultureInfo.InvariantCulture, $"{v * 100:0.##} %"),
            MetricUnit.Milliseconds => string.Create(CultureInfo.InvariantCulture, $"{v:0} ms"),
            MetricUnit.PerHour => string.Create(CultureInfo.InvariantCulture, $"{v:0.##}/h"),
            MetricUnit.Kbps => string.Create(CultureInfo.InvariantCulture, $"{v:0} kbps"),
            MetricUnit.Minutes => string.Create(CultureInfo.InvariantCulture, $"{v:0.#} min"),
            MetricUnit.Bytes => string.Create(CultureInfo.InvariantCulture, $"{v:0} B"),
            _ => v.ToString("0.####", CultureInfo.InvariantCulture),
        };
    }
}
