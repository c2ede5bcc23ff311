using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Alertmanager;

/// <summary>
/// The <c>alertmanager:</c> receiver: where Alertmanager listens, its optional basic auth, and how often
/// open incidents are posted again.
/// <code>
/// alertmanager:
///   url: http://alertmanager:9093
///   basic_auth: { username: analytics, password_env: AM_PASSWORD }
///   resend: 1m
/// </code>
/// </summary>
/// <param name="Url">The Alertmanager base URL (the alerts go to <c>{url}/api/v2/alerts</c>).</param>
/// <param name="Username">The basic-auth user, or null for none.</param>
/// <param name="Password">The basic-auth password, with <paramref name="Username"/>.</param>
/// <param name="Resend">How often open incidents are posted again; each post keeps the alert alive for four of these.</param>
internal sealed record AlertmanagerSettings(Uri Url, string? Username, SecretRef? Password, TimeSpan Resend) : IReceiverSettings
{
    /// <summary>Prometheus re-sends firing alerts every minute by default (<c>--rules.alert.resend-delay</c>).</summary>
    public static readonly TimeSpan DefaultResend = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan MinResend = TimeSpan.FromSeconds(1);

    public string Kind => "alertmanager";

    public IReadOnlyList<SecretRef> Secrets => Password is null ? [] : [Password];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var reader = new ConfigReader(context, node, key, "url", "basic_auth", "resend");
        var url = reader.Url("url", required: true);
        var resend = reader.Duration("resend") ?? DefaultResend;
        var valid = url is not null;
        if (resend < MinResend)
        {
            reader.Error("resend", "must be at least 1s: every open incident is posted again this often");
            valid = false;
        }

        string? username = null;
        SecretRef? password = null;
        if (reader.Get("basic_auth") is { } authNode)
        {
            var auth = new ConfigReader(context, authNode, $"{key}.basic_auth", ["username", .. ConfigReader.SecretKeys("password")]);
            username = auth.Text("username", required: true);
            password = auth.Secret("password");
            valid &= username is not null && password is not null;
        }

        return valid ? new AlertmanagerSettings(url!, username, password, resend) : null;
    }

    public IReceiver Create(string name, ReceiverServices services)
        => new AlertmanagerReceiver(name, this, Password?.Resolve(services.Environment), services);
}
