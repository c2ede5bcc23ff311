using System.Text;
using Analytics.Common;

namespace Analytics.Processors.ClickHouse;

/// <summary>How to reach a ClickHouse server over its HTTP interface.</summary>
internal sealed record ClickHouseHttpOptions
{
    public const string Component = "ClickHouse:Http";

    /// <summary>The server's HTTP interface, without a query string.</summary>
    public string Url { get; init; } = "http://127.0.0.1:8123";

    public string User { get; init; } = "default";

    public string Password { get; init; } = string.Empty;

    /// <summary>
    /// The database for unqualified names, sent as the <c>database</c> parameter; empty sends none (the
    /// server's default). The processor qualifies every name, so it needs none: a request naming a
    /// database that does not exist yet would fail, even CREATE DATABASE.
    /// </summary>
    public string Database { get; init; } = string.Empty;

    /// <summary>Gzip request bodies and ask for gzip responses (<c>enable_http_compression=1</c>).</summary>
    public bool Compress { get; init; } = true;

    /// <summary>Longest one attempt may take, from sending to the last byte of the answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (0 = none). Non-transient errors are never retried.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Delay before the first retry; later ones double, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new OptionsValidationException(Component, nameof(Url), "must be an absolute http:// or https:// URL", Url);
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new OptionsValidationException(Component, nameof(Url), "must not carry a query string or fragment (settings are options)", Url);
        }

        if (string.IsNullOrEmpty(User) || User.Contains(':', StringComparison.Ordinal))
        {
            throw new OptionsValidationException(Component, nameof(User), "must be a non-empty user name without ':'", User);
        }

        if (Database.Length > 0 && !ClickHouseSql.IsIdentifier(Database))
        {
            throw new OptionsValidationException(Component, nameof(Database), "must be a database name (letters, digits, _)", Database);
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromHours(1))
        {
            throw new OptionsValidationException(Component, nameof(RequestTimeout), "must be more than 0 and at most 1 hour", RequestTimeout);
        }

        if (MaxRetries is < 0 or > 20)
        {
            throw new OptionsValidationException(Component, nameof(MaxRetries), "must be between 0 and 20", MaxRetries);
        }

        if (RetryBaseDelay <= TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            throw new OptionsValidationException(Component, nameof(RetryBaseDelay), "must be more than 0 and at most 1 minute", RetryBaseDelay);
        }

        if (RetryMaxDelay < RetryBaseDelay || RetryMaxDelay > TimeSpan.FromMinutes(10))
        {
            throw new OptionsValidationException(Component, nameof(RetryMaxDelay), $"must be at least RetryBaseDelay ({RetryBaseDelay}) and at most 10 minutes", RetryMaxDelay);
        }
    }

    // Records print every property; the password must not reach logs.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Url = {Url}, User = {User}, Password = {(Password.Length > 0 ? "***" : "(none)")}, Database = {Database}, ");
        builder.Append($"Compress = {Compress}, RequestTimeout = {RequestTimeout}, MaxRetries = {MaxRetries}, ");
        builder.Append($"RetryBaseDelay = {RetryBaseDelay}, RetryMaxDelay = {RetryMaxDelay}");
        return true;
    }
}
