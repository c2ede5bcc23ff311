using System.Text.RegularExpressions;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// Renders the single-node migration statements for a ClickHouse cluster (<c>ClickHouse:Cluster</c>), so one
/// set of migration files serves both. Every statement runs <c>ON CLUSTER</c>; tables become Replicated*
/// (Keeper path <c>/clickhouse/tables/{shard}/…</c>, replica <c>{replica}</c>, the servers' macros) and are
/// sharded or replicated to every node as <see cref="ClusterTable"/> says; a sharded table keeps its name as a
/// <c>Distributed</c> table, so the processor, the views and the rollups read and write it unchanged. Views and
/// refreshable views read distributed tables, so their <c>IN (SELECT …)</c> and <c>JOIN</c>s become GLOBAL
/// (computed once by the initiator, not once per shard, which ClickHouse refuses by default).
/// Single-node migrations are never passed through here: their text, and so their checksums, stay as written.
/// </summary>
internal sealed partial class ClusterSchema
{
    private readonly ClusterTables _tables;
    private readonly string _on;

    /// <summary>
    /// The rendering for <paramref name="cluster"/> (its name in the servers' remote_servers), knowing the tables of
    /// every migration, not only the pending ones: a later ALTER or DROP needs the class of a table created earlier.
    /// </summary>
    public ClusterSchema(string cluster, IEnumerable<Migration> migrations)
    {
        Cluster = ClickHouseSql.IsIdentifier(cluster)
            ? cluster
            : throw new ArgumentException($"\"{cluster}\" is not a cluster name (letters, digits and _).", nameof(cluster));
        _on = $" ON CLUSTER '{cluster}'";
        _tables = new ClusterTables(migrations.SelectMany(m => SchemaMigrator.SplitStatements(m.Sql)));
    }

    public string Cluster { get; }

    /// <summary>The statements that take the place of one single-node statement on the cluster, in order.</summary>
    public IReadOnlyList<string> Render(string statement)
    {
        var body = Body(statement);
        var comments = statement[..^body.Length];
        var rendered = RenderBody(body);
        return [comments + rendered[0], .. rendered.Skip(1)];
    }

