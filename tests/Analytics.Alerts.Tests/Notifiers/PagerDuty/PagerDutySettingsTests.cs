using Analytics.Alerts.Notifiers.PagerDuty;
using Analytics.Alerts.OnCall;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.PagerDuty;

/// <summary>The <c>pagerduty:</c> settings: every mistake is an error naming its key.</summary>
public sealed class PagerDutySettingsTests
{
    [Fact]
    public void The_defaults_are_the_documented_endpoint_and_no_source()
    {
        var (settings, problems) = Parse(PagerDutySettings.Parse, "pagerduty", "routing_key_file: /run/secrets/pd");

        Assert.Empty(problems);
        var pd = Assert.IsType<PagerDutySettings>(settings);
        Assert.Equal(new Uri("https://events.pagerduty.com/v2/enqueue"), pd.Url);
        Assert.Null(pd.Source);
        Assert.Equal("receivers[rx].pagerduty.routing_key_file", Assert.Single(pd.Secrets).Key);
    }

    [Theory]
    [InlineData("source: x", "receivers[rx].pagerduty: \"routing_key_env\" or \"routing_key_file\" is required")]
    [InlineData("routing_key: abc", "receivers[rx].pagerduty.routing_key: do not write the secret in the file; use routing_key_env")]
    [InlineData("routing_key_env: PD\nurl: events.pagerduty.com", "receivers[rx].pagerduty.url: \"events.pagerduty.com\" is not an http or https URL")]
    [InlineData("routing_key_env: PD\nclient_url: ftp://x", "receivers[rx].pagerduty.client_url: \"ftp://x\" is not an http or https URL")]
    [InlineData("routing_key_env: PD\nrouting_kye_file: x", "unknown key \"routing_kye_file\" in receivers[rx].pagerduty; did you mean \"routing_key_file\"?")]
    [InlineData("routing_key_env: PD\nrouting_key_file: /x", "receivers[rx].pagerduty.routing_key_file: give routing_key_env or routing_key_file, not both")]
    public void A_mistake_is_an_error_naming_the_key(string yaml, string expected)
    {
        var (settings, problems) = Parse(PagerDutySettings.Parse, "pagerduty", yaml);

        Assert.Null(settings);
        Assert.Contains(expected, Messages(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_routing_key_variable_that_is_not_set_fails_at_start_naming_the_key()
    {
        var (settings, _) = Parse(PagerDutySettings.Parse, "pagerduty", "routing_key_env: PD_ROUTING_KEY", "pagerduty-noc");

        var error = Assert.Throws<OnCallConfigException>(() => settings!.Create("pagerduty-noc", Services()));

        Assert.Equal("receivers[pagerduty-noc].pagerduty.routing_key_env", error.Key);
        Assert.Contains("PD_ROUTING_KEY is not set", error.Message, StringComparison.Ordinal);
    }
}
