using Analytics.Alerts.Actions;
using Analytics.Alerts.Rules;
using static Analytics.Alerts.Incidents.IncidentChangeKind;

namespace Analytics.Alerts.Tests.Actions;

/// <summary>Each guardrail of the action runner, in the order it checks them, on a manual clock and a real store.</summary>
public sealed class GuardrailTests
{
    [Fact]
    public async Task Dry_run_is_the_default_and_records_what_it_would_have_done()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(ActionSettings.Default);

        await runner.NotifyAsync([kit.Change(Opened, "INC-000001", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.True(ActionSettings.Default.DryRun);
        Assert.Empty(kit.Steering.Published);
        Assert.Empty(await kit.AnnotationsAsync("INC-000001"));
        var audit = await kit.AuditAsync("INC-000001");
        Assert.Equal([(ActionKind.CdnSteer, ActionOutcome.DryRun), (ActionKind.Annotate, ActionOutcome.DryRun)], audit.Select(d => (d.Kind, d.Outcome)));
        var steer = audit[0];
        Assert.Equal(("INC-000001/1/0", "cdn=oca,pop=iad-1", 0.03), (steer.DecisionId, steer.Target, Math.Round(steer.SteeredShare, 6)));
        Assert.Contains("would publish steer to kafka topic cdn-steering", steer.Reason, StringComparison.Ordinal);
        Assert.Contains("\"percent\":30", steer.Params, StringComparison.Ordinal);
        var line = runner.Recent[0].Text;
        Assert.Equal("DRY RUN cdn_steer: would move 30 % of pop iad-1 to cdn akamai (INC-000001)", line);
        Assert.All(runner.Recent, d => Assert.True(d.Text.Length <= 80, d.Text));
    }

    [Theory]
    [InlineData(true, null, "actions.kill_switch: true")]
    [InlineData(false, "1", "ANALYTICS_ACTIONS_KILL_SWITCH=1")]
    [InlineData(false, "true", "ANALYTICS_ACTIONS_KILL_SWITCH=true")]
    public async Task The_kill_switch_refuses_everything_first(bool setting, string? env, string reason)
    {
        await using var kit = await ActionKit.CreateAsync(test: $"kill{setting}{env}");
        if (env is not null)
        {
            kit.Environment[ActionSettings.KillSwitchVariable] = env;
        }

        var runner = await kit.StartAsync(kit.Live with { KillSwitch = setting, AllowedSeverities = new HashSet<Severity>() });

        // P3 is not allowed either: the kill switch is named, as the first refusal.
        await runner.NotifyAsync([kit.Change(Opened, "INC-000002", "PopOutage", "cdn=oca,pop=iad-1", 1, Severity.P3)], CancellationToken.None);

        var audit = await kit.AuditAsync("INC-000002");
        Assert.Equal(2, audit.Count);
        Assert.All(audit, d => Assert.Equal(ActionOutcome.Refused, d.Outcome));
        Assert.All(audit, d => Assert.Contains(reason, d.Reason, StringComparison.Ordinal));
        Assert.NotNull(runner.KillSwitch);
        Assert.Empty(kit.Steering.Published);
    }

    [Fact]
    public async Task A_kill_switch_variable_of_0_is_not_pulled()
    {
        await using var kit = await ActionKit.CreateAsync();
        kit.Environment[ActionSettings.KillSwitchVariable] = "0";
        var runner = await kit.StartAsync(ActionSettings.Default);

        await runner.NotifyAsync([kit.Change(Opened, "INC-000003", "BadRelease", "app_version=5.2.0,os=android", 1, Severity.P1)], CancellationToken.None);

        Assert.Null(runner.KillSwitch);
        Assert.Equal(ActionOutcome.DryRun, Assert.Single(await kit.AuditAsync("INC-000003")).Outcome);
    }

    [Fact]
    public async Task Severities_outside_the_allowed_ones_are_refused()
    {
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(ActionSettings.Default);

        await runner.NotifyAsync([kit.Change(Opened, "INC-000004", "CacheMisses", "cdn=oca", 1, Severity.P2)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Opened, "INC-000005", "BadRelease", "app_version=5.2.0,os=ios", 1, Severity.P1)], CancellationToken.None);

        var p2 = Assert.Single(await kit.AuditAsync("INC-000004"));
        Assert.Equal((ActionOutcome.Refused, "severity P2 is not allowed (allowed_severities: P0, P1)"), (p2.Outcome, p2.Reason));
        Assert.Equal(ActionOutcome.DryRun, Assert.Single(await kit.AuditAsync("INC-000005")).Outcome);
    }

    [Fact]
    public async Task A_target_cools_down_and_is_allowed_again_after_the_cooldown()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-000006", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(14));
        await runner.NotifyAsync([kit.Change(Reopened, "INC-000006", "PopOutage", "cdn=oca,pop=iad-1", 4)], CancellationToken.None);
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        await runner.NotifyAsync([kit.Change(Reopened, "INC-000006", "PopOutage", "cdn=oca,pop=iad-1", 7)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var steers = (await kit.AuditAsync("INC-000006")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([ActionOutcome.Executed, ActionOutcome.Refused, ActionOutcome.Executed], steers.Select(d => d.Outcome));
        Assert.Equal("cooldown: cdn_steer on cdn=oca,pop=iad-1 at 12:01:30; next after 12:16:30 (cooldown 15m)", steers[1].Reason);
        Assert.Equal(2, kit.Steering.Published.Count);

        // Annotations change no traffic: no cooldown holds them back.
        Assert.Equal(3, (await kit.AuditAsync("INC-000006")).Count(d => d.Kind == ActionKind.Annotate && d.Outcome == ActionOutcome.Executed));
    }

    [Fact]
    public async Task Hourly_limits_slide_per_target_and_overall()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 10), ("oca", "sjc-1", 10), ("fastly", "lax-1", 10), ("akamai", "iad-2", 970));
        var runner = await kit.StartAsync(kit.Live with { Cooldown = TimeSpan.Zero, MaxPerHourPerTarget = 2, MaxPerHour = 3 });

        // Two on iad-1, 20 minutes apart, then a third on it refused by the per-target limit.
        for (var seq = 1; seq <= 3; seq++)
        {
            kit.Clock.Advance(TimeSpan.FromMinutes(seq == 1 ? 0 : 20));
            await runner.NotifyAsync([kit.Change(seq == 1 ? Opened : Reopened, "INC-000007", "PopOutage", "cdn=oca,pop=iad-1", seq)], CancellationToken.None);
        }

        // At 12:41:30 sjc-1 is the third action of the hour; lax-1 would be the fourth.
        await runner.NotifyAsync([kit.Change(Opened, "INC-000008", "PopOutage", "cdn=oca,pop=sjc-1", 1)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Opened, "INC-000009", "PopOutage", "cdn=fastly,pop=lax-1", 1)], CancellationToken.None);

