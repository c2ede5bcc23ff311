using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Tests.Rules;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Alerts.Tests.OnCall;

public sealed class OnCallFileTests
{
    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("route: [", "not valid YAML")]
    [InlineData("receivers: []", "\"route\" is required")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a\n    log: {}\n  - name: a\n    log: {}", "receivers[a]: the name is used twice")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a", "receivers[a]: give exactly one of")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a\n    log: {}\n    slack: {}", "(found slack, log)")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a\n    pagerdty: {}", "did you mean \"pagerduty\"?")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - log: {}", "receivers[0]: \"name\" is required")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a\n    log: {}\npublic_url: grafana", "public_url: \"grafana\" is not an http or https URL")]
    [InlineData("route:\n  receiver: a\nreceivers:\n  - name: a\n    log: {}\nroutes: []", "unknown key \"routes\" in the file; did you mean \"route\"?")]
    public void Mistakes_are_errors_with_position_and_key(string yaml, string message)
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", yaml);

        Assert.Null(config);
        var error = Assert.Single(problems, p => p.IsError && p.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal("oncall.yaml", error.File);
        Assert.True(error.Line >= 1);
    }

    [Fact]
    public void An_unused_receiver_is_a_warning()
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", "route:\n  receiver: a\nreceivers:\n  - name: a\n    log: {}\n  - name: b\n    log: {}");

        Assert.NotNull(config);
        var warning = Assert.Single(problems);
        Assert.False(warning.IsError);
        Assert.Contains("receiver \"b\" is not used", warning.Message);
    }

    [Fact]
    public void Load_throws_every_error_at_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oncall-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "route:\n  receiver: nobody\nreceivers:\n  - name: a\n    lg: {}");
        try
        {
            var ex = Assert.Throws<RuleFileException>(() => OnCallFile.Load(path));
            Assert.True(ex.Problems.Count(p => p.IsError) >= 2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_secret_is_a_start_error_naming_its_key_and_never_the_value()
    {
        var environment = new Dictionary<string, string> { ["PRESENT"] = "s3cr3t-value" };
        var present = new SecretRef("receivers[x].webhook.secret_env", "PRESENT", null).Resolve(environment.GetValueOrDefault);
        var missing = Assert.Throws<OnCallConfigException>(() => new SecretRef("receivers[x].webhook.secret_env", "ABSENT", null).Resolve(environment.GetValueOrDefault));
        var noFile = Assert.Throws<OnCallConfigException>(() => new SecretRef("receivers[x].webhook.secret_file", null, "/nonexistent/secret").Resolve());

        Assert.Equal("s3cr3t-value", present.Reveal());
        Assert.Equal("***", present.ToString());
        Assert.Equal("the error says [***]", present.Redact("the error says [s3cr3t-value]"));
        Assert.Equal("receivers[x].webhook.secret_env", missing.Key);
        Assert.Contains("ABSENT is not set", missing.Message);
        Assert.Contains("secret_file", missing.Message); // what to do instead
        Assert.Equal("receivers[x].webhook.secret_file", noFile.Key);
    }

    [Fact]
    public void The_built_in_config_sends_everything_to_the_log()
    {
        var config = OnCallConfig.LogOnly;
        using var receiver = config.Receivers[0].Settings.Create("log", ReceiverServices.Create(TimeProvider.System, NullLogger.Instance));

        Assert.Equal(["log"], config.Route.Select(new Dictionary<string, string> { ["severity"] = "P0" }));
        Assert.Equal("log", receiver.Kind);
    }

    [Theory]
    [InlineData("alerts/oncall.yaml")]
    [InlineData("alerts/oncall.example.yaml")]
    [InlineData("deploy/alerting/oncall.yaml")]
    public void The_shipped_on_call_files_are_valid(string file)
    {
        var (config, problems) = OnCallFile.Check(Path.Combine(RuleFiles.Root, file));

        Assert.True(config is not null, string.Join("\n", problems));
        Assert.DoesNotContain(problems, p => p.IsError);
        Assert.NotEmpty(config.Receivers);
    }
}
