namespace Analytics.Alerts.Notifiers;

/// <summary>
/// A credential read from an environment variable or a file (never written in the config file).
/// It prints as <c>***</c>, so a secret passed to a log line or an error by mistake stays hidden;
/// only <see cref="Reveal"/> gives the value, at the moment a request is built.
/// </summary>
internal sealed class Secret
{
    private readonly string _value;

    public Secret(string value, string source)
    {
        _value = value;
        Source = source;
    }

    /// <summary>Where it came from, e.g. <c>env PD_ROUTING_KEY</c> or <c>file /run/secrets/pd</c>: safe to show.</summary>
    public string Source { get; }

    public string Reveal() => _value;

    /// <summary>Replaces the secret in a text that may echo it (an error body, an exception message).</summary>
    public string Redact(string? text)
        => string.IsNullOrEmpty(text) || _value.Length < 4 ? text ?? "" : text.Replace(_value, "***", StringComparison.Ordinal);

    public override string ToString() => "***";
}

/// <summary>Where a secret is to be read from, as written in the config; resolved when receivers start.</summary>
/// <param name="Key">The config key it was written under (e.g. <c>receivers[pd].pagerduty.routing_key_env</c>), for errors.</param>
/// <param name="Env">An environment variable name, or null.</param>
/// <param name="File">A file path, or null. The file's content, trimmed, is the secret.</param>
internal sealed record SecretRef(string Key, string? Env, string? File)
{
    public string Describe => Env is not null ? $"environment variable {Env}" : $"file {File}";

    /// <summary>Reads the secret; throws <see cref="OnCall.OnCallConfigException"/> naming the key when it is missing or empty.</summary>
    public Secret Resolve(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (Env is not null)
        {
            var value = environment(Env);
            return string.IsNullOrWhiteSpace(value)
                ? throw new OnCall.OnCallConfigException(Key, $"environment variable {Env} is not set; export it, or use {Key.Replace("_env", "_file", StringComparison.Ordinal)} with a file that holds the secret")
                : new Secret(value.Trim(), $"env {Env}");
        }

        var path = ExpandPath(File ?? "", environment);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OnCall.OnCallConfigException(Key, $"cannot read the secret file {path}: {ex.Message}");
        }

        return string.IsNullOrWhiteSpace(text)
            ? throw new OnCall.OnCallConfigException(Key, $"the secret file {path} is empty")
            : new Secret(text.Trim(), $"file {path}");
    }

    /// <summary>Replaces <c>${NAME}</c> in a secret file's path with the environment variable (e.g. <c>${ANALYTICS_HOME}/webhook-secret</c>).</summary>
    private string ExpandPath(string path, Func<string, string?> environment)
        => System.Text.RegularExpressions.Regex.Replace(path, @"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", m => environment(m.Groups[1].Value) is { Length: > 0 } value
            ? value
            : throw new OnCall.OnCallConfigException(Key, $"the path {path} uses ${{{m.Groups[1].Value}}}, which is not set; export it or write the path in full"));
}
