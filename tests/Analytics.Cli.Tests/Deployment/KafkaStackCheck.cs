using System.Globalization;
using System.Text.RegularExpressions;
using static Analytics.Cli.Tests.Deployment.ComposeServiceChecks;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// Kafka in a Compose file: KRaft brokers whose listeners, quorum voters and cluster id agree, the one-shot
/// service that creates the topics, and whether a client's bootstrap list reaches a broker's listener.
/// </summary>
internal static partial class KafkaStackCheck
{
    /// <summary>
    /// The brokers named <paramref name="names"/>, each checked, and, with several, checked to form one
    /// cluster: the same CLUSTER_ID and quorum voters, which list every broker by its node id.
    /// </summary>
    internal static List<KafkaBroker> CheckBrokers(ComposeFile compose, IReadOnlyList<string> names, List<string> problems)
    {
        CheckNoZooKeeper(compose, problems);
        var brokers = new List<KafkaBroker>();
        foreach (var name in names)
        {
            if (!compose.Services.TryGetValue(name, out var service))
            {
                problems.Add($"there is no {name} service");
                continue;
            }

            brokers.Add(CheckBroker(service, names.Count, problems));
        }

        if (brokers.Count < 2)
        {
            return brokers;
        }

        foreach (var (what, value) in new (string, Func<KafkaBroker, string>)[] { ("CLUSTER_ID", b => b.ClusterId), ("KAFKA_CONTROLLER_QUORUM_VOTERS", b => b.Voters) })
        {
            if (brokers.Select(value).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                problems.Add($"the brokers disagree on {what}: {string.Join("; ", brokers.Select(b => $"{b.Name} {value(b)}"))}");
            }
        }

        foreach (var duplicate in brokers.GroupBy(b => b.NodeId).Where(g => g.Count() > 1))
        {
            problems.Add($"brokers {string.Join(", ", duplicate.Select(b => b.Name))} share KAFKA_NODE_ID {duplicate.Key}");
        }

        var voters = brokers[0].Voters.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => VoterPattern().Match(v)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["host"].Value, m => m.Groups["id"].Value, StringComparer.OrdinalIgnoreCase);
        foreach (var broker in brokers.Where(b => !b.Hosts.Any(h => voters.GetValueOrDefault(h) == b.NodeId.ToString(CultureInfo.InvariantCulture))))
        {
            problems.Add($"service {broker.Name}: KAFKA_CONTROLLER_QUORUM_VOTERS does not list it as {broker.NodeId}@{broker.Name}:port");
        }

