using System.Text.Json;
using Analytics.Alerts.Delivery;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Routing;
using Analytics.Alerts.Rules;
using Analytics.Processors.ClickHouse;
using Analytics.Testing;
using Analytics.Testing.Http;
using static Analytics.Alerts.Tests.Incidents.IncidentFixtures;

namespace Analytics.Alerts.Tests.Delivery;

/// <summary>The outbox and per-receiver queues, with a real HTTP listener and notification_log on chDB.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private const string Secret = "xoxb-very-secret-token-4711";
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly CapturingLogger _logs = new();
    private ChDbConnection _db = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = $"delivery_{Guid.NewGuid():N}"[..24];
        _db = await TestStore.OpenAsync(_database);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        await _db.ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_receiver_down_for_ten_minutes_gets_every_notification_in_order_without_duplicates_while_others_are_not_held_up()
    {
        var (manager, clock) = Manager();
        var flaky = await ServerAsync();
        var healthy = await ServerAsync();
        var down = true;
        var calls = 0;
        flaky.Respond = _ => !down ? CannedResponse.Ok() : Interlocked.Increment(ref calls) % 2 == 0 ? new CannedResponse(503, "down") : CannedResponse.Drop;
        var dispatcher = await StartAsync(clock, [("flaky", flaky), ("healthy", healthy)]);

        // Two incidents, each opened, acknowledged and resolved while the flaky receiver is down.
        var changes = new List<IncidentChange>();
        changes.AddRange(manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-1", 0), Firing("cdn=akamai,pop=lhr-2", 0, rule: "vsf_pop")]));
        var ids = changes.Select(c => c.Incident.Id).Distinct().ToList();
        changes.AddRange(manager.Acknowledge(ids[0], "alice"));
        changes.AddRange(manager.Resolve(ids[1], "bob"));
        changes.AddRange(manager.Resolve(ids[0], "alice"));
        Assert.Equal(5, changes.Count(c => c.Notify));
        foreach (var change in changes)
        {
            await dispatcher.NotifyAsync([change], CancellationToken.None);
        }

        // The healthy receiver has them all before the clock moves at all.
        var fine = await healthy.WaitForAsync(5);
        Assert.Equal(5, fine.Count);

        // Ten minutes of outage: the flaky receiver is retried with backoff, each retry waiting on the clock.
        var outageEnds = clock.GetUtcNow() + TimeSpan.FromMinutes(10);
        while (clock.GetUtcNow() < outageEnds)
        {
            await clock.WaitForTimersAsync();
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        var duringOutage = flaky.Requests.Count;
        Assert.InRange(duringOutage, 15, 200); // retried all along, backing off up to 30 s
        down = false;
        while (Delivered(flaky).Count < 5)
        {
            await WaitForTimersOrAsync(clock, flaky, flaky.Requests.Count + 1);
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        await WaitUntilAsync(() => dispatcher.Queues.All(q => q.Pending == 0));
        var delivered = Delivered(flaky);
        Assert.Equal(5, delivered.Count);
        Assert.Equal(delivered.Count, delivered.Select(d => d.EventId).Distinct().Count());
        foreach (var incident in delivered.GroupBy(d => d.DedupKey))
        {
            Assert.Equal(incident.Select(d => d.Seq).Order(), incident.Select(d => d.Seq));
        }

        Assert.Equal(["Trigger", "Acknowledge", "Resolve"], delivered.Where(d => d.DedupKey == ids[0]).Select(d => d.Action));

        var log = await HistoryAsync(ids);
        Assert.Equal(10, log.Count(a => a.Status == DeliveryStatus.Delivered)); // 5 per receiver
        Assert.Contains(log, a => a.Receiver == "flaky" && a.Status == DeliveryStatus.Retrying && a.Error.Contains("503"));
        Assert.DoesNotContain(log, a => a.Receiver == "healthy" && a.Status == DeliveryStatus.Retrying);
    }

    [Fact]
    public async Task Notifications_still_owed_at_a_stop_are_sent_after_the_restart_and_delivered_ones_are_not_sent_again()
    {
        var (manager, clock) = Manager();
        var server = await ServerAsync();
        var opened = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-1", 0)]);
        var first = await StartAsync(clock, [("pager", server)]);
        await first.NotifyAsync(opened, CancellationToken.None);
        await server.WaitForAsync(1);

        server.Respond = _ => new CannedResponse(503, "maintenance");
        var id = opened[0].Incident.Id;
        await first.NotifyAsync(manager.Acknowledge(id, "alice"), CancellationToken.None);
        await WaitUntilAsync(() => first.Queues.Single().LastError is not null);
        await first.DisposeAsync();
        _owned.Remove(first);

        server.Respond = _ => CannedResponse.Ok();
        var second = await StartAsync(clock, [("pager", server)]);
        await server.WaitForAsync(3);
        await WaitUntilAsync(() => second.Queues.Single().Pending == 0);

        Assert.Equal(["Trigger", "Acknowledge"], Delivered(server).Select(d => d.Action));
        var log = await HistoryAsync([id]);
        Assert.Equal(2, log.Count(a => a.Status == DeliveryStatus.Delivered));
        Assert.Contains(log, a => a.Status == DeliveryStatus.Retrying && a.Attempt == 1);
        Assert.Contains(log, a => a.Status == DeliveryStatus.Delivered && a.Attempt == 2); // counted on from the first run
    }

    [Fact]
    public async Task A_window_judged_again_queues_nothing_twice()
    {
        var (manager, clock) = Manager();
        var server = await ServerAsync();
        var dispatcher = await StartAsync(clock, [("pager", server)]);
        var opened = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-1", 0)]);

        await dispatcher.NotifyAsync(opened, CancellationToken.None);
        await dispatcher.NotifyAsync(opened, CancellationToken.None);
        await server.WaitForAsync(1);
        await WaitUntilAsync(() => dispatcher.Queues.Single().Pending == 0);

        Assert.Single(server.Requests);
        Assert.Single(await HistoryAsync([opened[0].Incident.Id]), a => a.Status == DeliveryStatus.Queued);
    }

    [Fact]
    public async Task A_rejected_notification_is_recorded_once_and_the_next_one_goes_through()
    {
        var (manager, clock) = Manager();
        var server = await ServerAsync();
        var calls = 0;
        server.Respond = _ => Interlocked.Increment(ref calls) == 1 ? new CannedResponse(400, """{"message":"Event object is invalid"}""") : CannedResponse.Ok();
        var dispatcher = await StartAsync(clock, [("pager", server)]);
        var opened = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-1", 0)]);

        await dispatcher.NotifyAsync(opened, CancellationToken.None);
        await dispatcher.NotifyAsync(manager.Acknowledge(opened[0].Incident.Id, "alice"), CancellationToken.None);
        await server.WaitForAsync(2);
        await WaitUntilAsync(() => dispatcher.Queues.Single().Pending == 0);

        var log = await HistoryAsync([opened[0].Incident.Id]);
        var rejected = Assert.Single(log, a => a.Status == DeliveryStatus.Rejected);
        Assert.Equal(400, rejected.HttpStatus);
        Assert.Contains("Event object is invalid", rejected.Error);
        Assert.Single(log, a => a.Status == DeliveryStatus.Delivered);
        Assert.Equal(1, dispatcher.Queues.Single().Failed);
        Assert.Contains(_logs.Lines, l => l.Contains("undeliverable") && l.Contains("fix the receiver"));
    }

    [Fact]
    public async Task Secrets_echoed_by_a_failing_receiver_never_reach_the_logs_or_the_notification_log()
    {
        var (manager, clock) = Manager();
        var server = await ServerAsync();
        var calls = 0;
        server.Respond = r => Interlocked.Increment(ref calls) switch
        {
            1 => new CannedResponse(503, $"bad token {r.Header("Authorization")}"),
            2 => new CannedResponse(401, $"{{\"error\":\"invalid_auth {r.Header("Authorization")}\"}}"),
            _ => CannedResponse.Ok(),
        };
        var dispatcher = await StartAsync(clock, [("slack", server)]);
        var opened = manager.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-1", 0)]);

        await dispatcher.NotifyAsync(opened, CancellationToken.None);
        await clock.WaitForTimersAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        await server.WaitForAsync(2);
        await WaitUntilAsync(() => dispatcher.Queues.Single().Pending == 0);

        Assert.Contains(server.Requests, r => r.Header("Authorization") == $"Bearer {Secret}"); // it was sent
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
        var table = await _db.QueryTextAsync($"SELECT * FROM {_database}.notification_log FORMAT TSV", "TSV");
        Assert.Contains("***", table);
        Assert.DoesNotContain(Secret, table, StringComparison.Ordinal);
    }

    private async Task<CapturingHttpServer> ServerAsync()
    {
        var server = await CapturingHttpServer.StartAsync();
        _owned.Add(server);
        return server;
    }

    private async Task<Dispatcher> StartAsync(ManualTimeProvider clock, IReadOnlyList<(string Name, CapturingHttpServer Server)> receivers)
    {
        var config = new OnCallConfig(
            new Route([], [.. receivers.Select(r => r.Name)], false, [], new SourcePosition("test", 1, 1)),
            [.. receivers.Select(r => new ReceiverConfig(r.Name, new PreparedSettings((name, services) => new PostingReceiver(name, r.Server.Url + "/notify", new Alerts.Notifiers.Secret(Secret, "test"), services.Http)), new SourcePosition("test", 1, 1)))],
            Alerts.Actions.ActionSettings.Default,
            "",
            "test");
        var services = ReceiverServices.Create(clock, _logs);
        var dispatcher = await Dispatcher.StartAsync(config, services, new NotificationLog(_db, _database), new DeliveryOptions(), [], CancellationToken.None);
        _owned.Add(dispatcher);
        return dispatcher;
    }

    private Task<IReadOnlyList<NotificationAttempt>> HistoryAsync(IEnumerable<string> incidents)
        => Task.WhenAll(incidents.Select(i => new NotificationLog(_db, _database).HistoryAsync(i, CancellationToken.None)))
            .ContinueWith(t => (IReadOnlyList<NotificationAttempt>)[.. t.Result.SelectMany(r => r)], TaskScheduler.Default);

    private static List<Posted> Delivered(CapturingHttpServer server)
        => [.. server.Requests.Where(r => r.Answered).Select(r => JsonSerializer.Deserialize<Posted>(r.Text, new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!)];

    /// <summary>Waits for the queue to block on its retry timer, or for a request to arrive (whichever comes first).</summary>
    private static async Task WaitForTimersOrAsync(ManualTimeProvider clock, CapturingHttpServer server, int requests)
        => await Task.WhenAny(clock.WaitForTimersAsync(), server.WaitForAsync(requests));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "timed out waiting for the delivery queue");
    }

    private sealed record Posted(string EventId, string DedupKey, string Action, long Seq, bool Refresh);
}
