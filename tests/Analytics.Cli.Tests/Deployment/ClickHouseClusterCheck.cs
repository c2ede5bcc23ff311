using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using static Analytics.Cli.Tests.Deployment.ClickHouseStackCheck;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// The ClickHouse cluster of a Compose file, from the config.d files each node mounts: every node defines the
/// same cluster (remote_servers), whose replicas are exactly the ClickHouse services; each node's macros place
/// it in the shard that lists it, under a replica name unique in the cluster; the Keeper nodes they name are
/// Keeper services listening where they are looked for; and the cluster secret is set in each container.
/// </summary>
internal static class ClickHouseClusterCheck
{
    public const string KeeperConfigTarget = "/etc/clickhouse-keeper/keeper_config.xml";

    public static void Check(string cluster, IReadOnlyList<ClickHouseServer> nodes, IReadOnlyDictionary<string, KeeperNode> keepers, List<string> problems)
    {
        string? definition = null;
        var placed = new Dictionary<string, (int Shard, string Node)>(StringComparer.Ordinal);
        var shardMacros = new Dictionary<int, string>();
        foreach (var node in nodes)
        {
            var who = $"service {node.Service.Name}";
            var merged = node.Config.SelectMany(c => c.Elements()).ToList();
            if (merged.Elements().FirstOrDefault(e => e.Parent!.Name == "remote_servers" && e.Name == cluster) is not { } servers)
            {
                problems.Add($"{who}: its config.d defines no cluster {cluster} in remote_servers (the name the migrations are given)");
                continue;
            }

            var text = servers.ToString(SaveOptions.DisableFormatting);
            if (definition is not null && definition != text)
            {
                problems.Add($"{who}: defines cluster {cluster} differently from the other nodes");
            }

            definition ??= text;
            CheckSecret(who, node, servers, problems);
            var shards = servers.Elements("shard").ToList();
            var shardIndex = shards.FindIndex(s => s.Elements("replica").Any(r => node.Hosts.Contains(r.Element("host")?.Value.Trim() ?? string.Empty, StringComparer.OrdinalIgnoreCase)));
            if (shardIndex < 0)
            {
                problems.Add($"{who}: is not a replica of any shard of cluster {cluster}");
            }

            var macros = merged.FirstOrDefault(e => e.Name == "macros");
            var shard = macros?.Element("shard")?.Value.Trim();
            var replica = macros?.Element("replica")?.Value.Trim();
            if (string.IsNullOrEmpty(shard) || string.IsNullOrEmpty(replica))
            {
                problems.Add($"{who}: its macros must set shard and replica (the Replicated tables' Keeper paths use them)");
            }
            else
            {
                if (!placed.TryAdd(replica, (shardIndex, node.Service.Name)))
                {
                    problems.Add($"{who}: replica macro {replica} is also {placed[replica].Node}'s; it must be unique in the cluster (the small tables are replicated to every node)");
                }

                if (shardIndex >= 0 && shardMacros.TryGetValue(shardIndex, out var known) && known != shard)
                {
                    problems.Add($"{who}: shard macro {shard} differs from {known} of another replica of the same shard");
                }
                else if (shardIndex >= 0 && shardMacros.FirstOrDefault(kv => kv.Value == shard && kv.Key != shardIndex) is { Value: not null } other)
                {
                    problems.Add($"{who}: shard macro {shard} is also that of shard {other.Key + 1}; each shard needs its own Keeper path");
                }

                if (shardIndex >= 0)
                {
                    shardMacros.TryAdd(shardIndex, shard);
                }
            }

            if (merged.FirstOrDefault(e => e.Name == "interserver_http_host")?.Value.Trim() is { } interserver && !node.Hosts.Contains(interserver, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{who}: interserver_http_host {interserver} is not this service; other replicas could not fetch its parts");
            }

            CheckKeeperNodes(who, merged.FirstOrDefault(e => e.Name == "zookeeper"), keepers, problems);
        }

        if (definition is null)
        {
            return;
        }

        var hosts = XElement.Parse(definition).Elements("shard").SelectMany(s => s.Elements("replica")).Select(r => r.Element("host")?.Value.Trim() ?? string.Empty).ToList();
        foreach (var host in hosts.Where(h => !nodes.Any(n => n.Hosts.Contains(h, StringComparer.OrdinalIgnoreCase))))
        {
            problems.Add($"cluster {cluster} lists host {host}, which is not a ClickHouse service");
        }

        foreach (var shard in XElement.Parse(definition).Elements("shard").Where(s => s.Element("internal_replication")?.Value.Trim() != "true"))
        {
            problems.Add($"cluster {cluster}: a shard without internal_replication true would have a Distributed insert write every replica itself, on top of replication");
        }
    }

    /// <summary>A Keeper service's own configuration, from the keeper_config.xml it mounts.</summary>
    public static KeeperNode? ReadKeeper(ComposeService service, RepositoryFiles files, List<string> problems)
    {
        var who = $"service {service.Name}";
        var mount = service.Volumes.FirstOrDefault(m => m.Type == "bind" && m.Target == KeeperConfigTarget);
        if (mount is null || RepositoryFiles.Relative(mount.Source ?? string.Empty) is not { } source || files.Read(source) is not { } xml)
        {
            problems.Add($"{who}: mounts no {KeeperConfigTarget} from the repository");
            return null;
        }

        XElement server;
        try
        {
            server = XDocument.Parse(xml).Root?.Element("keeper_server") ?? throw new XmlException("no <keeper_server> under <clickhouse>");
        }
        catch (XmlException ex)
        {
            problems.Add($"{who}: {mount.Source} is not a Keeper configuration: {ex.Message}");
            return null;
        }

        var port = int.TryParse(server.Element("tcp_port")?.Value, CultureInfo.InvariantCulture, out var p) ? p : 9181;
        var id = server.Element("server_id")?.Value.Trim();
        var raft = server.Element("raft_configuration")?.Elements("server").ToList() ?? [];
        if (!raft.Any(s => s.Element("id")?.Value.Trim() == id && s.Element("hostname")?.Value.Trim() is { } h && (h == service.Name || h == service.Hostname)))
        {
            problems.Add($"{who}: its server_id {id} is not in raft_configuration under its own name");
        }

        return new KeeperNode(service.Name, port, raft.Select(s => s.Element("hostname")?.Value.Trim() ?? string.Empty).ToList());
    }

    private static void CheckSecret(string who, ClickHouseServer node, XElement servers, List<string> problems)
    {
        if (servers.Element("secret")?.Attribute("from_env")?.Value is { } variable && !node.Service.Environment.ContainsKey(variable))
        {
            problems.Add($"{who}: the cluster secret is read from {variable}, which the service does not set");
        }
    }

    private static void CheckKeeperNodes(string who, XElement? zookeeper, IReadOnlyDictionary<string, KeeperNode> keepers, List<string> problems)
    {
        var named = zookeeper?.Elements("node").ToList() ?? [];
        if (named.Count == 0)
        {
            problems.Add($"{who}: names no Keeper (<zookeeper><node>) for its Replicated tables and ON CLUSTER DDL");
        }

        foreach (var node in named)
        {
            var host = node.Element("host")?.Value.Trim() ?? string.Empty;
            var port = int.TryParse(node.Element("port")?.Value, CultureInfo.InvariantCulture, out var p) ? p : 2181;
            if (!keepers.TryGetValue(host, out var keeper))
            {
                problems.Add($"{who}: Keeper host {host} is not a Keeper service ({string.Join(", ", keepers.Keys)})");
            }
            else if (keeper.Port != port)
            {
                problems.Add($"{who}: Keeper {host} listens on {keeper.Port}, not {port}");
            }
        }
    }
}

/// <summary>A Keeper service: where it listens for clients and the Raft members it expects.</summary>
internal sealed record KeeperNode(string Name, int Port, IReadOnlyList<string> RaftHosts);
