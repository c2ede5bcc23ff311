using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// The <c>elasticsearch:</c> receiver, an archive of every incident and every incident event:
/// <code>
/// elasticsearch:
///   url: http://elasticsearch:9200       # or url_env: ELASTICSEARCH_URL
///   index_prefix: analytics-incidents    # indices {prefix}-incidents and {prefix}-events
///   api_key_env: ES_API_KEY              # or username + password_env / password_file
/// </code>
/// </summary>
/// <param name="Url">The cluster's base URL, or null when read from <paramref name="UrlEnv"/> at start.</param>
/// <param name="UrlEnv">The environment variable holding the URL (docker-compose sets it), or null.</param>
/// <param name="UrlKey">The config key of <paramref name="UrlEnv"/>, for errors.</param>
/// <param name="IndexPrefix">The prefix of the template name and both indices.</param>
/// <param name="ApiKey">An API key (<c>Authorization: ApiKey …</c>), or null.</param>
/// <param name="Username">A basic-auth user, or null.</param>
/// <param name="Password">The basic-auth password, with <paramref name="Username"/>.</param>
internal sealed partial record ElasticsearchSettings(
    Uri? Url, string? UrlEnv, string UrlKey, string IndexPrefix, SecretRef? ApiKey, string? Username, SecretRef? Password) : IReceiverSettings
{
    public const string DefaultIndexPrefix = "analytics-incidents";

    public string Kind => "elasticsearch";

    public IReadOnlyList<SecretRef> Secrets => [.. new[] { ApiKey, Password }.OfType<SecretRef>()];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var reader = new ConfigReader(
            context, node, key, ["url", "url_env", "index_prefix", "username", .. ConfigReader.SecretKeys("api_key"), .. ConfigReader.SecretKeys("password")]);
        var valid = true;
        var url = reader.Url("url");
        var urlEnv = reader.Text("url_env");
        if (reader.Has("url") == reader.Has("url_env"))
        {
            context.Error(node, $"{key}: give \"url\" (e.g. http://elasticsearch:9200) or \"url_env\" (a variable that holds it), not {(reader.Has("url") ? "both" : "neither")}");
            valid = false;
        }

        valid &= url is not null || urlEnv is not null;
        var prefix = reader.Text("index_prefix") ?? DefaultIndexPrefix;
        if (!IndexName().IsMatch(prefix))
        {
            reader.Error("index_prefix", $"\"{prefix}\" is not a valid Elasticsearch index name: use lower-case letters, digits, '-', '_' and '.', starting with a letter or a digit");
            valid = false;
        }

        var apiKey = reader.Secret("api_key", required: false);
        var username = reader.Text("username");
        var password = reader.Secret("password", required: false);
        if (apiKey is not null && (username is not null || password is not null))
        {
            reader.Error("api_key_env", "give an API key or a username and password, not both");
            valid = false;
        }
        else if ((username is null) != (password is null))
        {
            context.Error(node, $"{key}: basic auth needs both \"username\" and \"password_env\" (or \"password_file\")");
            valid = false;
        }

        return valid && !(reader.Has("api_key") || reader.Has("password"))
            ? new ElasticsearchSettings(url, urlEnv, $"{key}.url_env", prefix, apiKey, username, password)
            : null;
    }

    public IReceiver Create(string name, ReceiverServices services)
    {
        var url = Url ?? ResolveUrl(services.Environment);
        var (header, secrets) = Auth(services.Environment);
        return new ElasticsearchReceiver(name, url, IndexPrefix, header, secrets, services);
    }

    /// <summary>The Authorization header (API key or basic), with the secrets to redact from errors.</summary>
    private (AuthenticationHeaderValue? Header, IReadOnlyList<Secret> Secrets) Auth(Func<string, string?> environment)
    {
        if (ApiKey?.Resolve(environment) is { } key)
        {
            // The key is sent as Elasticsearch's create-API-key answer encodes it ("encoded": base64 of id:key).
            return (new AuthenticationHeaderValue("ApiKey", key.Reveal()), [key]);
        }

        if (Username is { } user && Password?.Resolve(environment) is { } password)
        {
            var basic = BasicAuth.Of(user, password);
            return (basic.Header, basic.Secrets);
        }

        return (null, []);
    }

    private Uri ResolveUrl(Func<string, string?> environment)
    {
        var text = environment(UrlEnv!);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new OnCallConfigException(UrlKey, $"environment variable {UrlEnv} is not set; export it (e.g. http://elasticsearch:9200) or write url: instead");
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new OnCallConfigException(UrlKey, $"environment variable {UrlEnv} holds \"{text}\", which is not an http or https URL");
    }

    /// <summary>Elasticsearch's index name rules, with the upper bound leaving room for the suffixes.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,199}$")]
    private static partial Regex IndexName();
}
