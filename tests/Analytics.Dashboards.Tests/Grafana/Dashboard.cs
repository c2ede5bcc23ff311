using System.Text.Json.Nodes;
using Analytics.Testing;

namespace Analytics.Dashboards.Tests.Grafana;

/// <summary>A panel's query: the SQL the plugin receives, and what the panel does with it.</summary>
internal sealed record PanelQuery(int PanelId, string Title, string PanelType, string Sql)
{
    /// <summary>The fields the panel's overrides name (<c>byName</c> matchers): the query must return them.</summary>
    public IReadOnlyList<string> FieldsNamed { get; init; } = [];
}

/// <summary>An annotation query of a datasource: its name and the SQL the plugin receives.</summary>
internal sealed record AnnotationSql(string Name, string Sql);

/// <summary>A template variable of a dashboard, with its SQL when it is a query variable.</summary>
internal sealed record Variable(string Name, string Type, string? Sql);

/// <summary>A dashboard JSON file of <c>dashboards/</c>, read as Grafana's dashboard model.</summary>
internal sealed class Dashboard
{
    private Dashboard(string name, JsonObject root)
    {
        Name = name;
        Root = root;
    }

    public string Name { get; }

    public JsonObject Root { get; }

    /// <summary>The repository's dashboards folder, found above the test binaries.</summary>
    public static string Folder => RepositoryRoot.Combine("dashboards");

    /// <summary>The file names of every dashboard, for theories.</summary>
    public static TheoryData<string> Names() => new(FileNames());

    public static IEnumerable<string> FileNames()
        => Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static Dashboard Load(string name)
        => new(name, JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!.AsObject());

    /// <summary>Every panel, those nested in collapsed rows included.</summary>
    public IEnumerable<JsonObject> Panels => Flatten(Root["panels"]?.AsArray() ?? []);

    public IEnumerable<PanelQuery> Queries
        => from panel in Panels
           from target in panel["targets"]?.AsArray() ?? []
           let sql = (string?)target!["rawSql"]
           where sql is not null
           select new PanelQuery((int)panel["id"]!, (string)panel["title"]!, (string)panel["type"]!, sql)
           {
               FieldsNamed = [.. from o in panel["fieldConfig"]?["overrides"]?.AsArray() ?? []
                                 where (string?)o!["matcher"]?["id"] == "byName"
                                 select (string)o!["matcher"]!["options"]!],
           };

    public IEnumerable<Variable> Variables
        => from v in Root["templating"]?["list"]?.AsArray() ?? []
           let type = (string)v!["type"]!
           select new Variable((string)v["name"]!, type, type == "query" ? QueryOf(v) : null);

    /// <summary>The annotation queries of <c>annotations.list</c> that run SQL (not Grafana's built-in one).</summary>
    public IEnumerable<AnnotationSql> Annotations
        => from a in Root["annotations"]?["list"]?.AsArray() ?? []
           let sql = (string?)a!["target"]?["rawSql"]
           where sql is not null
           select new AnnotationSql((string)a["name"]!, sql);

    /// <summary>Every <c>datasource</c> reference anywhere in the model.</summary>
    public IEnumerable<JsonObject> DatasourceRefs => Find(Root, "datasource");

    private static string? QueryOf(JsonNode variable)
        => variable["query"] is JsonObject q ? (string?)q["rawSql"] ?? (string?)q["query"] : (string?)variable["query"];

    private static IEnumerable<JsonObject> Flatten(JsonArray panels)
    {
        foreach (var panel in panels.Select(p => p!.AsObject()))
        {
            yield return panel;
            foreach (var nested in Flatten(panel["panels"]?.AsArray() ?? []))
            {
                yield return nested;
            }
        }
    }

    private static IEnumerable<JsonObject> Find(JsonNode? node, string key)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k == key && v is JsonObject found)
                    {
                        yield return found;
                    }

                    foreach (var inner in Find(v, key))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray a:
                foreach (var inner in a.SelectMany(item => Find(item, key)))
                {
                    yield return inner;
                }

                break;
        }
    }
}
