using Analytics.Alerts.Notifiers.Alertmanager;
using Analytics.Alerts.OnCall;

namespace Analytics.Alerts.Tests.Notifiers.Alertmanager;

/// <summary>The <c>alertmanager:</c> settings: defaults, and a clear error naming the key for each mistake.</summary>
public sealed class AlertmanagerSettingsTests
{
    private const string Key = "receivers[am].alertmanager";

    [Fact]
    public void A_url_alone_is_enough_and_resends_every_minute()
    {
        var settings = ReceiverYaml.Valid<AlertmanagerSettings>(AlertmanagerSettings.Parse, "url: http://alertmanager:9093\n", Key);

        Assert.Equal(new Uri("http://alertmanager:9093"), settings.Url);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.Resend);
        Assert.Null(settings.Username);
        Assert.Empty(settings.Secrets);
    }

    [Fact]
    public void Basic_auth_and_resend_are_read()
    {
        var settings = ReceiverYaml.Valid<AlertmanagerSettings>(
            AlertmanagerSettings.Parse, "url: https://am.example\nresend: 30s\nbasic_auth:\n  username: analytics\n  password_file: /run/secrets/am\n", Key);

        Assert.Equal(TimeSpan.FromSeconds(30), settings.Resend);
        Assert.Equal("analytics", settings.Username);
        var secret = Assert.Single(settings.Secrets);
        Assert.Equal($"{Key}.basic_auth.password_file", secret.Key);
        Assert.Equal("/run/secrets/am", secret.File);
    }

    [Theory]
    [InlineData("resend: 1m\n", "receivers[am].alertmanager: \"url\" is required")]
    [InlineData("url: alertmanager:9093\n", "receivers[am].alertmanager.url: \"alertmanager:9093\" is not an http or https URL")]
    [InlineData("url: http://am:9093\nresend: soon\n", "receivers[am].alertmanager.resend: \"soon\" is not a duration")]
    [InlineData("url: http://am:9093\nresend: 100ms\n", "receivers[am].alertmanager.resend: must be at least 1s")]
    [InlineData("url: http://am:9093\nresnd: 1m\n", "unknown key \"resnd\" in receivers[am].alertmanager; did you mean \"resend\"?")]
    [InlineData("url: http://am:9093\nbasic_auth:\n  username: a\n  password: hunter2\n", "receivers[am].alertmanager.basic_auth.password: do not write the secret in the file")]
    [InlineData("url: http://am:9093\nbasic_auth:\n  password_env: AM_PASSWORD\n", "receivers[am].alertmanager.basic_auth: \"username\" is required")]
    [InlineData("url: http://am:9093\nbasic_auth:\n  username: a\n", "receivers[am].alertmanager.basic_auth: \"password_env\" or \"password_file\" is required")]
    public void A_wrong_setting_is_an_error_naming_its_key(string yaml, string expected)
    {
        var (_, problems) = ReceiverYaml.Parse(AlertmanagerSettings.Parse, yaml, Key);

        // The on-call file does not load while any error stands, so the message is what matters.
        Assert.Contains(problems, p => p.IsError && p.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_on_call_file_takes_both_receivers_and_reports_a_mistake_at_its_line_with_the_full_key()
    {
        const string File = """
            route:
              receiver: am
            receivers:
              - name: am
                alertmanager:
                  url: http://alertmanager:9093
              - name: archive
                elasticsearch:
                  url_env: ELASTICSEARCH_URL
            """;

        var (config, problems) = OnCallFile.Parse("oncall.yaml", File);
        var (_, broken) = OnCallFile.Parse("oncall.yaml", File.Replace("url: http://alertmanager:9093", "url: http://alertmanager:9093\n      resend: 1 minute", StringComparison.Ordinal));

        Assert.DoesNotContain(problems, p => p.IsError);
        Assert.Equal(["alertmanager", "elasticsearch"], config!.Receivers.Select(r => r.Kind));
        var error = Assert.Single(broken, p => p.IsError);
        Assert.Equal(7, error.Line);
        Assert.Contains("receivers[am].alertmanager.resend: \"1 minute\" is not a duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_password_variable_stops_the_start_naming_the_key()
    {
        var settings = ReceiverYaml.Valid<AlertmanagerSettings>(
            AlertmanagerSettings.Parse, "url: http://am:9093\nbasic_auth:\n  username: a\n  password_env: AM_PASSWORD\n", Key);

        var ex = Assert.Throws<OnCallConfigException>(() => settings.Create("am", SampleIncidents.Services()));

        Assert.Equal($"{Key}.basic_auth.password_env", ex.Key);
        Assert.Contains("AM_PASSWORD is not set", ex.Message, StringComparison.Ordinal);
    }
}
