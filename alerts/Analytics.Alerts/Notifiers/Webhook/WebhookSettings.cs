using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Webhook;

/// <summary>
/// The <c>webhook:</c> receiver: a JSON body (<see cref="WebhookBody"/>) posted to any URL, signed with
/// HMAC-SHA256 (<see cref="WebhookSignature"/>) so the endpoint can tell it comes from us.
/// <code>
/// webhook:
///   url: https://hooks.example.com/analytics
///   secret_env: WEBHOOK_SECRET     # or secret_file: /run/secrets/webhook (shared with the endpoint)
///   headers: {X-Team: noc}         # optional, not secret: they are written in this file
/// </code>
/// </summary>
/// <param name="Url">Where bodies are posted.</param>
/// <param name="Secret">The signing secret.</param>
/// <param name="Headers">Extra headers sent with every request.</param>
internal sealed record WebhookSettings(Uri Url, SecretRef Secret, IReadOnlyDictionary<string, string> Headers) : IReceiverSettings
{
    /// <summary>Headers the receiver sets itself, or that would carry a credential in a committed file.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "host", "idempotency-key", "user-agent",
        WebhookSignature.TimestampHeader, WebhookSignature.SignatureHeader,
        "authorization", "proxy-authorization", "cookie",
    };

    private static readonly string[] Keys = ["url", .. ConfigReader.SecretKeys("secret"), "headers"];

    public string Kind => "webhook";

    public IReadOnlyList<SecretRef> Secrets => [Secret];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var errors = context.Problems.Count(p => p.IsError);
        var config = new ConfigReader(context, node, key, Keys);
        var url = config.Url("url", required: true);
        var secret = config.Secret("secret");
        var headers = config.Get("headers") is { } h ? ParseHeaders(config, h) : [];
        return url is null || secret is null || context.Problems.Count(p => p.IsError) > errors
            ? null
            : new WebhookSettings(url, secret, headers);
    }

    /// <summary>Reads the secret; throws <see cref="OnCallConfigException"/> naming its key when it is missing.</summary>
    public IReceiver Create(string name, ReceiverServices services) => new WebhookReceiver(name, this, Secret.Resolve(services.Environment), services);

    private static Dictionary<string, string> ParseHeaders(ConfigReader config, YamlNode node)
    {
        var key = $"{config.Key}.headers";
        var headers = config.Context.TextMap(node, key);
        foreach (var (name, value) in headers)
        {
            var at = YamlContext.KeyNode(node, name);
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                config.Context.Error(at, $"{key}.{name}: not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
            else if (Reserved.Contains(name))
            {
                config.Context.Error(at, name.Contains("auth", StringComparison.OrdinalIgnoreCase) || name.Equals("cookie", StringComparison.OrdinalIgnoreCase)
                    ? $"{key}.{name}: headers are written in the file, so they must not carry credentials; the signature made with secret_env/secret_file authenticates each request"
                    : $"{key}.{name}: the receiver sets this header itself");
            }
            else if (value.Any(char.IsControl))
            {
                config.Context.Error(at, $"{key}.{name}: the value must be one line without control characters");
            }
        }

        return headers;
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
