using System.Diagnostics.Metrics;
using Analytics.Alerts.Evaluation;

namespace Analytics.Alerts.Delivery;

/// <summary>Delivery's instruments, on the alerts meter (<c>Analytics.Alerts</c>), tagged by receiver.</summary>
internal sealed class DeliveryMetrics : IDisposable
{
    private readonly Meter _meter = new(AlertMetrics.MeterName);

    public DeliveryMetrics(Func<IEnumerable<Measurement<long>>> pending)
    {
        Attempts = _meter.CreateCounter<long>("analytics.alerts.notification.attempts", "{attempt}", "Delivery attempts, by receiver and outcome (delivered, retrying, rejected, expired)");
        Duration = _meter.CreateHistogram<double>("analytics.alerts.notification.duration", "s", "Time of one delivery request, by receiver");
        QueuedToSent = _meter.CreateHistogram<double>("analytics.alerts.notification.queued_to_first_request", "s", "From a notification queued to its first request, by receiver");
        _meter.CreateObservableGauge("analytics.alerts.notification.pending", pending, "{notification}", "Notifications owed to each receiver");
    }

    public Counter<long> Attempts { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> QueuedToSent { get; }

    public void Dispose() => _meter.Dispose();
}