        return brokers;
    }

    private static void CheckNoZooKeeper(ComposeFile compose, List<string> problems)
    {
        foreach (var service in compose.Services.Values)
        {
            if (service.Name.Contains("zookeeper", StringComparison.OrdinalIgnoreCase)
                || (service.Image ?? string.Empty).Contains("zookeeper", StringComparison.OrdinalIgnoreCase)
                || service.Environment.Keys.Any(k => k.Contains("ZOOKEEPER", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"service {service.Name} involves ZooKeeper; the stack runs Kafka in KRaft mode");
            }
        }

    }

    private static KafkaBroker CheckBroker(ComposeService kafka, int brokerCount, List<string> problems)
    {
        var env = kafka.Environment;
        string Env(string key) => env.GetValueOrDefault(key, string.Empty);
        var who = $"service {kafka.Name}";
        var roles = Env("KAFKA_PROCESS_ROLES").Split(',', StringSplitOptions.TrimEntries);
        if (!roles.Contains("broker") || !roles.Contains("controller"))
        {
            problems.Add($"{who}: KAFKA_PROCESS_ROLES is \"{Env("KAFKA_PROCESS_ROLES")}\"; each node must be broker,controller (KRaft)");
        }

        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { kafka.Name };
        if (kafka.Hostname is { } hostname)
        {
            hosts.Add(hostname);
        }

        var listeners = ParseListeners(who, "KAFKA_LISTENERS", Env("KAFKA_LISTENERS"), problems);
        var advertised = ParseListeners(who, "KAFKA_ADVERTISED_LISTENERS", Env("KAFKA_ADVERTISED_LISTENERS"), problems);
        var protocols = Env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split(':'))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var controllers = Env("KAFKA_CONTROLLER_LISTENER_NAMES").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (controllers.Count == 0)
        {
            problems.Add($"{who}: KAFKA_CONTROLLER_LISTENER_NAMES is not set (KRaft needs a controller listener)");
        }

        foreach (var name in listeners.Concat(advertised).Select(l => l.Name).Distinct())
        {
            if (!protocols.ContainsKey(name) && name is not ("PLAINTEXT" or "SSL" or "SASL_PLAINTEXT" or "SASL_SSL"))
            {
                problems.Add($"{who}: listener {name} has no entry in KAFKA_LISTENER_SECURITY_PROTOCOL_MAP");
            }
        }

        foreach (var name in controllers.Where(c => listeners.All(l => l.Name != c)))
        {
            problems.Add($"{who}: controller listener {name} is not in KAFKA_LISTENERS");
        }

        foreach (var listener in advertised.Where(a => controllers.Contains(a.Name)))
        {
            problems.Add($"{who}: KAFKA_ADVERTISED_LISTENERS advertises the controller listener {listener.Name}");
        }

        if (env.TryGetValue("KAFKA_INTER_BROKER_LISTENER_NAME", out var interBroker) && (controllers.Contains(interBroker) || listeners.All(l => l.Name != interBroker)))
        {
            problems.Add($"{who}: KAFKA_INTER_BROKER_LISTENER_NAME {interBroker} must be a broker listener of KAFKA_LISTENERS");
        }

        if (!int.TryParse(Env("KAFKA_NODE_ID"), CultureInfo.InvariantCulture, out var nodeId))
        {
            problems.Add($"{who}: KAFKA_NODE_ID \"{Env("KAFKA_NODE_ID")}\" is not a number");
        }

        var voters = Env("KAFKA_CONTROLLER_QUORUM_VOTERS").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var self = voters.Select(v => VoterPattern().Match(v)).FirstOrDefault(m => m.Success && m.Groups["id"].Value == nodeId.ToString(CultureInfo.InvariantCulture));
        if (self is null)
        {
            problems.Add($"{who}: KAFKA_CONTROLLER_QUORUM_VOTERS \"{Env("KAFKA_CONTROLLER_QUORUM_VOTERS")}\" does not list node {nodeId} as id@host:port");
        }
        else
        {
            var port = int.Parse(self.Groups["port"].Value, CultureInfo.InvariantCulture);
            if (!hosts.Contains(self.Groups["host"].Value))
            {
                problems.Add($"{who}: the quorum voter {self.Value} is not this service ({string.Join(", ", hosts)})");
            }

            if (!listeners.Any(l => controllers.Contains(l.Name) && l.Port == port))
            {
                problems.Add($"{who}: the quorum voter {self.Value} names port {port}, where no controller listener binds");
            }
        }

        var clusterId = Env("CLUSTER_ID");
        if (clusterId.Length != 22 || !TryDecodeBase64Url(clusterId, out var idBytes) || idBytes.Length != 16)
        {
            problems.Add($"{who}: CLUSTER_ID \"{clusterId}\" must be a Kafka cluster id (16 bytes in 22 characters of base64url; kafka-storage.sh random-uuid makes one)");
        }

        var logDir = Env("KAFKA_LOG_DIRS").Split(',')[0] is { Length: > 0 } dir ? dir : "/tmp/kraft-combined-logs";
        if (!kafka.Volumes.Any(m => m.Type == "volume" && m.Source is not null && m.Target.TrimEnd('/') == logDir.TrimEnd('/')))
        {
            problems.Add($"{who}: its log directory {logDir} is not on a named volume, so the topics would go with the container");
        }

        // Set through the environment, the image keeps none of its defaults: Kafka's own default of 3 copies cannot be met by one broker.
        if (!int.TryParse(Env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), CultureInfo.InvariantCulture, out var offsetsRf)
            || (brokerCount == 1 && offsetsRf != 1) || offsetsRf > brokerCount)
        {
            problems.Add(brokerCount == 1
                ? $"{who}: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 1 on a one-broker cluster, or consumer groups cannot commit"
                : $"{who}: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be at most the {brokerCount} brokers, or consumer groups cannot commit");
        }

        if (kafka.Healthcheck is not { Count: > 0 })
        {
            problems.Add($"{who}: has no healthcheck");
        }

        return new KafkaBroker(kafka.Name, nodeId, Env("KAFKA_CONTROLLER_QUORUM_VOTERS"), clusterId, hosts, listeners, advertised, protocols, controllers);
    }

    internal static List<KafkaListener> ParseListeners(string who, string variable, string value, List<string> problems)
    {
        var result = new List<KafkaListener>();
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = ListenerPattern().Match(entry);
            if (!match.Success)
            {
                problems.Add($"{who}: {variable} entry \"{entry}\" is not NAME://host:port");
                continue;
            }

            result.Add(new KafkaListener(match.Groups["name"].Value, match.Groups["host"].Value, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture)));
        }

        if (result.Count == 0)
        {
            problems.Add($"{who}: {variable} is not set");
        }

        return result;
    }

    /// <summary>Whether a client inside the Compose network reaches the broker at <paramref name="servers"/>, with <paramref name="protocol"/>.</summary>
    internal static void CheckBootstrap(string who, string servers, string protocol, IReadOnlyList<KafkaBroker> brokers, List<string> problems)
    {
        if (brokers.Count == 0)
        {
            return;
        }

        foreach (var raw in servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.Contains("://", StringComparison.Ordinal) ? raw[(raw.IndexOf("://", StringComparison.Ordinal) + 3)..] : raw;
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon] : entry;
            var port = colon > 0 && int.TryParse(entry[(colon + 1)..], CultureInfo.InvariantCulture, out var p) ? p : -1;
            if (brokers.FirstOrDefault(b => b.Hosts.Contains(host)) is not { } kafka)
            {
                problems.Add(brokers.Count == 1
                    ? $"{who}: Kafka bootstrap {raw} is not the {brokers[0].Name} service ({string.Join(", ", brokers[0].Hosts)})"
                    : $"{who}: Kafka bootstrap {raw} is not a broker service ({string.Join(", ", brokers.Select(b => b.Name))})");
                continue;
            }

            var advertised = kafka.Advertised.FirstOrDefault(a => string.Equals(a.Host, host, StringComparison.OrdinalIgnoreCase) && a.Port == port);
            if (advertised is null)
            {
                problems.Add($"{who}: Kafka advertises no listener at {entry} (it advertises {string.Join(", ", kafka.Advertised.Select(a => $"{a.Name}://{a.Host}:{a.Port}"))})");
                continue;
            }

            var bound = kafka.Listeners.FirstOrDefault(l => l.Name == advertised.Name);
            if (bound is null)
            {
                problems.Add($"{who}: Kafka advertises {advertised.Name} at {entry} but KAFKA_LISTENERS does not bind {advertised.Name}");
            }
            else if (bound.Port != port)
            {
                problems.Add($"{who}: Kafka binds {advertised.Name} on port {bound.Port} but advertises it at {entry}; inside the network nothing maps {port}");
            }

            var actual = kafka.Protocols.GetValueOrDefault(advertised.Name, advertised.Name);
            if (actual != protocol)
            {
                problems.Add($"{who}: connects with {protocol}, but Kafka's {advertised.Name} listener speaks {actual}");
            }
        }
    }

    /// <summary>
    /// The topics the one-shot init service creates, with their partition counts. On one broker each has one
    /// copy; on several, one per broker and min.insync.replicas of at least 2 below that, so a write
    /// acknowledged by all in-sync replicas survives the loss of a broker.
    /// </summary>
    internal static Dictionary<string, int>? CheckTopicInit(ComposeFile compose, IReadOnlyList<KafkaBroker> brokers, List<string> problems)
    {
        var init = compose.Services.Values.FirstOrDefault(s => s.Command is { } c && string.Join(' ', c).Contains("kafka-topics", StringComparison.Ordinal) && c.Any(a => a.Contains("--create", StringComparison.Ordinal)));
        if (init is null)
        {
            problems.Add("no service creates the topics (a one-shot kafka-topics.sh --create); the processor does not create them");
            return null;
        }

        var who = $"service {init.Name}";
        foreach (var broker in brokers.Where(b => init.DependsOn.GetValueOrDefault(b.Name) != Healthy))
        {
            problems.Add($"{who}: must wait for {broker.Name} to be healthy before creating topics");
        }

        var topics = new Dictionary<string, int>(StringComparer.Ordinal);
        var script = string.Join('\n', init.Command!);
        foreach (var step in script.Split(['\n', ';', '&'], StringSplitOptions.RemoveEmptyEntries).Where(s => s.Contains("--create", StringComparison.Ordinal)))
        {
            var topic = TopicArgument().Match(step);
            var partitions = PartitionsArgument().Match(step);
            var bootstrap = BootstrapArgument().Match(step);
            if (!topic.Success || !partitions.Success)
            {
                problems.Add($"{who}: \"{step.Trim()}\" must give --topic and --partitions");
                continue;
            }

            var rf = ReplicationArgument().Match(step) is { Success: true } r ? int.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture) : (int?)null;
            if (brokers.Count <= 1 && rf is not (null or 1))
            {
                problems.Add($"{who}: {topic.Groups[1].Value} asks for {rf} replicas from a one-broker cluster");
            }
            else if (brokers.Count > 1)
            {
                var minIsr = MinInsyncArgument().Match(step) is { Success: true } isr ? int.Parse(isr.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
                if (rf != brokers.Count || minIsr < 2 || minIsr >= rf)
                {
                    problems.Add($"{who}: {topic.Groups[1].Value} must have --replication-factor {brokers.Count} and --config min.insync.replicas=2 (got {rf?.ToString(CultureInfo.InvariantCulture) ?? "the broker default"} and {minIsr})");
                }
            }

            if (bootstrap.Success)
            {
                CheckBootstrap(who, bootstrap.Groups[1].Value, "PLAINTEXT", brokers, problems);
            }
            else
            {
                problems.Add($"{who}: \"{step.Trim()}\" has no --bootstrap-server");
            }

            topics[topic.Groups[1].Value] = int.Parse(partitions.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return topics;
    }

    /// <summary>Kafka's name for a protocol: SaslPlaintext → SASL_PLAINTEXT; none → PLAINTEXT.</summary>
    internal static string ProtocolName(Confluent.Kafka.SecurityProtocol? protocol)
        => protocol is { } p ? Regex.Replace(p.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant() : "PLAINTEXT";

    internal static bool TryDecodeBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        var ok = Convert.TryFromBase64String(padded, buffer, out var written);
        bytes = buffer[..written];
        return ok;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_]+)://(?<host>\[[^\]]*\]|[^:]*):(?<port>[0-9]+)$")]
    private static partial Regex ListenerPattern();

    [GeneratedRegex(@"^(?<id>[0-9]+)@(?<host>[^:]+):(?<port>[0-9]+)$")]
    private static partial Regex VoterPattern();

    [GeneratedRegex(@"--topic[ =](\S+)")]
    private static partial Regex TopicArgument();

    [GeneratedRegex(@"--partitions[ =]([0-9]+)")]
    private static partial Regex PartitionsArgument();

    [GeneratedRegex(@"--replication-factor[ =]([0-9]+)")]
    private static partial Regex ReplicationArgument();

    [GeneratedRegex(@"--config[ =]min\.insync\.replicas=([0-9]+)")]
    private static partial Regex MinInsyncArgument();

    [GeneratedRegex(@"--bootstrap-server[ =](\S+)")]
    private static partial Regex BootstrapArgument();

    internal sealed record KafkaListener(string Name, string Host, int Port);

    internal sealed record KafkaBroker(
        string Name,
        int NodeId,
        string Voters,
        string ClusterId,
        IReadOnlySet<string> Hosts,
        IReadOnlyList<KafkaListener> Listeners,
        IReadOnlyList<KafkaListener> Advertised,
        IReadOnlyDictionary<string, string> Protocols,
        IReadOnlySet<string> Controllers);
}
