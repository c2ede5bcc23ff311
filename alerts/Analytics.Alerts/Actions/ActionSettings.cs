using System.Text.RegularExpressions;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Actions;

/// <summary>Where a webhook action posts, and the secret its body is signed with.</summary>
internal sealed record WebhookEndpoint(Uri Url, SecretRef Secret);

/// <summary>
/// The <c>actions:</c> section of the on-call file: the guardrails every automated action passes (in the order
/// <see cref="Guardrails"/> checks them) and where actions are sent. Every default is the cautious one: dry run
/// on, P0 and P1 only, a target acted on at most once in 15 minutes and 3 times an hour, 10 actions an hour
/// overall, and at most a fifth of the traffic steered at once.
/// </summary>
internal sealed partial record ActionSettings
{
    /// <summary>Set to 1 (or true) to stop every automated action, whatever the file says.</summary>
    public const string KillSwitchVariable = "ANALYTICS_ACTIONS_KILL_SWITCH";

    public const string DefaultSteeringTopic = "cdn-steering";

    private static readonly string[] Keys =
    [
        "dry_run", "kill_switch", "allowed_severities", "cooldown", "max_per_hour", "max_per_hour_per_target",
        "max_steered_share", "cdn_steer", "scale_out", "halt_rollout",
    ];

    public static ActionSettings Default { get; } = new();

    /// <summary>Decide and audit, but do nothing: the default, so actions are watched before they are trusted.</summary>
    public bool DryRun { get; init; } = true;

    /// <summary>Refuse every action (also pulled by <see cref="KillSwitchVariable"/>).</summary>
    public bool KillSwitch { get; init; }

    public IReadOnlySet<Severity> AllowedSeverities { get; init; } = new HashSet<Severity> { Severity.P0, Severity.P1 };

    /// <summary>How long a target (an action kind on one POP, CDN, app version or service) rests after an action.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Actions in any sliding hour, all targets together.</summary>
    public int MaxPerHour { get; init; } = 10;

    /// <summary>Actions on one target in any sliding hour.</summary>
    public int MaxPerHourPerTarget { get; init; } = 3;

    /// <summary>The blast radius: the share of all traffic (0 to 1) steered at once, all steerings together.</summary>
    public double MaxSteeredShare { get; init; } = 0.2;

    /// <summary>The Kafka topic steering commands go to (the brokers are the service's Kafka settings).</summary>
    public string SteeringTopic { get; init; } = DefaultSteeringTopic;

    public WebhookEndpoint? ScaleOut { get; init; }

    public WebhookEndpoint? HaltRollout { get; init; }

    /// <summary>The webhook endpoint of a kind; null when not configured (or the kind is not a webhook).</summary>
    public WebhookEndpoint? Endpoint(ActionKind kind) => kind switch
    {
        ActionKind.ScaleOut => ScaleOut,
        ActionKind.HaltRollout => HaltRollout,
        _ => null,
    };

    /// <summary>Reads the section; null (after reporting each problem with its key) when it has errors.</summary>
    public static ActionSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var errors = context.Problems.Count(p => p.IsError);
        var r = new ConfigReader(context, node, key, Keys);
        var defaults = Default;
        var settings = new ActionSettings
        {
            DryRun = r.Bool("dry_run") ?? defaults.DryRun,
            KillSwitch = r.Bool("kill_switch") ?? defaults.KillSwitch,
            AllowedSeverities = Severities(r) ?? defaults.AllowedSeverities,
            Cooldown = r.Duration("cooldown") ?? defaults.Cooldown,
            MaxPerHour = Count(r, "max_per_hour") ?? defaults.MaxPerHour,
            MaxPerHourPerTarget = Count(r, "max_per_hour_per_target") ?? defaults.MaxPerHourPerTarget,
            MaxSteeredShare = Share(r) ?? defaults.MaxSteeredShare,
            SteeringTopic = Topic(r) ?? defaults.SteeringTopic,
            ScaleOut = Webhook(r, "scale_out"),
            HaltRollout = Webhook(r, "halt_rollout"),
        };
        if (settings.MaxPerHourPerTarget > settings.MaxPerHour && r.Has("max_per_hour_per_target"))
        {
            r.Error("max_per_hour_per_target", $"is {settings.MaxPerHourPerTarget}, more than max_per_hour ({settings.MaxPerHour}); lower it or raise max_per_hour");
        }

