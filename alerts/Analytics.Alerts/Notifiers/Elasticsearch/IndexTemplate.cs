using System.Text.Json.Nodes;
using Analytics.Alerts.Metrics;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// The composable index template installed at start (<c>PUT _index_template/{prefix}</c>,
/// https://www.elastic.co/guide/en/elasticsearch/reference/8.17/indices-put-template.html): it gives
/// <c>{prefix}-incidents</c> and <c>{prefix}-events</c> explicit mappings before their first document
/// creates them, so fields get the types we search by instead of whatever dynamic mapping guesses
/// (a value that happens to be an integer first would map as long, an id as text).
/// </summary>
internal static class IndexTemplate
{
    /// <summary>
    /// Above the built-in templates (100, for logs-*-* and others), so ours applies should a pattern ever
    /// overlap one; Elasticsearch refuses two overlapping templates of the same priority.
    /// </summary>
    public const int Priority = 500;

    /// <summary>Bumped when the mappings change; the template is replaced at every start either way.</summary>
    public const int Version = 1;

    public static string IncidentsIndex(string prefix) => $"{prefix}-incidents";

    public static string EventsIndex(string prefix) => $"{prefix}-events";

    /// <summary>The request path, relative to the cluster's base URL.</summary>
    public static string Path(string prefix) => $"_index_template/{Uri.EscapeDataString(prefix)}";

    /// <summary>
    /// The template body (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/index-templates.html).
    /// One mapping serves both indices: the documents share most fields and each only leaves some out.
    /// </summary>
    public static JsonObject Body(string prefix) => new()
    {
        ["index_patterns"] = new JsonArray(IncidentsIndex(prefix), EventsIndex(prefix)),
        ["priority"] = Priority,
        ["version"] = Version,
        ["_meta"] = new JsonObject { ["description"] = "Incidents and incident events of the analytics alert service", ["managed_by"] = "analytics" },
        ["template"] = new JsonObject
        {
            ["settings"] = new JsonObject
            {
                // An archive of a few thousand documents a day: one shard is plenty. One replica on a cluster,
                // none on a single node (which could never place it, leaving the indices yellow).
                ["index.number_of_shards"] = 1,
                ["index.auto_expand_replicas"] = "0-1",
            },
            ["mappings"] = Mappings(),
        },
    };

    /// <summary>
    /// <c>dynamic: false</c>: a field not mapped here is kept in <c>_source</c> but not indexed, so a new
    /// field can never fail a document (as <c>strict</c> would) nor pick a wrong type by guess; the contract
    /// test checks that every field the documents carry is mapped. Labels and annotations are free-form
    /// maps whose keys rules choose, so they are <c>flattened</c>: one field each, every key searchable as
    /// a keyword (<c>labels.team: noc</c>), no mapping growth per key
    /// (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/flattened.html).
    /// Slice dimensions are a known set, so each gets its own keyword field.
    /// </summary>
    public static JsonObject Mappings()
    {
        var dimensions = new JsonObject();
        foreach (var dimension in Cubes.Dimensions)
        {
            dimensions[dimension] = Keyword();
        }

        return new JsonObject
        {
            ["dynamic"] = false,
            ["properties"] = new JsonObject
            {
                ["@timestamp"] = Date(),
                ["incident_id"] = Keyword(),
                ["event_id"] = Keyword(),
                ["key"] = Keyword(),
                ["seq"] = Type("integer"),
                ["rule"] = Keyword(),
                ["severity"] = Keyword(),
                ["status"] = Keyword(),
                ["metric"] = Keyword(),
                ["kind"] = Keyword(),
                ["last_event"] = Keyword(),
                ["title"] = new JsonObject
                {
                    ["type"] = "text",
                    ["fields"] = new JsonObject { ["keyword"] = new JsonObject { ["type"] = "keyword", ["ignore_above"] = 1024 } },
                },
                ["detail"] = Type("text"),
                ["slice"] = Keyword(),
                ["dimensions"] = new JsonObject { ["properties"] = dimensions },
                ["value"] = Type("double"),
                ["baseline"] = Type("double"),
                ["threshold"] = Type("double"),
                ["opened_at"] = Date(),
                ["triggered_at"] = Date(),
                ["acknowledged_at"] = Date(),
                ["acknowledged_by"] = Keyword(),
                ["resolved_at"] = Date(),
                ["resolved_by"] = Keyword(),
                ["last_window"] = Date(),
                ["window_start"] = Date(),
                ["actor"] = Keyword(),
                ["notify"] = Type("boolean"),
                ["muted"] = Type("boolean"),
                ["firing_now"] = Type("boolean"),
                ["flapping"] = Type("boolean"),
                ["escalation_level"] = Type("integer"),
                ["notify_count"] = Type("integer"),
                ["labels"] = Type("flattened"),
                ["annotations"] = Type("flattened"),
                ["symptoms"] = Keyword(),
                ["inhibited"] = Keyword(),
                ["culprits"] = new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["slice"] = Keyword(),
                        ["share_percent"] = Type("double"),
                        ["expected"] = Type("double"),
                        ["actual"] = Type("double"),
                    },
                },
            },
        };
    }

    private static JsonObject Keyword() => Type("keyword");

    /// <summary>The documents write RFC 3339 strings, which the default date format reads.</summary>
    private static JsonObject Date() => Type("date");

    private static JsonObject Type(string type) => new() { ["type"] = type };
}
