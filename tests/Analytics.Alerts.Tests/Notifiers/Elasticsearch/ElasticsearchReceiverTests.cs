using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Elasticsearch;
using Analytics.Testing;
using Analytics.Testing.Http;

namespace Analytics.Alerts.Tests.Notifiers.Elasticsearch;

/// <summary>
/// The Elasticsearch receiver against the documented wire formats (Elasticsearch cannot run here):
/// the index template request (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/indices-put-template.html)
/// and the NDJSON <c>_bulk</c> request and its per-item answer
/// (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/docs-bulk.html).
/// </summary>
public sealed class ElasticsearchReceiverTests : IAsyncLifetime
{
    private const string Prefix = "analytics-incidents";
    private readonly ManualTimeProvider _clock = new(SampleIncidents.Now);
    private CapturingHttpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await CapturingHttpServer.StartAsync();
        _server.Respond = _ => CannedResponse.Ok(Ok);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Start_installs_the_composable_index_template_for_both_indices()
    {
        using var receiver = Receiver();

        await receiver.StartAsync(CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal($"/_index_template/{Prefix}", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = JsonDocument.Parse(request.Text).RootElement;
        Assert.Equal([$"{Prefix}-incidents", $"{Prefix}-events"], body.GetProperty("index_patterns").EnumerateArray().Select(p => p.GetString()));
        Assert.True(body.GetProperty("priority").GetInt32() > 100, "above the built-in templates");
        var template = body.GetProperty("template");
        Assert.Equal(1, template.GetProperty("settings").GetProperty("index.number_of_shards").GetInt32());
        var mappings = template.GetProperty("mappings");
        Assert.False(mappings.GetProperty("dynamic").GetBoolean());
        Assert.Equal("keyword", mappings.GetProperty("properties").GetProperty("incident_id").GetProperty("type").GetString());
        Assert.Equal(ReceiverScope.Everything, receiver.Scope);
        Assert.Null(receiver.RefreshInterval);
    }

    [Fact]
    public async Task A_notification_is_one_bulk_request_of_valid_ndjson_indexing_the_incident_and_the_event()
    {
        using var receiver = Receiver();
        var notification = SampleIncidents.Acknowledged(receiver: "es");

        await receiver.SendAsync(notification, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/_bulk", request.Path);
        Assert.Equal("application/x-ndjson", request.Header("Content-Type"));
        Assert.EndsWith("\n", request.Text, StringComparison.Ordinal);
        var lines = request.Text[..^1].Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);

        // Action and metadata lines alternate with the documents.
        var (incidentAction, incident, eventAction, @event) = (lines[0].GetProperty("index"), lines[1], lines[2].GetProperty("index"), lines[3]);
        Assert.Equal(["index"], lines[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal($"{Prefix}-incidents", incidentAction.GetProperty("_index").GetString());
        Assert.Equal("INC-3f9a2c", incidentAction.GetProperty("_id").GetString());
        Assert.Equal(2, incidentAction.GetProperty("version").GetInt32());
        Assert.Equal("external_gte", incidentAction.GetProperty("version_type").GetString());
        Assert.Equal($"{Prefix}-events", eventAction.GetProperty("_index").GetString());
        Assert.Equal("INC-3f9a2c:2:es", eventAction.GetProperty("_id").GetString());
        Assert.False(eventAction.TryGetProperty("version", out _));

        Assert.Equal("INC-3f9a2c", incident.GetProperty("incident_id").GetString());
        Assert.Equal("acknowledged", incident.GetProperty("status").GetString());
        Assert.Equal("alice", incident.GetProperty("acknowledged_by").GetString());
        Assert.Equal("oca", incident.GetProperty("dimensions").GetProperty("cdn").GetString());
        Assert.Equal(0.46, incident.GetProperty("value").GetDouble());
        Assert.Equal("acknowledged", @event.GetProperty("kind").GetString());
        Assert.Equal("alice", @event.GetProperty("actor").GetString());
        Assert.Equal(notification.Id, @event.GetProperty("event_id").GetString());
        Assert.Equal("2023-11-14T22:12:50.000Z", @event.GetProperty("@timestamp").GetString());
    }

    [Fact]
    public async Task A_retried_notification_sends_the_same_ids_and_documents()
    {
        var answers = new Queue<CannedResponse>([new CannedResponse(503, "busy"), CannedResponse.Ok(Ok)]);
        _server.Respond = _ => answers.Dequeue();
        using var receiver = Receiver();
        var notification = SampleIncidents.Opened(receiver: "es");

        var first = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(notification, CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await receiver.SendAsync(notification, CancellationToken.None);

        Assert.True(first.IsTransient);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Text, _server.Requests[1].Text);
    }

    [Fact]
    public async Task An_item_refused_with_429_makes_the_whole_request_transient()
    {
        _server.Respond = _ => CannedResponse.Ok(Items((200, null, null), (429, "es_rejected_execution_exception", "rejected execution of coordinating operation")));
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Contains("es_rejected_execution_exception", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_item_refused_with_400_is_permanent_with_its_type_and_reason()
    {
        const string Reason = "failed to parse field [value] of type [double] in document with id 'INC-3f9a2c'";
        _server.Respond = _ => CannedResponse.Ok(Items((400, "mapper_parsing_exception", Reason), (201, null, null)));
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains($"{Prefix}-incidents/INC-3f9a2c: HTTP 400 mapper_parsing_exception: {Reason}", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_item_wins_over_a_permanent_one_so_the_retry_can_store_it()
    {
        _server.Respond = _ => CannedResponse.Ok(Items((400, "mapper_parsing_exception", "bad"), (503, "unavailable_shards_exception", "primary shard is not active")));
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Contains("2 of the bulk items failed", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_older_incident_state_refused_for_its_version_is_delivered()
    {
        _server.Respond = _ => CannedResponse.Ok(Items((409, BulkResponse.VersionConflict, "[INC-3f9a2c]: version conflict, current version [5] is higher or equal to the one provided [1]"), (201, null, null)));
        using var receiver = Receiver();

        await receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None);

        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(429, true)]
    [InlineData(502, true)]
    public async Task A_refused_request_is_permanent_for_credentials_and_transient_for_load(int status, bool transient)
    {
        _server.Respond = _ => new CannedResponse(status, "{\"error\":{\"type\":\"security_exception\"}}");
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None));

        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_bulk_response_is_permanent()
    {
        _server.Respond = _ => new CannedResponse(200, "<html>login</html>", "text/html");
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Contains("not an Elasticsearch _bulk response", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_is_sent_and_never_shows_in_an_error()
    {
        const string Key = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
        _server.Respond = r => new CannedResponse(401, $"{{\"error\":\"unable to authenticate with provided credentials {r.Header("Authorization")}\"}}");
        var settings = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, $"url: {_server.Url}\napi_key_env: ES_API_KEY\n");
        using var receiver = settings.Create("es", SampleIncidents.Services(_clock, v => v == "ES_API_KEY" ? Key : null));

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.StartAsync(CancellationToken.None));

        Assert.Equal($"ApiKey {Key}", _server.Requests[0].Header("Authorization"));
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain(Key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey ***", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_is_sent_when_configured()
    {
        _server.Respond = _ => CannedResponse.Ok(Ok);
        var settings = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, $"url: {_server.Url}\nusername: elastic\npassword_env: ES_PASSWORD\n");
        using var receiver = settings.Create("es", SampleIncidents.Services(_clock, v => v == "ES_PASSWORD" ? "changeme-es" : null));

        await receiver.SendAsync(SampleIncidents.Opened(receiver: "es"), CancellationToken.None);

        Assert.Equal("Basic ZWxhc3RpYzpjaGFuZ2VtZS1lcw==", _server.Requests[0].Header("Authorization"));
    }

    private static string Ok => Items((201, null, null), (201, null, null));

    /// <summary>A bulk answer for the two actions, each (status, error type, error reason), shaped as the docs show it.</summary>
    private static string Items(params (int Status, string? Type, string? Reason)[] items)
    {
        var indices = new[] { $"{Prefix}-incidents", $"{Prefix}-events" };
        var ids = new[] { "INC-3f9a2c", "INC-3f9a2c:1:es" };
        var rendered = new JsonArray();
        for (var i = 0; i < items.Length; i++)
        {
            var result = new JsonObject { ["_index"] = indices[i], ["_id"] = ids[i], ["status"] = items[i].Status };
            if (items[i].Type is { } type)
            {
                result["error"] = new JsonObject { ["type"] = type, ["reason"] = items[i].Reason };
            }
            else
            {
                result["_version"] = 1;
                result["result"] = "created";
                result["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 };
            }

            rendered.Add(new JsonObject { ["index"] = result });
        }

        return new JsonObject { ["took"] = 7, ["errors"] = items.Any(i => i.Status >= 300), ["items"] = rendered }.ToJsonString();
    }

    private ElasticsearchReceiver Receiver()
        => new("es", new Uri(_server.Url), Prefix, null, [], SampleIncidents.Services(_clock));
}
