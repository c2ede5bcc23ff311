using Analytics.Alerts.Actions;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Tests.Rules;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Alerts.Tests.Actions;

/// <summary>The actions: section of the on-call file and the actions: list of rules: defaults, and every mistake named by its key.</summary>
public sealed class ActionConfigTests
{
    private const string Head = "route:\n  receiver: log\nreceivers:\n  - name: log\n    log: {}\n";

    [Fact]
    public void Without_an_actions_section_every_default_is_the_cautious_one()
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", Head);

        Assert.Empty(problems);
        var a = config!.Actions;
        Assert.Equal(
            (true, false, "P0,P1", TimeSpan.FromMinutes(15), 10, 3, 0.2, "cdn-steering"),
            (a.DryRun, a.KillSwitch, string.Join(',', a.AllowedSeverities.Order()), a.Cooldown, a.MaxPerHour, a.MaxPerHourPerTarget, a.MaxSteeredShare, a.SteeringTopic));
        Assert.Null(a.ScaleOut);
    }

    [Fact]
    public void A_full_section_is_read()
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", Head + """
            actions:
              dry_run: false
              kill_switch: true
              allowed_severities: [P0, P1, P2]
              cooldown: 30m
              max_per_hour: 20
              max_per_hour_per_target: 2
              max_steered_share: 10%
              cdn_steer: {topic: steering.v1}
              scale_out: {url: "https://capacity.example/hooks/scale", secret_env: SCALE_SECRET}
              halt_rollout: {url: "https://releases.example/halt", secret_file: /run/secrets/halt}
            """);

        Assert.Empty(problems);
        var a = config!.Actions;
        Assert.Equal(
            (false, true, "P0,P1,P2", TimeSpan.FromMinutes(30), 20, 2, 0.1, "steering.v1"),
            (a.DryRun, a.KillSwitch, string.Join(',', a.AllowedSeverities.Order()), a.Cooldown, a.MaxPerHour, a.MaxPerHourPerTarget, a.MaxSteeredShare, a.SteeringTopic));
        Assert.Equal(("https://capacity.example/hooks/scale", "SCALE_SECRET"), (a.ScaleOut!.Url.ToString(), a.ScaleOut.Secret.Env));
        Assert.Equal("/run/secrets/halt", a.HaltRollout!.Secret.File);
    }

    [Theory]
    [InlineData("dry_runn: false", 7, "unknown key \"dry_runn\" in actions; did you mean \"dry_run\"?")]
    [InlineData("dry_run: maybe", 7, "actions.dry_run must be true or false")]
    [InlineData("cooldown: soon", 7, "actions.cooldown: \"soon\" is not a duration")]
    [InlineData("max_per_hour: 0", 7, "actions.max_per_hour must be between 1 and 1000")]
    [InlineData("max_per_hour: 2.5", 7, "actions.max_per_hour: must be a whole number")]
    [InlineData("max_per_hour_per_target: 20", 7, "actions.max_per_hour_per_target: is 20, more than max_per_hour (10)")]
    [InlineData("max_steered_share: 150%", 7, "actions.max_steered_share must be between 0 and 1")]
    [InlineData("max_steered_share: 0", 7, "actions.max_steered_share: must be more than 0")]
    [InlineData("allowed_severities: [P0, P5]", 7, "actions.allowed_severities: \"P5\" is not a severity")]
    [InlineData("cdn_steer: {topic: \"no spaces\"}", 7, "actions.cdn_steer.topic: \"no spaces\" is not a Kafka topic name")]
    [InlineData("cdn_steer: {}", 7, "actions.cdn_steer: \"topic\" is required")]
    [InlineData("scale_out: {url: \"ftp://x\", secret_env: S}", 7, "actions.scale_out.url: \"ftp://x\" is not an http or https URL")]
    [InlineData("scale_out: {url: \"https://x\"}", 7, "actions.scale_out: \"secret_env\" or \"secret_file\" is required")]
    [InlineData("halt_rollout: {url: \"https://x\", secret: hunter2}", 7, "actions.halt_rollout.secret: do not write the secret in the file")]
    public void A_wrong_value_is_an_error_at_its_line_naming_the_key(string line, int lineNumber, string expected)
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", Head + "actions:\n  " + line + "\n");

        Assert.Null(config);
        var error = Assert.Single(problems, p => p.IsError);
        Assert.Equal(("oncall.yaml", lineNumber), (error.File, error.Line));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_actions_are_read_with_their_defaults()
    {
        var (set, problems) = RuleSet.Parse([("rules.yaml", ActionKit.Rules)]);

        Assert.DoesNotContain(problems, p => p.IsError);
        var pop = set.Rules.Single(r => r.Name == "PopOutage").Actions;
        var steer = Assert.IsType<CdnSteerAction>(pop[0]);
        Assert.Equal((30, new SteeringTarget("cdn", "akamai"), TimeSpan.FromHours(1)), (steer.Percent, steer.To, steer.Ttl));
        Assert.Equal(["noc"], Assert.IsType<AnnotateAction>(pop[1]).Tags);
        Assert.Equal(CdnSteerAction.DefaultTtl, Assert.IsType<CdnSteerAction>(set.Rules.Single(r => r.Name == "CdnOutage").Actions[0]).Ttl);
        Assert.Equal(new ScaleAmount(50, IsPercent: true), Assert.IsType<ScaleOutAction>(set.Rules.Single(r => r.Name == "CacheMisses").Actions[0]).By);
        Assert.IsType<HaltRolloutAction>(set.Rules.Single(r => r.Name == "BadRelease").Actions[0]);
    }

    [Theory]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percent: 0, to: {cdn: akamai}}", "actions[0].cdn_steer.percent: \"0\" must be a whole percentage from 1 to 100")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percent: 30}", "actions[0].cdn_steer: \"to\" is required")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {to: {cdn: akamai}}", "actions[0].cdn_steer: \"percent\" is required")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percent: 30, to: {cdn: a, pop: b}}", "actions[0].cdn_steer.to: give one of pop or cdn, not both")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percent: 30, to: {region: eu}}", "unknown key \"region\" in actions[0].cdn_steer.to")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percnt: 30, to: {cdn: a}}", "did you mean \"percent\"?")]
    [InlineData("by: [cdn, pop]", "- cdn_steer: {percent: 30, to: {cdn: a}, ttl: 2d}", "actions[0].cdn_steer.ttl: must be more than 0 and at most 1d")]
    [InlineData("by: [isp]", "- cdn_steer: {percent: 30, to: {cdn: a}}", "actions[0].cdn_steer: the rule's slice names no pop or cdn to steer away from (it has isp)")]
    [InlineData("by: [isp]", "- halt_rollout: {}", "actions[0].halt_rollout: the rule's slice names no app_version to halt (it has isp)")]
    [InlineData("by: [isp]", "- halt_rollout: {app: x}", "actions[0].halt_rollout takes no settings")]
    [InlineData("by: [isp]", "- scale_out: {service: edge}", "actions[0].scale_out: \"by\" is required")]
    [InlineData("by: [isp]", "- scale_out: {service: edge, by: lots}", "actions[0].scale_out.by: \"lots\" is not an amount")]
    [InlineData("by: [isp]", "- annotate: {text: \"{{ pop }} down\"}", "actions[0].annotate.text")]
    [InlineData("by: [isp]", "- cdn_ster: {}", "did you mean \"cdn_steer\"?")]
    [InlineData("by: [isp]", "- annotate: {}\n- annotate: {}", "actions[1].annotate: annotate is listed twice")]
    public void A_wrong_rule_action_is_an_error_at_its_position_naming_the_key(string by, string actions, string expected)
    {
        var rule = $"name: R\nmetric: vsf_rate\n{by}\ncondition: {{threshold: {{above: 0.3}}}}\nseverity: P0\nactions:\n  {actions.Replace("\n", "\n  ", StringComparison.Ordinal)}";
        var (set, problems) = RuleFiles.Parse(RuleFiles.OneRule(rule));

        var error = Assert.Single(problems, p => p.IsError);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 11, error.ToString());
        Assert.Empty(set.Rules);
    }

    [Fact]
    public void A_webhook_action_without_its_endpoint_warns_in_dry_run_and_stops_a_live_start()
    {
        var (rules, _) = RuleSet.Parse([("rules.yaml", ActionKit.Rules)]);

        var dry = ActionSettings.Default.CheckAgainst(rules);
        var live = (ActionSettings.Default with { DryRun = false }).CheckAgainst(rules);

        Assert.Equal(2, dry.Count);
        Assert.All(dry, p => Assert.False(p.IsError));
        Assert.Contains(live, p => p.IsError && p.Message.StartsWith("rule BadRelease uses halt_rollout, but the on-call file has no actions.halt_rollout", StringComparison.Ordinal));
        var error = Assert.Throws<OnCallConfigException>(() => new ActionRunner(
            ActionSettings.Default with { DryRun = false }, rules, null!, "db", new UnconfiguredSteeringPublisher(), new HttpClient(), TimeProvider.System, NullLogger.Instance));
        Assert.Equal("actions", error.Key);
    }

    [Fact]
    public void A_missing_webhook_secret_stops_a_live_start_naming_its_key()
    {
        var (rules, _) = RuleSet.Parse([("rules.yaml", ActionKit.Rules)]);
        var endpoint = new WebhookEndpoint(new Uri("https://x.example"), new Alerts.Notifiers.SecretRef("actions.scale_out.secret_env", "NOT_SET_ANYWHERE", null));
        var settings = ActionSettings.Default with { DryRun = false, ScaleOut = endpoint, HaltRollout = endpoint };

        var error = Assert.Throws<OnCallConfigException>(() => new ActionRunner(
            settings, rules, null!, "db", new UnconfiguredSteeringPublisher(), new HttpClient(), TimeProvider.System, NullLogger.Instance, _ => null));

        Assert.Equal("actions.scale_out.secret_env", error.Key);
        Assert.Contains("NOT_SET_ANYWHERE is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_rule_pack_names_actions_that_check_cleanly()
    {
        var set = RuleSet.Load([RuleFiles.Pack]);

        Assert.IsType<CdnSteerAction>(set.Rules.Single(r => r.Name == "PopStartFailures").Actions[0]);
        Assert.IsType<HaltRolloutAction>(set.Rules.Single(r => r.Name == "AppVersionPlaybackFailures").Actions[0]);
        Assert.All(ActionSettings.Default.CheckAgainst(set), p => Assert.False(p.IsError));
    }
}
