using Analytics.Cli.Configuration;
using static Analytics.Cli.Tests.Deployment.ClickHouseStackCheck;
using static Analytics.Cli.Tests.Deployment.ComposeServiceChecks;
using static Analytics.Cli.Tests.Deployment.KafkaStackCheck;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// Checks docker-compose.scale.yml without Docker (docs/scale-out.md): what every Compose file passes
/// (<see cref="ComposeServiceChecks"/>); at least three KRaft brokers forming one cluster and topics with three
/// copies; Keeper services and the ClickHouse nodes' cluster configuration agreeing
/// (<see cref="ClickHouseClusterCheck"/>); a one-shot migration ON CLUSTER with the cluster's name, which the
/// processors wait for; and at least two processors in one consumer group with distinct instance ids, each
/// checked as the single-node stack checks its processor. Returns every problem found.
/// </summary>
internal static class ScaleStackValidator
{
    public const string ComposePath = "docker-compose.scale.yml";
    public const string Migrate = "migrate";
    private const string KafkaImage = "apache/kafka:";
    private const string ClickHouseImage = "clickhouse/clickhouse-server:";

    public static IReadOnlyList<string> Validate(RepositoryFiles files, IReadOnlyDictionary<string, string>? variables = null)
    {
        var problems = new List<string>();
        if (Open(files, ComposePath, variables, problems) is not { } compose)
        {
            return problems;
        }

        var services = compose.Services.Values.ToList();
        var brokerNames = services.Where(s => (s.Image ?? string.Empty).StartsWith(KafkaImage, StringComparison.Ordinal) && s.Environment.ContainsKey("KAFKA_NODE_ID")).Select(s => s.Name).ToList();
        if (brokerNames.Count < 3)
        {
            problems.Add($"the scale-out stack has {brokerNames.Count} Kafka broker(s); it needs at least 3, so topics keep 3 copies");
        }

        var brokers = CheckBrokers(compose, brokerNames, problems);
        var topics = CheckTopicInit(compose, brokers, problems);
        var keepers = CheckKeepers(compose, files, problems);
        var nodes = services.Where(s => (s.Image ?? string.Empty).StartsWith(ClickHouseImage, StringComparison.Ordinal) && !keepers.ContainsKey(s.Name))
            .Select(s => CheckClickHouse(compose, s.Name, files, problems))
            .OfType<ClickHouseServer>()
            .ToList();
        if (nodes.Count < 2)
        {
            problems.Add($"the scale-out stack has {nodes.Count} ClickHouse server(s); a cluster of two shards needs at least 2");
        }

        var cluster = CheckMigrate(compose, nodes, problems);
        if (cluster is not null)
        {
            ClickHouseClusterCheck.Check(cluster, nodes, keepers, problems);
        }

        CheckProcessors(compose, brokers, nodes, topics, cluster, problems);
        ComposeStackValidator.CheckSimulator(compose, ComposeStackValidator.Simulator, brokers, topics, problems);
        return problems;
    }

    private static Dictionary<string, KeeperNode> CheckKeepers(ComposeFile compose, RepositoryFiles files, List<string> problems)
    {
        var keepers = new Dictionary<string, KeeperNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in compose.Services.Values.Where(s => (s.Image ?? string.Empty).StartsWith("clickhouse/clickhouse-keeper:", StringComparison.Ordinal)
            || (s.Command is { } c && c.Contains("keeper"))))
        {
            if (service.Healthcheck is not { Count: > 0 })
            {
                problems.Add($"service {service.Name}: Keeper has no healthcheck, so the ClickHouse nodes cannot wait for it");
            }

            if (ClickHouseClusterCheck.ReadKeeper(service, files, problems) is { } keeper)
            {
                keepers[service.Name] = keeper;
            }
        }

        if (keepers.Count == 0)
        {
            problems.Add("the scale-out stack has no ClickHouse Keeper service (clickhouse keeper with a mounted keeper_config.xml)");
        }

        foreach (var host in keepers.Values.SelectMany(k => k.RaftHosts).Distinct().Where(h => !keepers.ContainsKey(h)))
        {
            problems.Add($"Keeper's raft_configuration lists {host}, which is not a Keeper service");
        }