    /// <summary>The statement without the comment lines before it.</summary>
    public static string Body(string statement)
    {
        var lines = statement.Split('\n');
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("--", StringComparison.Ordinal));
        return first < 0 ? string.Empty : string.Join('\n', lines[first..]);
    }

    private List<string> RenderBody(string body)
    {
        if (CreateDatabase().Match(body) is { Success: true } database)
        {
            return [database.Value + _on];
        }

        if (CreateFunction().Match(body) is { Success: true } function)
        {
            return [body.Insert(function.Groups["name"].Index + function.Groups["name"].Length, _on)];
        }

        if (ClusterTables.ParseCreate(body) is { } create)
        {
            return RenderTable(create);
        }

        if (CreateView().Match(body) is { Success: true } view)
        {
            if (view.Groups["materialized"].Success && !view.Groups["refresh"].Success)
            {
                throw Unsupported(body, "an incremental materialized view would see only its own shard's inserts; use REFRESH … APPEND TO");
            }

            if (view.Groups["target"].Success && _tables.Find(view.Groups["target"].Value.Split('.')[^1]) is { Sharded: true } target)
            {
                throw Unsupported(body, $"a refreshable view runs on every node, so its target {target.Name} must not be sharded");
            }

            var name = view.Groups["name"];
            return [Globalize(body.Insert(name.Index + name.Length, _on))];
        }

        if (Alter().Match(body) is { Success: true } alter)
        {
            var name = alter.Groups["name"].Value;
            var onLocal = $"ALTER TABLE {name}{ClusterTable.LocalSuffix}{_on} {alter.Groups["rest"].Value}";
            var onTable = $"ALTER TABLE {name}{_on} {alter.Groups["rest"].Value}";
            return TableOf(name) is not { Sharded: true } ? [onTable]
                : ColumnChange().IsMatch(alter.Groups["rest"].Value) ? [onLocal, onTable]
                : [onLocal];
        }

        if (Drop().Match(body) is { Success: true } drop)
        {
            var name = drop.Groups["name"].Value;
            var statement = body.Insert(drop.Groups["name"].Index + name.Length, _on);
            return drop.Groups["kind"].Value == "TABLE" && TableOf(name) is { Sharded: true }
                ? [statement, $"{drop.Groups["head"].Value}{name}{ClusterTable.LocalSuffix}{_on}"]
                : [statement];
        }

        throw Unsupported(body, "the cluster rendering does not know this kind of statement");
    }

    private List<string> RenderTable(CreateTable create)
    {
        if (!create.Engine.EndsWith("MergeTree", StringComparison.Ordinal) || create.Engine.StartsWith("Replicated", StringComparison.Ordinal))
        {
            throw Unsupported(create.Head + create.QualifiedName, $"engine {create.Engine} has no Replicated form here; use a *MergeTree");
        }

        var table = TableOf(create.QualifiedName) ?? ClusterTables.Classify(create);
        var local = table.Sharded ? create.QualifiedName + ClusterTable.LocalSuffix : create.QualifiedName;
        var (database, name) = Split(local);
        var path = table.Sharded ? $"/clickhouse/tables/{{shard}}/{database}/{name}" : $"/clickhouse/tables/all/{database}/{name}";
        var args = string.Join(", ", new[] { $"'{path}'", "'{replica}'", create.EngineArgs }.Where(a => !string.IsNullOrWhiteSpace(a)));
        var created = $"{create.Head}{local}{_on}\n{create.Columns}\nENGINE = Replicated{create.Engine}({args}){create.Rest}";
        if (!table.Sharded)
        {
            return [created];
        }

        return
        [
            created,
            $"{create.Head}{create.QualifiedName}{_on} AS {local}\nENGINE = Distributed('{Cluster}', '{database}', '{name}', {table.ShardingKey})",
        ];
    }

    private ClusterTable? TableOf(string qualifiedName) => _tables.Find(qualifiedName.Split('.')[^1]);

    private static (string Database, string Table) Split(string qualifiedName)
    {
        var dot = qualifiedName.LastIndexOf('.');
        return dot > 0
            ? (qualifiedName[..dot], qualifiedName[(dot + 1)..])
            : throw Unsupported(qualifiedName, "a table must be named with its database ({database}.table) for Distributed to find it");
    }

    /// <summary>Subqueries and joins of a query over distributed tables run once, on the initiator (GLOBAL).</summary>
    private static string Globalize(string body)
        => Join().Replace(InSubquery().Replace(body, "GLOBAL ${op} (SELECT"), "GLOBAL ${kind}JOIN");

    private static SchemaMigrationException Unsupported(string statement, string why)
        => new($"Cannot render \"{statement.Split('\n')[0].Trim()}\" for a cluster: {why}.", version: null);

    [GeneratedRegex(@"^CREATE DATABASE (?:IF NOT EXISTS )?[^\s;]+$")]
    private static partial Regex CreateDatabase();

    [GeneratedRegex(@"^CREATE (?:OR REPLACE )?FUNCTION (?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex CreateFunction();

    [GeneratedRegex(@"^CREATE (?:OR REPLACE )?(?<materialized>MATERIALIZED )?VIEW (?:IF NOT EXISTS )?(?<name>[^\s(]+)(?:\s+(?<refresh>REFRESH )(?:[^\n]*\bTO (?<target>[^\s(]+)|[^\n]*))?\s", RegexOptions.Singleline)]
    private static partial Regex CreateView();

    [GeneratedRegex(@"^ALTER TABLE (?<name>[^\s]+) (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex Alter();

    [GeneratedRegex(@"^\s*(?:ADD|DROP|MODIFY|RENAME|COMMENT|CLEAR) COLUMN\b")]
    private static partial Regex ColumnChange();

    [GeneratedRegex(@"^(?<head>DROP (?<kind>TABLE|VIEW|FUNCTION|DICTIONARY) (?:IF EXISTS )?)(?<name>[^\s;]+)")]
    private static partial Regex Drop();

    [GeneratedRegex(@"(?<!GLOBAL )\b(?<op>NOT IN|(?<!NOT )IN)\s*\(\s*SELECT\b")]
    private static partial Regex InSubquery();

    [GeneratedRegex(@"(?<!\b(?:GLOBAL|LEFT|RIGHT|INNER|FULL|CROSS|OUTER|ANY|ALL|ASOF|SEMI|ANTI) )\b(?<kind>(?:(?:LEFT|RIGHT|INNER|FULL|CROSS) )?(?:(?:OUTER|ANY|ALL|ASOF|SEMI|ANTI) )?)JOIN\b")]
    private static partial Regex Join();
}
