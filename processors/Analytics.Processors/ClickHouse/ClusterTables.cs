using System.Text.RegularExpressions;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// How one table of the migrations lives on a cluster. A table with a <c>source_partition</c> column holds
/// what the processor derives from its Kafka input and grows with it: it is <b>sharded</b>, as
/// <c>&lt;table&gt;_local</c> on every shard plus a <c>Distributed</c> table under the original name, with
/// the Kafka partition as sharding key. Every other table (alerting state, the hourly and daily rollups,
/// schema_migrations) is small and <b>replicated to every node</b>: one Keeper path for the whole cluster,
/// so each node holds all of it.
/// </summary>
internal sealed record ClusterTable(string Name, string? ShardingKey)
{
    public const string LocalSuffix = "_local";

    public bool Sharded => ShardingKey is not null;
}

/// <summary>The tables created by a set of migrations, classified for a cluster (<see cref="ClusterTable"/>).</summary>
internal sealed partial class ClusterTables
{
    private readonly Dictionary<string, ClusterTable> _tables = new(StringComparer.Ordinal);

    public ClusterTables(IEnumerable<string> statements)
    {
        foreach (var statement in statements)
        {
            if (ParseCreate(statement) is { } create)
            {
                _tables[create.Table] = Classify(create);
            }
        }
    }

    /// <summary>The table's class, or null when no migration creates it.</summary>
    public ClusterTable? Find(string table) => _tables.GetValueOrDefault(table);

    /// <summary>
    /// The shard a row goes to. Every version of a row has the same <c>source_partition</c> (it is part of
    /// what the processor keys rows by), so a ReplacingMergeTree dedups within one shard; an unsigned
    /// partition number spreads partitions evenly (p mod shards), a signed one (which may be -1) is hashed.
    /// </summary>
    public static ClusterTable Classify(CreateTable create)
    {
        var type = SourcePartitionColumn().Match(create.Columns) is { Success: true } m ? m.Groups["type"].Value : null;
        var key = type switch
        {
            null => null,
            _ when type.StartsWith("UInt", StringComparison.Ordinal) => "source_partition",
            _ => "cityHash64(source_partition)",
        };
        return new ClusterTable(create.Table, key);
    }

    /// <summary>A <c>CREATE TABLE … (columns) ENGINE = …MergeTree[(args)] …</c> statement, or null for any other.</summary>
    public static CreateTable? ParseCreate(string statement)
    {
        var match = CreateTablePattern().Match(ClusterSchema.Body(statement));
        return match.Success
            ? new CreateTable(
                match.Groups["name"].Value,
                match.Groups["name"].Value.Split('.')[^1],
                match.Groups["head"].Value,
                match.Groups["columns"].Value,
                match.Groups["engine"].Value,
                match.Groups["args"].Success ? match.Groups["args"].Value : null,
                match.Groups["rest"].Value)
            : null;
    }

    [GeneratedRegex(@"(?:^|[(,\n])\s*source_partition\s+(?<type>[A-Za-z0-9]+)")]
    private static partial Regex SourcePartitionColumn();

    [GeneratedRegex(@"^(?<head>CREATE TABLE (?:IF NOT EXISTS )?)(?<name>[^\s(]+)\s*(?<columns>\(.*?\))\s*ENGINE\s*=\s*(?<engine>[A-Za-z]+)(?:\((?<args>[^()]*)\))?(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex CreateTablePattern();
}

/// <summary>The parts of a CREATE TABLE statement the cluster rendering rewrites.</summary>
internal sealed record CreateTable(string QualifiedName, string Table, string Head, string Columns, string Engine, string? EngineArgs, string Rest);
