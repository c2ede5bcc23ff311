using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Common;
using static Analytics.Alerts.Tests.Incidents.IncidentFixtures;

namespace Analytics.Alerts.Tests.Incidents;

public sealed class IncidentManagerTests
{
    [Fact]
    public async Task A_pop_outage_is_one_incident_naming_the_pop_with_its_isp_country_and_region_symptoms()
    {
        var source = new FakeSliceSource();
        foreach (var (pop, cdn, failures) in new[] { ("iad-2", "oca", 500.0), ("iad-1", "oca", 20.0), ("ord-1", "akamai", 20.0) })
        {
            foreach (var isp in new[] { "comcast", "verizon" })
            {
                source.Add(W(0), $"region=NA,country=US,cdn={cdn},pop={pop},isp={isp}", 1000, failures);
            }
        }

        var (manager, _) = Manager();
        var signals = new[]
        {
            Firing("cdn=oca,pop=iad-2", 0, value: 0.25, volume: 2000),
            Firing("isp=comcast", 0, value: 0.09, volume: 3000),
            Firing("country=US", 0, value: 0.09, volume: 6000),
            Firing("region=NA", 0, value: 0.09, volume: 6000),
        };

        var changes = await manager.ProcessWindowAsync(W(0), WindowMs, signals, new WindowContext(source));

        var incident = Assert.Single(manager.Incidents);
        Assert.Equal("vsf/cdn=oca,pop=iad-2", incident.Key);
        Assert.Equal(["vsf/country=US", "vsf/isp=comcast", "vsf/region=NA"], incident.Symptoms.Order(StringComparer.Ordinal));
        Assert.Single(changes, c => c.IsPage);
        Assert.Equal(3, changes.Count(c => c.Kind == IncidentChangeKind.SymptomAttached && !c.Notify));
        Assert.StartsWith("INC-", incident.Id, StringComparison.Ordinal);
        Assert.Equal(10, incident.Id.Length);
    }

    [Fact]
    public void Without_a_context_symptoms_are_found_by_their_labels()
    {
        var (manager, _) = Manager();
        var labels = new Dictionary<string, string> { ["cdn"] = "oca", ["pop"] = "iad-2" };

        var changes = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-2", 0, volume: 10), Firing("isp=comcast", 0, labels: labels), Firing("isp=verizon", 0)]);

        Assert.Equal(2, changes.Count(c => c.IsPage));
        Assert.Contains("vsf/isp=comcast", manager.Incidents.Single(i => i.Slice.ToString() == "cdn=oca,pop=iad-2").Symptoms);
    }

    [Fact]
    public void A_region_wide_incident_inhibits_the_pages_of_slices_inside_it()
    {
        var (manager, _) = Manager();
        manager.Topology.Observe(Slice.Parse("region=EU,country=DE"));

        var changes = manager.ProcessWindow(W(0), WindowMs, [Firing("region=EU", 0, volume: 9000), Firing("country=DE", 0, volume: 3000)]);

        var page = Assert.Single(changes, c => c.IsPage);
        Assert.Equal("region=EU", page.Incident.Slice.ToString());
        var inhibited = Assert.Single(changes, c => c.Kind == IncidentChangeKind.Inhibited);
        Assert.Equal("vsf/country=DE", inhibited.Detail);
        Assert.False(inhibited.Notify);
        Assert.Single(manager.Incidents);
        Assert.DoesNotContain(manager.ProcessWindow(W(1), WindowMs, [Firing("region=EU", 1), Firing("country=DE", 1)]), c => c.Kind == IncidentChangeKind.Inhibited);
    }

    [Fact]
    public void An_incident_resolves_itself_after_the_configured_clear_windows()
    {
        var (manager, _) = Manager(new IncidentOptions { AutoResolveAfterWindows = 3 });
        manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca", 0)]);

        Assert.DoesNotContain(manager.ProcessWindow(W(1), WindowMs, []), c => c.Kind == IncidentChangeKind.Resolved);
        Assert.DoesNotContain(manager.ProcessWindow(W(2), WindowMs, []), c => c.Kind == IncidentChangeKind.Resolved);
        var resolved = Assert.Single(manager.ProcessWindow(W(3), WindowMs, []), c => c.Kind == IncidentChangeKind.Resolved);

        Assert.Equal(IncidentStatus.Resolved, resolved.Incident.Status);
        Assert.Equal("auto", resolved.Incident.ResolvedBy);
        Assert.Equal(W(3), resolved.Incident.ResolvedWindowMs);
    }

    [Fact]
    public void A_problem_back_within_the_cooling_period_reopens_its_incident_and_later_opens_a_new_one()
    {
        var (manager, _) = Manager(new IncidentOptions { AutoResolveAfterWindows = 1, CoolingPeriod = TimeSpan.FromMinutes(30) });
        var id = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca", 0)]).Single().Incident.Id;
        manager.ProcessWindow(W(1), WindowMs, []);

        var reopened = Assert.Single(manager.ProcessWindow(W(10), WindowMs, [Firing("cdn=oca", 10)]));
        Assert.Equal((IncidentChangeKind.Reopened, id, true), (reopened.Kind, reopened.Incident.Id, reopened.IsPage));

        manager.ProcessWindow(W(11), WindowMs, []);
        var fresh = Assert.Single(manager.ProcessWindow(W(50), WindowMs, [Firing("cdn=oca", 50)]));
        Assert.Equal(IncidentChangeKind.Opened, fresh.Kind);
        Assert.NotEqual(id, fresh.Incident.Id);
    }

