using System.Globalization;
using Analytics.Common;

namespace Analytics.Alerts.Actions;

/// <summary>A guardrail's answer: the outcome, why, and for a steering the share of all traffic it moves.</summary>
internal sealed record Verdict(ActionOutcome Outcome, string Reason, double SteeredShare = 0);

/// <summary>
/// Decides whether one action may run, checking in this order and stopping at the first refusal: the kill
/// switch, the severity, the target's cooldown, the target's hourly limit, the overall hourly limit, the blast
/// radius (steerings only), then dry run. Annotations change no traffic, so only the kill switch, the severity
/// and dry run apply to them, and they count against no limit. Undos are not judged here: they give traffic back.
/// </summary>
internal sealed class Guardrails
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly ActionSettings _settings;
    private readonly ActionLedger _ledger;
    private readonly TrafficShareReader _shares;
    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;
    private readonly string _steeringDestination;

    public Guardrails(ActionSettings settings, ActionLedger ledger, TrafficShareReader shares, Func<string, string?> environment, TimeProvider time, string steeringDestination)
    {
        _settings = settings;
        _ledger = ledger;
        _shares = shares;
        _environment = environment;
        _time = time;
        _steeringDestination = steeringDestination;
    }

    /// <summary>Why the kill switch is pulled (the setting or the environment), or null when it is not.</summary>
    public string? KillSwitch
    {
        get
        {
            if (_settings.KillSwitch)
            {
                return "the kill switch is pulled (actions.kill_switch: true)";
            }

            var env = _environment(ActionSettings.KillSwitchVariable)?.Trim();
            return string.IsNullOrEmpty(env) || env == "0" || env.Equals("false", StringComparison.OrdinalIgnoreCase)
                ? null
                : $"the kill switch is pulled ({ActionSettings.KillSwitchVariable}={env})";
        }
    }

    public async Task<Verdict> JudgeAsync(ActionPlan plan, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var dry = _settings.DryRun;
        if (Invalid(plan) is { } invalid)
        {
            return Refuse(invalid);
        }

        if (KillSwitch is { } pulled)
        {
            return Refuse(pulled);
        }

        var severity = plan.Incident.Severity;
        if (!_settings.AllowedSeverities.Contains(severity))
        {
            return Refuse($"severity {severity} is not allowed (allowed_severities: {string.Join(", ", _settings.AllowedSeverities.Order())})");
        }

        var share = 0.0;
        var detail = "";
        if (plan.IsActive)
        {
            var name = plan.Kind.Name();
            if (_ledger.LastAtMs(plan.Kind, plan.Target, dry) is { } last && now.ToUnixTimeMilliseconds() - last < _settings.Cooldown.TotalMilliseconds)
            {
                var until = DateTimeOffset.FromUnixTimeMilliseconds(last) + _settings.Cooldown;
                return Refuse($"cooldown: {name} on {plan.Target} at {Clock(last)}; next after {Clock(until.ToUnixTimeMilliseconds())} (cooldown {Durations.Format(_settings.Cooldown)})");
            }

            var hourAgo = (now - Hour).ToUnixTimeMilliseconds();
            if (_ledger.CountSince(hourAgo, dry, plan.Kind, plan.Target) is var onTarget && onTarget >= _settings.MaxPerHourPerTarget)
            {
                return Refuse($"{onTarget} {name} actions on {plan.Target} in the last hour (max_per_hour_per_target: {_settings.MaxPerHourPerTarget})");
            }

            if (_ledger.CountSince(hourAgo, dry) is var all && all >= _settings.MaxPerHour)
            {
                return Refuse($"{all} actions in the last hour (max_per_hour: {_settings.MaxPerHour})");
            }
        }

        if (plan.Steering is { } steering)
        {
            var window = plan.Change.WindowStartMs ?? plan.Incident.LastWindowMs;
            var traffic = await _shares.ReadAsync(steering.From, window, plan.WindowMs, ct);
            if (traffic.Share is not { } sourceShare)
            {
                return Refuse($"blast radius unknown: {traffic.Why}");
            }

            share = steering.Percent / 100.0 * sourceShare;
            var steered = _ledger.SteeredShare(now, dry);
            if (steered + share > _settings.MaxSteeredShare + 1e-9)
            {
                return Refuse(Invariant($"blast radius: {steered:P1} steered already + {share:P1} ({steering.Percent} % of {sourceShare:P1}) > {_settings.MaxSteeredShare:P0} (max_steered_share)"));
            }

            detail = Invariant($"; {traffic.Why}, so {share:P1} of all traffic moves ({steered + share:P1} steered in all)");
        }

        if (dry)
        {
            return new Verdict(ActionOutcome.DryRun, $"dry run (actions.dry_run: true): would {Destination(plan)}{detail}", share);
        }

        return plan.Endpoint is null && plan.Kind is ActionKind.ScaleOut or ActionKind.HaltRollout
            ? Refuse($"actions.{plan.Kind.Name()} is not configured: add {{url, secret_env}} to the on-call file")
            : new Verdict(ActionOutcome.Executed, $"every guardrail passed{detail}", share);
    }

    private static string? Invalid(ActionPlan plan)
    {
        if (plan.Steering is not { } s)
        {
            return null;
        }

        if ((s.To.Pop is not null && s.To.Pop == s.From.Pop) || (s.To.Cdn is not null && s.To.Cdn == s.From.Cdn))
        {
            return $"the steering target {s.To} is where the traffic already is";
        }

        return s.From.Pop is null && s.From.Cdn is null ? "the incident's slice names no pop or cdn to steer from" : null;
    }

    private string Destination(ActionPlan plan) => plan.Kind switch
    {
        ActionKind.CdnSteer => $"publish {plan.Steering!.Action} to {_steeringDestination}",
        ActionKind.Annotate => "write an annotation",
        _ => plan.Endpoint is { } e ? $"POST to {e.Url}" : $"POST (actions.{plan.Kind.Name()} is not configured)",
    };

    private static Verdict Refuse(string reason) => new(ActionOutcome.Refused, reason);

    private static string Clock(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