        return context.Problems.Count(p => p.IsError) > errors ? null : settings;
    }

    /// <summary>
    /// Rules naming a webhook action whose endpoint is not configured: an error once dry run is off (nothing
    /// could be sent), a warning while it is on. <c>analytics rules check</c> can report these with the rest.
    /// </summary>
    public IReadOnlyList<RuleProblem> CheckAgainst(RuleSet rules)
    {
        var problems = new List<RuleProblem>();
        foreach (var rule in rules.Rules)
        {
            foreach (var action in rule.Actions.Where(a => a.Kind is ActionKind.ScaleOut or ActionKind.HaltRollout && Endpoint(a.Kind) is null))
            {
                var name = action.Kind.Name();
                problems.Add(new RuleProblem(
                    action.Position.File,
                    action.Position.Line,
                    action.Position.Column,
                    $"rule {rule.Name} uses {name}, but the on-call file has no actions.{name}: {{url, secret_env}}; add it{(DryRun ? " before turning dry_run off" : "")}",
                    IsError: !DryRun));
            }
        }

        return problems;
    }

    private static HashSet<Severity>? Severities(ConfigReader r)
    {
        if (r.Get("allowed_severities") is not { } node)
        {
            return null;
        }

        var key = $"{r.Key}.allowed_severities";
        var result = new HashSet<Severity>();
        var ok = true;
        foreach (var item in r.Context.Sequence(node, key) ?? [])
        {
            if (r.Context.Text(item, key) is { } text && Rules.Severities.TryParse(text, out var severity))
            {
                result.Add(severity);
            }
            else
            {
                r.Context.Error(item, $"{key}: \"{(item as YamlScalarNode)?.Value}\" is not a severity; use P0, P1, P2 or P3");
                ok = false;
            }
        }

        return ok ? result : null;
    }

    private static int? Count(ConfigReader r, string name)
    {
        if (r.Number(name, 1, 1000) is not { } value)
        {
            return null;
        }

        if (value != Math.Floor(value))
        {
            r.Error(name, $"must be a whole number, not {YamlContext.Show(value)}");
            return null;
        }

        return (int)value;
    }

    private static double? Share(ConfigReader r)
    {
        var share = r.Number("max_steered_share", 0, 1);
        if (share is 0)
        {
            r.Error("max_steered_share", "must be more than 0 (write 0.2 or 20%); to stop steering, pull the kill switch");
            return null;
        }

        return share;
    }

    private static string? Topic(ConfigReader r)
    {
        if (r.Get("cdn_steer") is not { } node)
        {
            return null;
        }

        var steer = new ConfigReader(r.Context, node, $"{r.Key}.cdn_steer", "topic");
        var topic = steer.Text("topic", required: true);
        if (topic is not null && !TopicName().IsMatch(topic))
        {
            steer.Error("topic", $"\"{topic}\" is not a Kafka topic name (letters, digits, '.', '_' and '-', at most 249)");
            return null;
        }

        return topic;
    }

    private static WebhookEndpoint? Webhook(ConfigReader r, string name)
    {
        if (r.Get(name) is not { } node)
        {
            return null;
        }

        var hook = new ConfigReader(r.Context, node, $"{r.Key}.{name}", ["url", .. ConfigReader.SecretKeys("secret")]);
        var url = hook.Url("url", required: true);
        var secret = hook.Secret("secret");
        return url is null || secret is null ? null : new WebhookEndpoint(url, secret);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex TopicName();
}
