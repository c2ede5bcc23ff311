using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Alerts.Notifiers.Elasticsearch;

namespace Analytics.Alerts.Tests.Notifiers.Elasticsearch;

/// <summary>
/// The template maps every field the documents carry, with a type that takes its values: with
/// <c>dynamic: false</c> an unmapped field would silently not be searchable, so a field added to a
/// document without its mapping fails here. Field types as documented in
/// https://www.elastic.co/guide/en/elasticsearch/reference/8.17/mapping-types.html.
/// </summary>
public sealed class IndexTemplateTests
{
    public static TheoryData<string> Documents => new() { "incident opened", "incident acknowledged", "incident resolved", "event opened", "event acknowledged", "event resolved" };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_field_of_a_document_is_mapped_with_a_type_that_takes_its_value(string which)
    {
        var document = Document(which);

        var problems = Unmapped(document, Properties(), "").ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_check_catches_a_field_without_a_mapping_and_a_value_of_the_wrong_type()
    {
        var document = Document("incident opened");
        document["new_field"] = "x";
        document["seq"] = "three";
        document["dimensions"]!["cdn"] = 5;

        var problems = Unmapped(document, Properties(), "").ToList();

        Assert.Contains("new_field is not mapped", problems);
        Assert.Contains("seq: \"three\" does not fit integer", problems);
        Assert.Contains("dimensions.cdn: 5 does not fit keyword", problems);
    }

    [Fact]
    public void The_documents_carry_the_fields_people_search_by()
    {
        var incident = Document("incident resolved");
        var @event = Document("event opened");

        foreach (var field in new[] { "@timestamp", "incident_id", "rule", "severity", "status", "metric", "slice", "dimensions", "title", "value", "baseline", "labels" })
        {
            Assert.True(incident.ContainsKey(field), $"incident lacks {field}");
            Assert.True(@event.ContainsKey(field), $"event lacks {field}");
        }

        Assert.Equal("resolved", incident["status"]!.GetValue<string>());
        Assert.Equal("auto", incident["resolved_by"]!.GetValue<string>());
        Assert.Equal("cdn=oca,isp=comcast,pop=iad-2", incident["culprits"]![0]!["slice"]!.GetValue<string>());
        Assert.Equal("noc", @event["labels"]!["team"]!.GetValue<string>());
    }

    private static JsonObject Document(string which)
    {
        var notification = which.Split(' ')[1] switch
        {
            "opened" => SampleIncidents.Opened(receiver: "es"),
            "acknowledged" => SampleIncidents.Acknowledged(receiver: "es"),
            _ => SampleIncidents.Resolved(receiver: "es"),
        };
        var incident = notification.Incident with
        {
            Labels = new Dictionary<string, string> { ["team"] = "noc", ["owner.group"] = "video" },
            Annotations = new Dictionary<string, string> { ["runbook"] = "https://runbooks.example/vsf" },
        };
        notification = notification with { Change = notification.Change with { Incident = incident } };
        var document = which.StartsWith("incident", StringComparison.Ordinal) ? IncidentDocuments.Incident(notification.Change) : IncidentDocuments.Event(notification);

        // As Elasticsearch reads it: from the JSON text.
        return JsonNode.Parse(document.ToJsonString())!.AsObject();
    }

    private static JsonObject Properties()
        => JsonNode.Parse(IndexTemplate.Body("analytics-incidents").ToJsonString())!["template"]!["mappings"]!["properties"]!.AsObject();

    /// <summary>Every field path of <paramref name="document"/> that the mapping lacks or types wrongly.</summary>
    private static IEnumerable<string> Unmapped(JsonObject document, JsonObject properties, string path)
    {
        foreach (var (name, value) in document)
        {
            var field = path + name;
            if (properties[name] is not JsonObject mapping)
            {
                yield return $"{field} is not mapped";
                continue;
            }

            var values = value is JsonArray array ? array.ToList() : [value];
            foreach (var item in values)
            {
                foreach (var problem in Check(field, item, mapping))
                {
                    yield return problem;
                }
            }
        }
    }

    private static IEnumerable<string> Check(string field, JsonNode? value, JsonObject mapping)
    {
        var type = mapping["type"]?.GetValue<string>();
        if (value is JsonObject inner)
        {
            if (type == "flattened")
            {
                return [];
            }

            return mapping["properties"] is JsonObject nested ? Unmapped(inner, nested, field + ".") : [$"{field} is an object but mapped as {type}"];
        }

        var fits = value?.GetValueKind() switch
        {
            null or JsonValueKind.Null => true,
            JsonValueKind.String => type is "keyword" or "text" || (type == "date" && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, out _)),
            JsonValueKind.Number => type is "double" || (type is "integer" && value.GetValue<double>() % 1 == 0),
            JsonValueKind.True or JsonValueKind.False => type == "boolean",
            _ => false,
        };
        return fits ? [] : [$"{field}: {value!.ToJsonString()} does not fit {type ?? "an object"}"];
    }
}