        // Just over an hour after the first (12:01:30), it has slid out of the window: lax-1 may go.
        kit.Clock.Advance(TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(1));
        await runner.NotifyAsync([kit.Change(Reopened, "INC-000009", "PopOutage", "cdn=fastly,pop=lax-1", 2)], CancellationToken.None);

        var iad = (await kit.AuditAsync("INC-000007")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([ActionOutcome.Executed, ActionOutcome.Executed, ActionOutcome.Refused], iad.Select(d => d.Outcome));
        Assert.Equal("2 cdn_steer actions on cdn=oca,pop=iad-1 in the last hour (max_per_hour_per_target: 2)", iad[2].Reason);
        Assert.Equal(ActionOutcome.Executed, (await kit.AuditAsync("INC-000008")).First(d => d.Kind == ActionKind.CdnSteer).Outcome);
        var lax = (await kit.AuditAsync("INC-000009")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([ActionOutcome.Refused, ActionOutcome.Executed], lax.Select(d => d.Outcome));
        Assert.Equal("3 actions in the last hour (max_per_hour: 3)", lax[0].Reason);
    }

    [Fact]
    public async Task The_blast_radius_adds_up_steerings_of_two_pops_and_frees_with_the_undo()
    {
        await using var kit = await ActionKit.CreateAsync();

        // iad-1 carries 40 % of attempts and sjc-1 30 %: 30 % of each is 12 % and 9 % of all traffic.
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 400), ("oca", "sjc-1", 300), ("akamai", "iad-2", 300));
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-00000a", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Opened, "INC-00000b", "PopOutage", "cdn=oca,pop=sjc-1", 1)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Resolved, "INC-00000a", "PopOutage", "cdn=oca,pop=iad-1", 2)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Reopened, "INC-00000b", "PopOutage", "cdn=oca,pop=sjc-1", 2)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var first = (await kit.AuditAsync("INC-00000a")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([(ActionOutcome.Executed, 0.12), (ActionOutcome.Undone, 0.12)], first.Select(d => (d.Outcome, Math.Round(d.SteeredShare, 6))));
        var second = (await kit.AuditAsync("INC-00000b")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([ActionOutcome.Refused, ActionOutcome.Executed], second.Select(d => d.Outcome));
        Assert.Equal("blast radius: 12.0 % steered already + 9.0 % (30 % of 30.0 %) > 20 % (max_steered_share)", second[0].Reason);
        Assert.Equal(["steer", "undo", "steer"], kit.Steering.Published.Select(c => c.Action));
    }

    [Fact]
    public async Task An_unknown_share_of_traffic_is_refused_rather_than_guessed()
    {
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-00000c", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);

        var steer = (await kit.AuditAsync("INC-00000c")).First(d => d.Kind == ActionKind.CdnSteer);
        Assert.Equal(ActionOutcome.Refused, steer.Outcome);
        Assert.Equal("blast radius unknown: no traffic recorded in the window of 12:00", steer.Reason);
        Assert.Empty(kit.Steering.Published);
    }

    [Fact]
    public async Task A_steering_towards_where_the_traffic_already_is_is_refused()
    {
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-00000d", "PopOutage", "cdn=akamai,pop=iad-2", 1)], CancellationToken.None);

        var steer = (await kit.AuditAsync("INC-00000d")).First(d => d.Kind == ActionKind.CdnSteer);
        Assert.Equal((ActionOutcome.Refused, "the steering target cdn akamai is where the traffic already is"), (steer.Outcome, steer.Reason));
    }
}
