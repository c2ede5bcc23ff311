using System.Diagnostics.Metrics;

namespace Analytics.Alerts.Evaluation;

/// <summary>The evaluator's instruments (meter <c>Analytics.Alerts</c>), for OpenTelemetry to export.</summary>
internal sealed class AlertMetrics : IDisposable
{
    public const string MeterName = "Analytics.Alerts";
    private readonly Meter _meter = new(MeterName);

    public AlertMetrics(Func<long> series)
    {
        Windows = _meter.CreateCounter<long>("analytics.alerts.windows", "{window}", "Windows judged by the rules");
        EvaluationSeconds = _meter.CreateHistogram<double>("analytics.alerts.evaluation.duration", "s", "Time to judge one window: queries, rules and incidents");
        FinalToNotified = _meter.CreateHistogram<double>("analytics.alerts.final_to_notified", "s", "From the poll that saw a window final to its incidents stored and notified");
        Changes = _meter.CreateCounter<long>("analytics.alerts.incident_changes", "{change}", "Incident changes, by kind and severity");
        _meter.CreateObservableGauge("analytics.alerts.series", series, "{series}", "Rule series (rule and slice) held in memory");
    }

    public Counter<long> Windows { get; }

    public Histogram<double> EvaluationSeconds { get; }

    public Histogram<double> FinalToNotified { get; }

    public Counter<long> Changes { get; }

    public void Dispose() => _meter.Dispose();
}
