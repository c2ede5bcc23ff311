using System.Text.Json;
using Analytics.Alerts.Actions;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Alerts.Rules;
using Analytics.Testing.Http;
using static Analytics.Alerts.Incidents.IncidentChangeKind;

namespace Analytics.Alerts.Tests.Actions;

/// <summary>
/// scale_out and halt_rollout against a real local HTTP server standing in for the capacity and release services:
/// the body carries the documented fields (docs/oncall.md), the signature verifies as a receiver checks it, and
/// transient failures are retried off the alert service's path, then recorded as failed.
/// </summary>
public sealed class WebhookActionTests
{
    private static readonly HashSet<Severity> AllUpToP2 = [Severity.P0, Severity.P1, Severity.P2];

    [Fact]
    public async Task Scale_out_posts_a_signed_body_with_the_documented_fields()
    {
        await using var server = await CapturingHttpServer.StartAsync();
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.LiveAt(server.Url) with { AllowedSeverities = AllUpToP2 });

        await runner.NotifyAsync([kit.Change(Opened, "INC-200001", "CacheMisses", "cdn=oca", 3, Severity.P2)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var request = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/scale", "application/json; charset=utf-8"), (request.Method, request.Path, request.Header("Content-Type")));
        Assert.Null(WebhookSignature.Verify(ActionKit.Secret, request.Header(WebhookSignature.TimestampHeader), request.Header(WebhookSignature.SignatureHeader), request.Body, kit.Clock.GetUtcNow()));
        Assert.NotNull(WebhookSignature.Verify("another-secret", request.Header(WebhookSignature.TimestampHeader), request.Header(WebhookSignature.SignatureHeader), request.Body, kit.Clock.GetUtcNow()));
        Assert.Equal("INC-200001/3/0", request.Header(SignedWebhook.IdempotencyHeader));
        using var body = JsonDocument.Parse(request.Body);
        var b = body.RootElement;
        Assert.Equal(
            (1, "scale_out", "INC-200001/3/0", "INC-200001", "CacheMisses", "P2", "oca", "origin-shield", 50, "2040-01-15T12:01:30.000Z"),
            (b.GetProperty("version").GetInt32(), b.GetProperty("action").GetString(), b.GetProperty("decision_id").GetString(),
             b.GetProperty("incident_id").GetString(), b.GetProperty("rule").GetString(), b.GetProperty("severity").GetString(),
             b.GetProperty("slice").GetProperty("cdn").GetString(), b.GetProperty("service").GetString(),
             b.GetProperty("by").GetProperty("percent").GetInt32(), b.GetProperty("issued_at").GetString()));
        Assert.Contains("CacheMisses", b.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(ActionOutcome.Executed, Assert.Single(await kit.AuditAsync("INC-200001")).Outcome);
        Assert.DoesNotContain(ActionKit.Secret, (await kit.AuditAsync("INC-200001"))[0].Params, StringComparison.Ordinal);
        Assert.Equal("Added 50 % to origin-shield (INC-200001)", Assert.Single(await kit.AnnotationsAsync("INC-200001")).Text);
    }

    [Fact]
    public async Task Halt_rollout_sends_the_app_version_and_platform_of_the_slice()
    {
        await using var server = await CapturingHttpServer.StartAsync();
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.LiveAt(server.Url));

        await runner.NotifyAsync([kit.Change(Opened, "INC-200002", "BadRelease", "app_version=5.2.0,os=android", 1, Severity.P1)], CancellationToken.None);
        await runner.WhenIdleAsync();

        var request = Assert.Single(server.Requests);
        Assert.Equal("/halt", request.Path);
        Assert.Null(WebhookSignature.Verify(ActionKit.Secret, request.Header(WebhookSignature.TimestampHeader), request.Header(WebhookSignature.SignatureHeader), request.Body, kit.Clock.GetUtcNow()));
        using var body = JsonDocument.Parse(request.Body);
        var b = body.RootElement;
        Assert.Equal(
            ("halt_rollout", "5.2.0", "android", "5.2.0", "android"),
            (b.GetProperty("action").GetString(), b.GetProperty("app_version").GetString(), b.GetProperty("platform").GetString(),
             b.GetProperty("slice").GetProperty("app_version").GetString(), b.GetProperty("slice").GetProperty("os").GetString()));
        var decision = Assert.Single(await kit.AuditAsync("INC-200002"));
        Assert.Equal(("app_version=5.2.0,os=android", ActionOutcome.Executed), (decision.Target, decision.Outcome));
        Assert.Equal("EXECUTED halt_rollout: halt the rollout of app 5.2.0 on android (INC-200002)", runner.Recent[0].Text);
    }

    [Fact]
    public async Task A_persistent_5xx_is_retried_a_few_times_then_recorded_failed()
    {
        await using var server = await CapturingHttpServer.StartAsync();
        server.Respond = _ => new CannedResponse(503, "{\"error\":\"overloaded\"}");
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.LiveAt(server.Url), new ActionRunnerOptions { WebhookRetries = 2, RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero });

        await runner.NotifyAsync([kit.Change(Opened, "INC-200003", "BadRelease", "app_version=5.2.0,os=ios", 1, Severity.P1)], CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.Equal(3, server.Requests.Count);
        Assert.Single(server.Requests.Select(r => r.Header(SignedWebhook.IdempotencyHeader)).Distinct());
        var decision = Assert.Single(await kit.AuditAsync("INC-200003"));
        Assert.Equal(ActionOutcome.Failed, decision.Outcome);
        Assert.StartsWith("HTTP 503", decision.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(after 3 attempts)", decision.Reason, StringComparison.Ordinal);
        Assert.StartsWith("FAILED halt_rollout app_version=5.2.0,os=ios: HTTP 503", runner.Recent[^1].Text, StringComparison.Ordinal);
        Assert.Empty(await kit.AnnotationsAsync("INC-200003"));
    }

    [Fact]
    public async Task A_4xx_is_not_retried()
    {
        await using var server = await CapturingHttpServer.StartAsync();
        server.Respond = _ => new CannedResponse(400, "{\"error\":\"unknown service\"}");
        await using var kit = await ActionKit.CreateAsync();
        var runner = await kit.StartAsync(kit.LiveAt(server.Url) with { AllowedSeverities = AllUpToP2 });

        await runner.NotifyAsync([kit.Change(Opened, "INC-200004", "CacheMisses", "cdn=oca", 1, Severity.P2)], CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.Single(server.Requests);
        var decision = Assert.Single(await kit.AuditAsync("INC-200004"));
        Assert.Equal(ActionOutcome.Failed, decision.Outcome);
        Assert.Contains("HTTP 400", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_wait_off_the_callers_path_and_a_recovery_keeps_the_decision_executed()
    {
        await using var server = await CapturingHttpServer.StartAsync();
        server.Respond = r => server.Requests.Count == 0 ? new CannedResponse(502) : CannedResponse.Ok();
        await using var kit = await ActionKit.CreateAsync();
        var retryIn = TimeSpan.FromMinutes(1);
        var runner = await kit.StartAsync(kit.LiveAt(server.Url), new ActionRunnerOptions { RetryDelay = retryIn, MaxRetryDelay = retryIn });

        // The decision is taken and audited while the first attempt fails and its retry waits on the clock.
        await runner.NotifyAsync([kit.Change(Opened, "INC-200005", "BadRelease", "app_version=6.0.1,os=ios", 1, Severity.P1)], CancellationToken.None);
        Assert.Equal(ActionOutcome.Executed, Assert.Single(await kit.AuditAsync("INC-200005")).Outcome);
        await server.WaitForAsync(1);
        await kit.Clock.WaitForTimersAsync();
        Assert.Single(server.Requests);

        kit.Clock.Advance(retryIn);
        await runner.WhenIdleAsync();

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(ActionOutcome.Executed, Assert.Single(await kit.AuditAsync("INC-200005")).Outcome);
        Assert.Single(await kit.AnnotationsAsync("INC-200005"));
    }
}
