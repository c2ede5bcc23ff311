using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using Microsoft.Extensions.Logging;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers;

/// <summary>Writes notifications to the log: pages as warnings, the rest as information. It cannot fail.</summary>
internal sealed partial class LogReceiver(string name, ILogger log) : IReceiver
{
    public string Name => name;

    public string Kind => "log";

    public ReceiverScope Scope => ReceiverScope.Routed;

    public TimeSpan? RefreshInterval => null;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        if (notification.Change.IsPage)
        {
            Page(log, notification.Incident.Id, notification.Action, notification.Text);
        }
        else
        {
            Notice(log, notification.Incident.Id, notification.Action, notification.Text);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId} {Action}: {Text}")]
    private static partial void Page(ILogger log, string incidentId, NotificationAction action, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} {Action}: {Text}")]
    private static partial void Notice(ILogger log, string incidentId, NotificationAction action, string text);
}

/// <summary><c>log: {}</c>: no settings.</summary>
internal sealed record LogReceiverSettings : IReceiverSettings
{
    public string Kind => "log";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" })
        {
            return new LogReceiverSettings();
        }

        _ = new ConfigReader(context, node, key);
        return new LogReceiverSettings();
    }

    public IReceiver Create(string name, ReceiverServices services) => new LogReceiver(name, services.Log);
}
