using Analytics.Alerts.Actions;
using Analytics.Alerts.Incidents;
using Analytics.Processors.ClickHouse;
using static Analytics.Alerts.Incidents.IncidentChangeKind;

namespace Analytics.Alerts.Tests.Actions;

/// <summary>The runner's promises around the guardrails: replays, restarts, undos, failures and the audit.</summary>
public sealed class ActionRunnerTests
{
    [Fact]
    public async Task A_change_handed_over_again_takes_no_decision_twice_even_after_a_restart()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var opened = kit.Change(Opened, "INC-100001", "PopOutage", "cdn=oca,pop=iad-1", 1);
        var first = await kit.StartAsync(kit.Live);

        await first.NotifyAsync([opened], CancellationToken.None);
        await first.NotifyAsync([opened], CancellationToken.None);
        await first.WhenIdleAsync();
        await first.DisposeAsync();
        var second = await kit.StartAsync(kit.Live);
        await second.NotifyAsync([opened], CancellationToken.None);
        await second.WhenIdleAsync();

        var rows = await kit.Db.QueryScalarAsync<long>($"SELECT count() FROM {kit.Database}.incident_actions WHERE incident_id = 'INC-100001'");
        Assert.Equal(2, rows);
        Assert.Equal(["INC-100001/1/0", "INC-100001/1/1"], (await kit.AuditAsync("INC-100001")).Select(d => d.DecisionId));
        Assert.Single(kit.Steering.Published);
        Assert.Equal(2, (await kit.AnnotationsAsync("INC-100001")).Count);
    }

    [Fact]
    public async Task A_restart_rebuilds_cooldowns_limits_and_the_steerings_to_undo()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var first = await kit.StartAsync(kit.Live with { MaxPerHour = 2 });
        await first.NotifyAsync([kit.Change(Opened, "INC-100002", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await first.WhenIdleAsync();
        await first.DisposeAsync();
        kit.Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await kit.StartAsync(kit.Live with { MaxPerHour = 2 });
        await second.NotifyAsync([kit.Change(Opened, "INC-100003", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await second.NotifyAsync([kit.Change(Opened, "INC-100004", "BadRelease", "app_version=5.2.0,os=ios", 1, Analytics.Alerts.Rules.Severity.P1)], CancellationToken.None);
        await second.NotifyAsync([kit.Change(Opened, "INC-100005", "CdnOutage", "cdn=oca", 1)], CancellationToken.None);
        await second.NotifyAsync([kit.Change(Resolved, "INC-100002", "PopOutage", "cdn=oca,pop=iad-1", 3)], CancellationToken.None);
        await second.WhenIdleAsync();

        Assert.Contains(second.Recent, d => d.DecisionId == "INC-100002/1/0" && d.Outcome == ActionOutcome.Executed);
        var again = (await kit.AuditAsync("INC-100003")).First(d => d.Kind == ActionKind.CdnSteer);
        Assert.StartsWith("cooldown: cdn_steer on cdn=oca,pop=iad-1 at 12:01:30", again.Reason, StringComparison.Ordinal);

        // halt_rollout is the second counted action of the hour (the first survived the restart), and fails
        // (nothing listens at its URL); the CDN steering would be the third.
        Assert.Equal(ActionOutcome.Failed, Assert.Single(await kit.AuditAsync("INC-100004")).Outcome);
        Assert.Equal("2 actions in the last hour (max_per_hour: 2)", Assert.Single(await kit.AuditAsync("INC-100005")).Reason);
        var published = kit.Steering.Published;
        Assert.Equal(["steer", "undo"], published.Select(c => c.Action));
        Assert.Equal((published[0].CommandId, "INC-100002/3/0"), (published[1].Undoes, published[1].CommandId));
        Assert.Equal(ActionOutcome.Undone, (await kit.AuditAsync("INC-100002")).Single(d => d.DecisionId == "INC-100002/3/0").Outcome);
    }

    [Fact]
    public async Task A_failed_steering_is_recorded_with_its_reason_counts_against_limits_and_is_not_undone()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        kit.Steering.Failure = "Kafka: no broker answered";
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-100006", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.WhenIdleAsync();
        await runner.NotifyAsync([kit.Change(Opened, "INC-100007", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Resolved, "INC-100006", "PopOutage", "cdn=oca,pop=iad-1", 2)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var failed = (await kit.AuditAsync("INC-100006")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal((ActionOutcome.Failed, "Kafka: no broker answered"), (Assert.Single(failed).Outcome, failed[0].Reason));
        Assert.Contains(runner.Recent, d => d.Text == "FAILED cdn_steer cdn=oca,pop=iad-1: Kafka: no broker answered (INC-100006)");
        Assert.StartsWith("cooldown:", (await kit.AuditAsync("INC-100007")).First(d => d.Kind == ActionKind.CdnSteer).Reason, StringComparison.Ordinal);
        Assert.Empty(kit.Steering.Published);
    }

    [Fact]
    public async Task A_dry_run_steering_is_undone_in_dry_run_when_its_incident_resolves()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(ActionSettings.Default);

        await runner.NotifyAsync([kit.Change(Opened, "INC-100008", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.NotifyAsync([kit.Change(Resolved, "INC-100008", "PopOutage", "cdn=oca,pop=iad-1", 5)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var steers = (await kit.AuditAsync("INC-100008")).Where(d => d.Kind == ActionKind.CdnSteer).ToList();
        Assert.Equal([ActionOutcome.DryRun, ActionOutcome.UndoDryRun], steers.Select(d => d.Outcome));
        Assert.Contains("\"undoes\":\"INC-100008/1/0\"", steers[1].Params, StringComparison.Ordinal);
        Assert.Equal("DRY RUN cdn_steer: would give pop iad-1 its 30 % back (INC-100008)", runner.Recent[^1].Text);
        Assert.Empty(kit.Steering.Published);
    }

    [Fact]
    public async Task An_incident_opened_and_resolved_in_one_batch_steers_then_undoes()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync(
            [kit.Change(Opened, "INC-10000c", "PopOutage", "cdn=oca,pop=iad-1", 1), kit.Change(Resolved, "INC-10000c", "PopOutage", "cdn=oca,pop=iad-1", 2)],
            CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.Equal(["steer", "undo"], kit.Steering.Published.Select(c => c.Action));
        Assert.Equal(
            [("INC-10000c/1/0", ActionOutcome.Executed), ("INC-10000c/2/0", ActionOutcome.Undone)],
            (await kit.AuditAsync("INC-10000c")).Where(d => d.Kind == ActionKind.CdnSteer).Select(d => (d.DecisionId, d.Outcome)));
    }

    [Theory]
    [InlineData(nameof(Escalated))]
    [InlineData(nameof(Repeated))]
    [InlineData(nameof(Acknowledged))]
    [InlineData(nameof(Updated))]
    public async Task Only_openings_and_resolutions_call_for_actions(string name)
    {
        var kind = Enum.Parse<IncidentChangeKind>(name);
        await using var kit = await ActionKit.CreateAsync(test: $"only{kind}");
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(kind, "INC-100009", "PopOutage", "cdn=oca,pop=iad-1", 2)], CancellationToken.None);

        Assert.Empty(await kit.AuditAsync("INC-100009"));
        Assert.Empty(runner.Recent);
    }

    [Fact]
    public async Task Executed_actions_write_annotations_the_dashboards_show()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(kit.Live);

        await runner.NotifyAsync([kit.Change(Opened, "INC-10000a", "PopOutage", "cdn=oca,pop=iad-1", 1)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var notes = await kit.AnnotationsAsync("INC-10000a");
        Assert.Equal(
            [
                ("INC-10000a/1/0", "Steered 30 % of pop iad-1 to cdn akamai (INC-10000a)", "P0,PopOutage,cdn_steer"),
                ("INC-10000a/1/1", "POP iad-1 fails 50 % of starts", "P0,PopOutage,annotate,noc"),
            ],
            notes.Select(n => (n.Id, n.Text, string.Join(',', n.Tags))));
    }

    [Fact]
    public async Task When_the_audit_cannot_be_written_nothing_is_done_and_the_same_change_decides_later()
    {
        await using var kit = await ActionKit.CreateAsync();
        await kit.TrafficAsync(ActionKit.W0, ("oca", "iad-1", 100), ("akamai", "iad-2", 900));
        var runner = await kit.StartAsync(kit.Live);
        var opened = kit.Change(Opened, "INC-10000b", "PopOutage", "cdn=oca,pop=iad-1", 1);
        await kit.Db.ExecuteAsync($"RENAME TABLE {kit.Database}.incident_actions TO {kit.Database}.incident_actions_away");

        await runner.NotifyAsync([opened], CancellationToken.None);
        await runner.WhenIdleAsync();
        Assert.Empty(kit.Steering.Published);

        await kit.Db.ExecuteAsync($"RENAME TABLE {kit.Database}.incident_actions_away TO {kit.Database}.incident_actions");
        await runner.NotifyAsync([opened], CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.Equal(ActionOutcome.Executed, (await kit.AuditAsync("INC-10000b"))[0].Outcome);
        Assert.Single(kit.Steering.Published);
    }
}