        return keepers;
    }

    /// <summary>The one-shot migration ON CLUSTER; returns the cluster's name, which the nodes must define.</summary>
    private static string? CheckMigrate(ComposeFile compose, IReadOnlyList<ClickHouseServer> nodes, List<string> problems)
    {
        if (!compose.Services.TryGetValue(Migrate, out var service))
        {
            problems.Add($"there is no {Migrate} service: the schema must be created once, ON CLUSTER, before the processors start");
            return null;
        }

        var who = $"service {Migrate}";
        if (service.Restart is not ("no" or null) && !service.Restart.StartsWith("on-failure", StringComparison.Ordinal))
        {
            problems.Add($"{who}: restarts ({service.Restart}); it is a one-shot the processors wait to complete");
        }

        foreach (var node in nodes.Where(n => service.DependsOn.GetValueOrDefault(n.Service.Name) != Healthy))
        {
            problems.Add($"{who}: must wait for {node.Service.Name} ({Healthy}): ON CLUSTER DDL waits for every node");
        }

        if (ServiceSettings.Read(service, problems) is not { } migrate)
        {
            return null;
        }

        if (migrate.Command != Migrate)
        {
            problems.Add($"{who}: runs `{migrate.Command}`, not `{Migrate}`");
        }

        var settings = migrate.Settings;
        Check(who, problems, () => settings.ClickHouse.Validate(), settings.Http.Validate);
        if (settings.ClickHouse.Cluster.Length == 0)
        {
            problems.Add($"{who}: ClickHouse:Cluster is not set, so the schema would be created on one node only");
            return null;
        }

        if (nodes.Count > 0)
        {
            var host = Uri.TryCreate(settings.Http.Url, UriKind.Absolute, out var url) ? url.Host : string.Empty;
            CheckClickHouseAccess(who, settings, nodes.FirstOrDefault(n => n.Hosts.Contains(host, StringComparer.OrdinalIgnoreCase)) ?? nodes[0], problems);
        }

        return settings.ClickHouse.Cluster;
    }

    private static void CheckProcessors(
        ComposeFile compose,
        IReadOnlyList<KafkaStackCheck.KafkaBroker> brokers,
        IReadOnlyList<ClickHouseServer> nodes,
        Dictionary<string, int>? topics,
        string? cluster,
        List<string> problems)
    {
        var names = compose.Services.Values.Where(s => s.Command is ["run", ..]).Select(s => s.Name).ToList();
        if (names.Count < 2)
        {
            problems.Add($"the scale-out stack runs {names.Count} processor(s) (`run`); it needs at least 2 in one consumer group");
        }

        var waits = brokers.Select(b => b.Name).Concat(nodes.Select(n => n.Service.Name)).ToList();
        var processors = new List<(string Name, AnalyticsSettings Settings)>();
        foreach (var name in names)
        {
            var who = $"service {name}";
            if (compose.Services[name].DependsOn.GetValueOrDefault(Migrate) != Completed)
            {
                problems.Add($"{who}: must wait for {Migrate} to complete ({Completed}); processors migrating at the same time are not coordinated");
            }

            if (ComposeStackValidator.CheckProcessor(compose, name, waits, brokers, nodes, topics, problems) is not { } settings)
            {
                continue;
            }

            processors.Add((name, settings));
            if (cluster is not null && settings.ClickHouse.Cluster != cluster)
            {
                problems.Add($"{who}: ClickHouse:Cluster is \"{settings.ClickHouse.Cluster}\", not {cluster}: its start-up migration check would render another schema");
            }
        }

        if (processors.Select(p => p.Settings.Kafka.GroupId).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            problems.Add($"the processors are in different consumer groups ({string.Join(", ", processors.Select(p => $"{p.Name}: {p.Settings.Kafka.GroupId}"))}); each would read every partition");
        }

        foreach (var shared in processors.GroupBy(p => p.Settings.Processor.InstanceId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"processors {string.Join(", ", shared.Select(p => p.Name))} share Processor:InstanceId {shared.Key}; each must have its own");
        }

        if (processors.Count > 0 && topics?.GetValueOrDefault(processors[0].Settings.Kafka.Topic) is { } partitions && partitions < processors.Count)
        {
            problems.Add($"topic {processors[0].Settings.Kafka.Topic} has {partitions} partitions for {processors.Count} processors; some would idle");
        }
    }
}
