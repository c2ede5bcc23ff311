using Analytics.Alerts.Notifiers.Slack;
using Analytics.Alerts.OnCall;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.Slack;

/// <summary>The <c>slack:</c> settings: the webhook URL is a secret, and every mistake names its key.</summary>
public sealed class SlackSettingsTests
{
    [Theory]
    [InlineData("channel: x", "receivers[rx].slack: \"url_env\" or \"url_file\" is required")]
    [InlineData("url: https://hooks.slack.com/services/T/B/X", "receivers[rx].slack.url: do not write the secret in the file; use url_env")]
    [InlineData("url_env: S\nmention: here", "receivers[rx].slack.mention: \"here\" is not a Slack mention")]
    [InlineData("url_env: S\nchanel: x", "unknown key \"chanel\" in receivers[rx].slack; did you mean \"channel\"?")]
    [InlineData("[a, b]", "receivers[rx].slack must be a mapping")]
    public void A_mistake_is_an_error_naming_the_key(string yaml, string expected)
    {
        var (settings, problems) = Parse(SlackSettings.Parse, "slack", yaml);

        Assert.Null(settings);
        Assert.Contains(expected, Messages(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_that_does_not_hold_a_url_fails_at_start_naming_the_key_without_showing_the_value()
    {
        var (settings, problems) = Parse(SlackSettings.Parse, "slack", "url_env: SLACK_URL");
        Assert.Empty(problems);

        var error = Assert.Throws<OnCallConfigException>(() => settings!.Create("rx", Services(new Dictionary<string, string> { ["SLACK_URL"] = "hooks.slack.com/services/T0/B0/s3cr3tT0ken" })));

        Assert.Equal("receivers[rx].slack.url_env", error.Key);
        Assert.Contains("environment variable SLACK_URL does not hold an http or https URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3tT0ken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_url_file_fails_at_start_naming_the_key()
    {
        var (settings, _) = Parse(SlackSettings.Parse, "slack", "url_file: /nonexistent/slack-url");

        var error = Assert.Throws<OnCallConfigException>(() => settings!.Create("rx", Services()));

        Assert.Equal("receivers[rx].slack.url_file", error.Key);
    }
}
