using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Slack;

/// <summary>
/// The <c>slack:</c> receiver: a Slack incoming webhook. Its URL holds the webhook's token, so it is a
/// secret like a password: read from the environment or a file, and never logged.
/// <code>
/// slack:
///   url_env: SLACK_WEBHOOK_URL   # or url_file: /run/secrets/slack
///   channel: "#noc"              # optional; webhooks of Slack apps post to their own channel
///   mention: "&lt;!subteam^S0123ABCD&gt;"   # optional; added to pages (not to acknowledgements or resolves)
/// </code>
/// </summary>
internal sealed record SlackSettings(SecretRef Url, string? Channel, string? Mention) : IReceiverSettings
{
    /// <summary>Room for a few mentions, well within a section's 3000 characters.</summary>
    private const int MentionLimit = 500;

    private static readonly string[] Keys = [.. ConfigReader.SecretKeys("url"), "channel", "mention"];

    public string Kind => "slack";

    public IReadOnlyList<SecretRef> Secrets => [Url];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var errors = context.Problems.Count(p => p.IsError);
        var config = new ConfigReader(context, node, key, Keys);
        var url = config.Secret("url");
        var channel = config.Text("channel");
        var mention = config.Text("mention");
        if (mention is not null && (!(mention.StartsWith('<') && mention.EndsWith('>')) || mention.Length > MentionLimit))
        {
            config.Error("mention", $"\"{WireFormat.Cut(mention, 40)}\" is not a Slack mention (at most {MentionLimit} characters); write <!subteam^ID> for a user group, <@U0123ABCD> for a person, or <!here>");
        }

        return url is null || context.Problems.Count(p => p.IsError) > errors ? null : new SlackSettings(url, channel, mention);
    }

    /// <summary>Reads the webhook URL; throws <see cref="OnCallConfigException"/> naming its key when it is missing or not a URL.</summary>
    public IReceiver Create(string name, ReceiverServices services)
    {
        var url = Url.Resolve(services.Environment);
        if (!Uri.TryCreate(url.Reveal(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            // The value itself is never shown: a mistyped URL may still hold the token.
            throw new OnCallConfigException(Url.Key, $"the {Url.Describe} does not hold an http or https URL; Slack's incoming webhook URLs look like https://hooks.slack.com/services/T…/B…/…");
        }

        return new SlackReceiver(name, this, uri, url, services);
    }
}
