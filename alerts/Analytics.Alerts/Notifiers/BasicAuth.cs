using System.Net.Http.Headers;
using System.Text;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// An HTTP basic-auth header (RFC 7617) and the secrets to redact for it: the password, and the header's
/// base64 form, which a server or a proxy may echo back in an error.
/// </summary>
internal sealed record BasicAuth(AuthenticationHeaderValue Header, IReadOnlyList<Secret> Secrets)
{
    public static BasicAuth Of(string username, Secret password)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password.Reveal()}"));
        return new BasicAuth(new AuthenticationHeaderValue("Basic", encoded), [password, new Secret(encoded, password.Source)]);
    }
}
