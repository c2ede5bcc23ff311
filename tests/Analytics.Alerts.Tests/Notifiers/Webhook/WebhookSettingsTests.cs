using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Alerts.OnCall;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.Webhook;

/// <summary>The <c>webhook:</c> settings: every mistake is an error naming its key.</summary>
public sealed class WebhookSettingsTests
{
    [Fact]
    public void A_complete_entry_parses()
    {
        var (settings, problems) = Parse(WebhookSettings.Parse, "webhook", "url: https://hooks.example/a\nsecret_file: /run/secrets/hook\nheaders: {X-Team: noc}");

        Assert.Empty(problems);
        var hook = Assert.IsType<WebhookSettings>(settings);
        Assert.Equal(new Uri("https://hooks.example/a"), hook.Url);
        Assert.Equal("noc", hook.Headers["X-Team"]);
        Assert.Equal("/run/secrets/hook", Assert.Single(hook.Secrets).File);
    }

    [Theory]
    [InlineData("secret_env: S", "receivers[rx].webhook: \"url\" is required")]
    [InlineData("url: localhost:8080/hook\nsecret_env: S", "receivers[rx].webhook.url: \"localhost:8080/hook\" is not an http or https URL")]
    [InlineData("url: https://h.example", "receivers[rx].webhook: \"secret_env\" or \"secret_file\" is required")]
    [InlineData("url: https://h.example\nsecret: hunter2", "receivers[rx].webhook.secret: do not write the secret in the file; use secret_env")]
    [InlineData("url: https://h.example\nsecret_env: S\nheader: {a: b}", "unknown key \"header\" in receivers[rx].webhook; did you mean \"headers\"?")]
    [InlineData("url: https://h.example\nsecret_env: S\nheaders: {Authorization: Bearer x}", "receivers[rx].webhook.headers.Authorization: headers are written in the file, so they must not carry credentials")]
    [InlineData("url: https://h.example\nsecret_env: S\nheaders: {X-Analytics-Signature: x}", "receivers[rx].webhook.headers.X-Analytics-Signature: the receiver sets this header itself")]
    [InlineData("url: https://h.example\nsecret_env: S\nheaders: {\"Bad Header\": x}", "receivers[rx].webhook.headers.Bad Header: not a valid header name")]
    [InlineData("url: https://h.example\nsecret_env: S\nheaders: [a]", "receivers[rx].webhook.headers must be a mapping")]
    public void A_mistake_is_an_error_naming_the_key(string yaml, string expected)
    {
        var (settings, problems) = Parse(WebhookSettings.Parse, "webhook", yaml);

        Assert.Null(settings);
        Assert.Contains(expected, Messages(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_secret_file_fails_at_start_naming_the_key()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (settings, _) = Parse(WebhookSettings.Parse, "webhook", $"url: https://h.example\nsecret_file: {file}");

            var error = Assert.Throws<OnCallConfigException>(() => settings!.Create("rx", Services()));

            Assert.Equal("receivers[rx].webhook.secret_file", error.Key);
            Assert.Contains("is empty", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
