using System.Text;
using Analytics.Common;
using Analytics.Processors.Hosting;

namespace Analytics.Processors.ClickHouse;

/// <summary>The ClickHouse-compatible HTTP endpoint over the embedded store.</summary>
internal sealed record ClickHouseQueryEndpointOptions
{
    public const string Component = "ClickHouse:Endpoint";

    /// <summary>TCP port; 0 picks a free one (see <see cref="ClickHouseQueryEndpoint.Url"/>). 8123 is what ClickHouse tools assume.</summary>
    public int Port { get; init; } = 8123;

    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Must be set to bind anything but a loopback address: the endpoint has no TLS.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>Refuse every mutation (INSERT, DDL, SET). The connection itself must be read-only; the endpoint checks at start.</summary>
    public bool ReadOnly { get; init; } = true;

    /// <summary>The user clients must authenticate as, when <see cref="Password"/> is set.</summary>
    public string User { get; init; } = "default";

    /// <summary>Empty: no authentication (loopback only by default). Otherwise clients must send User and this password.</summary>
    public string Password { get; init; } = string.Empty;

    /// <summary>Database for unqualified names when the request has no <c>database</c> parameter.</summary>
    public string DefaultDatabase { get; init; } = "default";

    /// <summary>Sent as X-ClickHouse-Server-Display-Name.</summary>
    public string DisplayName { get; init; } = "analytics-chdb";

    /// <summary>Largest request body (query plus inserted data) accepted.</summary>
    public long MaxRequestBodyBytes { get; init; } = 64L * 1024 * 1024;

    public void Validate()
    {
        ListenAddress.Validate(Component, Port, BindAddress, AllowNonLoopback, "the endpoint has no TLS");

        if (string.IsNullOrEmpty(User) || User.Contains(':', StringComparison.Ordinal))
        {
            throw new OptionsValidationException(Component, nameof(User), "must be a non-empty user name without ':'", User);
        }

        if (!ClickHouseSql.IsIdentifier(DefaultDatabase))
        {
            throw new OptionsValidationException(Component, nameof(DefaultDatabase), "must be a database name (letters, digits, _)", DefaultDatabase);
        }

        if (string.IsNullOrWhiteSpace(DisplayName) || DisplayName.Any(char.IsControl))
        {
            throw new OptionsValidationException(Component, nameof(DisplayName), "must be printable text", DisplayName);
        }

        if (MaxRequestBodyBytes is < 1024 or > 4L * 1024 * 1024 * 1024)
        {
            throw new OptionsValidationException(Component, nameof(MaxRequestBodyBytes), "must be between 1 KiB and 4 GiB", MaxRequestBodyBytes);
        }
    }

    // Records print every property; the password must not reach logs.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Port = {Port}, BindAddress = {BindAddress}, AllowNonLoopback = {AllowNonLoopback}, ReadOnly = {ReadOnly}, ");
        builder.Append($"User = {User}, Password = {(Password.Length > 0 ? "***" : "(none)")}, DefaultDatabase = {DefaultDatabase}, ");
        builder.Append($"DisplayName = {DisplayName}, MaxRequestBodyBytes = {MaxRequestBodyBytes}");
        return true;
    }
}