    [Fact]
    public void A_flapping_incident_gives_one_notice_stays_open_and_pages_no_more()
    {
        var (manager, clock) = Manager(new IncidentOptions { FlapThreshold = 4, AutoResolveAfterWindows = 2 });
        var all = new List<IncidentChange>();
        for (var i = 0; i < 12; i++)
        {
            all.AddRange(manager.ProcessWindow(W(i), WindowMs, i % 2 == 0 ? [Firing("cdn=oca", i)] : []));
            clock.Advance(TimeSpan.FromMinutes(1));
            all.AddRange(manager.Tick());
        }

        Assert.Single(all, c => c.Kind == IncidentChangeKind.Flapping && c.Notify);
        Assert.Single(all, c => c.IsPage && c.Kind == IncidentChangeKind.Opened);
        Assert.DoesNotContain(all, c => c.Kind == IncidentChangeKind.Resolved);
        Assert.True(Assert.Single(manager.Incidents).Flapping);
        Assert.DoesNotContain(all, c => c.IsPage && c.AtMs > all.First(f => f.Kind == IncidentChangeKind.Flapping).AtMs);
    }

    [Fact]
    public void Pages_repeat_while_unacknowledged_and_stop_after_an_acknowledgement()
    {
        var (manager, clock) = Manager();
        var id = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca", 0, Severity.P1)]).Single().Incident.Id;

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(manager.Tick());
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(IncidentChangeKind.Repeated, Assert.Single(manager.Tick()).Kind);

        var ack = Assert.Single(manager.Acknowledge(id, "alice"));
        Assert.Equal(("alice", IncidentStatus.Acknowledged), (ack.Incident.AcknowledgedBy, ack.Incident.Status));
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(manager.Tick());
        Assert.Throws<IncidentNotFoundException>(() => manager.Acknowledge("INC-000000", "bob"));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 15)]
    [InlineData(2, 60)]
    [InlineData(3, 1440)]
    public void An_unacknowledged_incident_escalates_past_its_severity_deadline(int priority, int minutes)
    {
        var severity = (Severity)priority;
        var quiet = Enum.GetValues<Severity>().ToDictionary(s => s, _ => TimeSpan.FromDays(30));
        var (manager, clock) = Manager(new IncidentOptions { RepeatIntervals = quiet });
        manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca", 0, severity)]);

        clock.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
        Assert.Empty(manager.Tick());
        clock.Advance(TimeSpan.FromSeconds(1));
        var escalated = Assert.Single(manager.Tick());

        Assert.Equal((IncidentChangeKind.Escalated, 1, true), (escalated.Kind, escalated.Incident.EscalationLevel, escalated.IsPage));
        clock.Advance(TimeSpan.FromMinutes(minutes));
        Assert.Equal(2, Assert.Single(manager.Tick()).Incident.EscalationLevel);
    }

    [Fact]
    public void A_maintenance_window_mutes_notifications_but_the_incident_and_its_events_are_recorded()
    {
        var (manager, clock) = Manager();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        manager.SetSilences([new Silence("SIL-1", Silence.ParseMatchers(["pop=iad-2"]), now - 1, now + (long)TimeSpan.FromHours(2).TotalMilliseconds)]);
        manager.Topology.Observe(Slice.Parse("cdn=oca,pop=iad-2"));

        var opened = Assert.Single(manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-2", 0)]));
        Assert.Equal((IncidentChangeKind.Opened, false, true), (opened.Kind, opened.Notify, opened.Muted));
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.DoesNotContain(manager.Tick(), c => c.Notify);

        clock.Advance(TimeSpan.FromMinutes(91));
        Assert.Contains(manager.Tick(), c => c.IsPage);
    }

    [Fact]
    public void A_weekly_maintenance_schedule_covers_only_its_windows()
    {
        var schedule = MaintenanceSchedule.Parse("weekly sat,sun 23:00 2h");
        Assert.True(schedule.Covers(new DateTimeOffset(2024, 6, 1, 23, 30, 0, TimeSpan.Zero))); // Saturday
        Assert.True(schedule.Covers(new DateTimeOffset(2024, 6, 3, 0, 30, 0, TimeSpan.Zero))); // Sunday's window, past midnight
        Assert.False(schedule.Covers(new DateTimeOffset(2024, 6, 3, 23, 30, 0, TimeSpan.Zero))); // Monday
        Assert.Equal("weekly sun,sat 23:00 2h", schedule.ToString());
        Assert.True(MaintenanceSchedule.Parse("daily 02:00 30m").Covers(new DateTimeOffset(2024, 6, 4, 2, 10, 0, TimeSpan.Zero)));
        Assert.Throws<SilenceFormatException>(() => MaintenanceSchedule.Parse("monthly 02:00 1h"));
    }

    [Fact]
    public void The_same_window_twice_opens_no_second_incident_and_records_nothing()
    {
        var (manager, _) = Manager();
        var signals = new[] { Firing("cdn=oca", 0) };

        Assert.Single(manager.ProcessWindow(W(0), WindowMs, signals));
        Assert.Empty(manager.ProcessWindow(W(0), WindowMs, signals));
        Assert.Empty(manager.ProcessWindow(W(-1), WindowMs, signals));
        Assert.Single(manager.Incidents);
    }

    [Fact]
    public void Options_are_validated_at_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new IncidentManager(new IncidentOptions { AutoResolveAfterWindows = 0 }, TimeProvider.System));
        Assert.Equal("AutoResolveAfterWindows", error.Key);
    }
}
