using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Analytics.Cli.Configuration;
using Analytics.Common;
using Analytics.Processors.Sinks;
using YamlDotNet.Core;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// Checks docker-compose.yml without Docker: its shape as Compose reads it, that everything it mounts
/// or builds exists, and that what it tells the processor and the simulator agrees with Kafka's
/// listeners, the topics it creates, ClickHouse's mounted configuration, and the CLI's own settings
/// layer; the incident archive is checked by <see cref="ElasticsearchStackCheck"/>. Returns every
/// problem found (empty when the stack is consistent).
/// </summary>
internal static partial class ComposeStackValidator
{
    public const string ComposePath = "docker-compose.yml";
    public const string Kafka = "kafka";
    public const string ClickHouse = "clickhouse";
    public const string Processor = "processor";
    public const string Simulator = "simulator";
    public const string DemoProfile = "demo";
    private const string ClickHouseConfigDir = "/etc/clickhouse-server/config.d";
    private const string ClickHouseUsersDir = "/etc/clickhouse-server/users.d";
    private const string Healthy = "service_healthy";
    private const string Completed = "service_completed_successfully";

    public static IReadOnlyList<string> Validate(RepositoryFiles files, IReadOnlyDictionary<string, string>? variables = null)
    {
        var problems = new List<string>();
        if (files.Read(ComposePath) is not { } text)
        {
            return [$"{ComposePath} is missing"];
        }

        ComposeFile compose;
        try
        {
            compose = ComposeFile.Parse(text, variables ?? new Dictionary<string, string>());
        }
        catch (Exception ex) when (ex is YamlException or FormatException or InvalidCastException)
        {
            return [$"{ComposePath} is not a Compose file: {ex.Message}"];
        }

        problems.AddRange(compose.Problems);
        CheckDependencies(compose, problems);
        CheckFiles(compose, files, problems);
        CheckImagesAndPorts(compose, problems);
        var kafka = CheckKafka(compose, problems);
        var clickHouse = CheckClickHouse(compose, files, problems);
        var topics = CheckTopicInit(compose, kafka, problems);
        CheckProcessor(compose, kafka, clickHouse, topics, problems);
        CheckSimulator(compose, kafka, topics, problems);
        ElasticsearchStackCheck.Check(compose, problems);
        return problems;
    }

    private static void CheckDependencies(ComposeFile compose, List<string> problems)
    {
        foreach (var service in compose.Services.Values)
        {
            foreach (var (target, condition) in service.DependsOn)
            {
                if (!compose.Services.TryGetValue(target, out var dependency))
                {
                    problems.Add($"service {service.Name} depends on {target}, which is not a service");
                    continue;
                }

                switch (condition)
                {
                    case Healthy when dependency.Healthcheck is not { Count: > 0 }:
                        problems.Add($"service {service.Name} waits for {target} to be healthy, but {target} has no healthcheck");
                        break;
                    case Completed when dependency.Restart is not (null or "no") && !dependency.Restart.StartsWith("on-failure", StringComparison.Ordinal):
                        problems.Add($"service {service.Name} waits for {target} to complete, but {target} restarts ({dependency.Restart}) and never completes");
                        break;
                    case Healthy or Completed or "service_started":
                        break;
                    default:
                        problems.Add($"service {service.Name}: depends_on {target} has an unknown condition {condition}");
                        break;
                }

                if (service.Profiles.Count == 0 && dependency.Profiles.Count > 0)
                {
                    problems.Add($"service {service.Name} always runs but depends on {target}, which only runs in profile {string.Join(", ", dependency.Profiles)}");
                }
            }
        }
    }

    private static void CheckFiles(ComposeFile compose, RepositoryFiles files, List<string> problems)
    {
        foreach (var service in compose.Services.Values)
        {
            foreach (var mount in service.Volumes)
            {
                if (mount.Type == "bind")
                {
                    if (mount.Source is null || !mount.Source.StartsWith('.'))
                    {
                        problems.Add($"service {service.Name} mounts {mount.Source}, a host-specific path; mount files of the repository (./…)");
                    }
                    else if (RepositoryFiles.Relative(mount.Source) is not { } relative || !files.Exists(relative))
                    {
                        problems.Add($"service {service.Name} mounts {mount.Source}, which is not in the repository");
                    }
                }
                else if (mount.Type == "volume" && mount.Source is { } volume && !compose.Volumes.Contains(volume))
                {
                    problems.Add($"service {service.Name} uses volume {volume}, which the top-level volumes do not declare");
                }
            }

            if (service.Build is { } build)
            {
                var context = RepositoryFiles.Relative(build.Context);
                if (context is null || !files.Exists(context))
                {
                    problems.Add($"service {service.Name} builds from {build.Context}, which is not a directory of the repository");
                }
                else if (RepositoryFiles.Relative(Path.Combine(context, build.Dockerfile)) is not { } dockerfile || !files.Exists(dockerfile))
                {
                    problems.Add($"service {service.Name} builds with {build.Dockerfile}, which is not in its context {build.Context}");
                }
            }
        }
    }

    private static void CheckImagesAndPorts(ComposeFile compose, List<string> problems)
    {
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in compose.Services.Values)
        {
            if (service.Build is null)
            {
                var image = service.Image ?? string.Empty;
                var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : null;
                if (tag is null or "latest")
                {
                    problems.Add($"service {service.Name}: image \"{image}\" must pin a version (a tag other than latest)");
                }
            }

            foreach (var port in service.Ports)
            {
                // "8123" alone publishes on a random host port, which cannot clash.
                var parts = port.Split(':');
                if (parts.Length < 2)
                {
                    continue;
                }

                var host = string.Join(':', parts[..^1]);
                if (!published.TryAdd(host, service.Name))
                {
                    problems.Add($"services {published[host]} and {service.Name} both publish host port {host}");
                }
            }
        }
    }

    private static KafkaBroker? CheckKafka(ComposeFile compose, List<string> problems)
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

        if (!compose.Services.TryGetValue(Kafka, out var kafka))
        {
            problems.Add($"there is no {Kafka} service");
            return null;
        }

        var env = kafka.Environment;
        string Env(string key) => env.GetValueOrDefault(key, string.Empty);
        var who = $"service {Kafka}";
        var roles = Env("KAFKA_PROCESS_ROLES").Split(',', StringSplitOptions.TrimEntries);
        if (!roles.Contains("broker") || !roles.Contains("controller"))
        {
            problems.Add($"{who}: KAFKA_PROCESS_ROLES is \"{Env("KAFKA_PROCESS_ROLES")}\"; the single node must be broker,controller (KRaft)");
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
        if (!int.TryParse(Env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), CultureInfo.InvariantCulture, out var offsetsRf) || offsetsRf != 1)
        {
            problems.Add($"{who}: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 1 on a one-broker cluster, or consumer groups cannot commit");
        }

        if (kafka.Healthcheck is not { Count: > 0 })
        {
            problems.Add($"{who}: has no healthcheck");
        }

        return new KafkaBroker(hosts, listeners, advertised, protocols, controllers);
    }

    private static List<KafkaListener> ParseListeners(string who, string variable, string value, List<string> problems)
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
    private static void CheckBootstrap(string who, string servers, string protocol, KafkaBroker? kafka, List<string> problems)
    {
        if (kafka is null)
        {
            return;
        }

        foreach (var raw in servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw.Contains("://", StringComparison.Ordinal) ? raw[(raw.IndexOf("://", StringComparison.Ordinal) + 3)..] : raw;
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon] : entry;
            var port = colon > 0 && int.TryParse(entry[(colon + 1)..], CultureInfo.InvariantCulture, out var p) ? p : -1;
            if (!kafka.Hosts.Contains(host))
            {
                problems.Add($"{who}: Kafka bootstrap {raw} is not the {Kafka} service ({string.Join(", ", kafka.Hosts)})");
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

    private static ClickHouseServer? CheckClickHouse(ComposeFile compose, RepositoryFiles files, List<string> problems)
    {
        if (!compose.Services.TryGetValue(ClickHouse, out var service))
        {
            problems.Add($"there is no {ClickHouse} service");
            return null;
        }

        var who = $"service {ClickHouse}";
        var version = VersionTag().Match(service.Image ?? string.Empty);
        if (!(service.Image ?? string.Empty).StartsWith("clickhouse/clickhouse-server:", StringComparison.Ordinal) || !version.Success)
        {
            problems.Add($"{who}: image \"{service.Image}\" must be clickhouse/clickhouse-server with a version tag");
        }
        else
        {
            var major = int.Parse(version.Groups["major"].Value, CultureInfo.InvariantCulture);
            var minor = int.Parse(version.Groups["minor"].Value, CultureInfo.InvariantCulture);
            if (major < 24 || (major == 24 && minor < 10))
            {
                problems.Add($"{who}: ClickHouse {major}.{minor} is too old; the schema needs 24.10 or later (refreshable materialized views, SQL UDFs, DateTime64)");
            }
        }

        if (service.Healthcheck is not { Count: > 0 })
        {
            problems.Add($"{who}: has no healthcheck");
        }

        if (!service.Volumes.Any(m => m.Type == "volume" && m.Source is not null && m.Target.TrimEnd('/') == "/var/lib/clickhouse"))
        {
            problems.Add($"{who}: /var/lib/clickhouse is not on a named volume, so the data would go with the container");
        }

        var httpPort = 8123;
        var defaultDatabase = "default";
        var users = new List<XElement>();
        foreach (var mount in service.Volumes.Where(m => m.Type == "bind").OrderBy(m => m.Target, StringComparer.Ordinal))
        {
            var target = mount.Target.TrimEnd('/');
            if (target is ClickHouseConfigDir or ClickHouseUsersDir)
            {
                problems.Add($"{who}: mounts a directory over {target}; mount single files, since the image keeps its own files there (listening on all interfaces, the entrypoint's user setup)");
                continue;
            }

            var underConfig = target.StartsWith(ClickHouseConfigDir + "/", StringComparison.Ordinal);
            var underUsers = target.StartsWith(ClickHouseUsersDir + "/", StringComparison.Ordinal);
            if ((!underConfig && !underUsers) || RepositoryFiles.Relative(mount.Source ?? string.Empty) is not { } source || files.Read(source) is not { } xml)
            {
                continue;
            }

            XElement root;
            try
            {
                root = XDocument.Parse(xml).Root!;
            }
            catch (XmlException ex)
            {
                problems.Add($"{who}: {mount.Source} is not well-formed XML: {ex.Message}");
                continue;
            }

            if (root.Name.LocalName is not ("clickhouse" or "yandex"))
            {
                problems.Add($"{who}: {mount.Source} must have <clickhouse> as its root element");
                continue;
            }

            if (underConfig)
            {
                httpPort = root.Element("http_port") is { } port ? int.Parse(port.Value, CultureInfo.InvariantCulture) : httpPort;
                defaultDatabase = root.Element("default_database")?.Value.Trim() ?? defaultDatabase;
            }

            users.AddRange(root.Element("users")?.Elements() ?? []);
        }

        return new ClickHouseServer(service, [service.Name, .. service.Hostname is { } h ? [h] : Array.Empty<string>()], httpPort, defaultDatabase, users);
    }

    private static Dictionary<string, int>? CheckTopicInit(ComposeFile compose, KafkaBroker? kafka, List<string> problems)
    {
        var init = compose.Services.Values.FirstOrDefault(s => s.Command is { } c && string.Join(' ', c).Contains("kafka-topics", StringComparison.Ordinal) && c.Any(a => a.Contains("--create", StringComparison.Ordinal)));
        if (init is null)
        {
            problems.Add("no service creates the topics (a one-shot kafka-topics.sh --create); the processor does not create them");
            return null;
        }

        var who = $"service {init.Name}";
        if (init.DependsOn.GetValueOrDefault(Kafka) != Healthy)
        {
            problems.Add($"{who}: must wait for {Kafka} to be healthy before creating topics");
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

            if (ReplicationArgument().Match(step) is { Success: true } rf && rf.Groups[1].Value != "1")
            {
                problems.Add($"{who}: {topic.Groups[1].Value} asks for {rf.Groups[1].Value} replicas from a one-broker cluster");
            }

            if (bootstrap.Success)
            {
                CheckBootstrap(who, bootstrap.Groups[1].Value, "PLAINTEXT", kafka, problems);
            }
            else
            {
                problems.Add($"{who}: \"{step.Trim()}\" has no --bootstrap-server");
            }

            topics[topic.Groups[1].Value] = int.Parse(partitions.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return topics;
    }

    private static void CheckProcessor(ComposeFile compose, KafkaBroker? kafka, ClickHouseServer? clickHouse, Dictionary<string, int>? topics, List<string> problems)
    {
        if (!compose.Services.TryGetValue(Processor, out var service))
        {
            problems.Add($"there is no {Processor} service");
            return;
        }

        var who = $"service {Processor}";
        if (service.Build is null)
        {
            problems.Add($"{who}: must be built from the repository (build:)");
        }

        if (service.Profiles.Count > 0)
        {
            problems.Add($"{who}: is in profile {string.Join(", ", service.Profiles)}, so a plain `docker compose up` would not start it");
        }

        if (service.Restart is not ("unless-stopped" or "always"))
        {
            problems.Add($"{who}: restart is {service.Restart ?? "unset"}; a crashed or rebooted processor must come back (unless-stopped)");
        }

        foreach (var (target, condition) in new[] { (Kafka, Healthy), (ClickHouse, Healthy) })
        {
            if (service.DependsOn.GetValueOrDefault(target) != condition)
            {
                problems.Add($"{who}: must wait for {target} ({condition})");
            }
        }

        var init = compose.Services.Values.FirstOrDefault(s => s.Command is { } c && string.Join(' ', c).Contains("kafka-topics", StringComparison.Ordinal));
        if (init is not null && service.DependsOn.GetValueOrDefault(init.Name) != Completed)
        {
            problems.Add($"{who}: must wait for {init.Name} to create the topics ({Completed})");
        }

        if (ServiceSettings.Read(service, problems) is not { } run)
        {
            return;
        }

        if (run.Command != "run")
        {
            problems.Add($"{who}: runs `{run.Command}`; the processor is `run`");
            return;
        }

        var settings = run.Settings;
        Check(who, problems, () => settings.ClickHouse.Validate(), () => settings.Kafka.Validate(), () => settings.Processor.Validate(), () => settings.Sink.Validate(), settings.Http.Validate);
        if (settings.ClickHouse.Backend != ClickHouseOptions.Server)
        {
            problems.Add($"{who}: ClickHouse:Backend is {settings.ClickHouse.Backend}; the image has no chDB, so it must be {ClickHouseOptions.Server}");
        }

        CheckBootstrap(who, settings.Kafka.BootstrapServers, ProtocolName(settings.Kafka.SecurityProtocol), kafka, problems);
        foreach (var topic in new[] { settings.Kafka.Topic, settings.Kafka.DeadLetterTopic })
        {
            if (topics is not null && !topics.ContainsKey(topic))
            {
                problems.Add($"{who}: uses topic {topic}, which nothing creates (created: {string.Join(", ", topics.Keys)})");
            }
        }

        CheckSchemaHasTables(who, settings, problems);
        if (clickHouse is not null && settings.ClickHouse.Backend == ClickHouseOptions.Server)
        {
            CheckClickHouseAccess(who, settings, clickHouse, problems);
        }
    }

    private static void CheckSchemaHasTables(string who, AnalyticsSettings settings, List<string> problems)
    {
        IEnumerable<string> expected;
        try
        {
            expected = QoeTables.FactTables(settings.Processor).ToList();
        }
        catch (ArgumentException)
        {
            return; // Processor.Validate has reported it.
        }

        var created = QoeTables.Migrations.SelectMany(m => CreatedTable().Matches(m.Sql).Select(x => x.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in expected.Append(QoeTables.LateEvents).Append(QoeTables.OrphanEvents).Append(QoeTables.Checkpoints).Where(t => !created.Contains(t)))
        {
            problems.Add($"{who}: its windows and cubes need table {table}, which no migration creates");
        }
    }

    private static void CheckClickHouseAccess(string who, AnalyticsSettings settings, ClickHouseServer server, List<string> problems)
    {
        var http = settings.Http;
        if (!Uri.TryCreate(http.Url, UriKind.Absolute, out var url))
        {
            return; // Http.Validate has reported it.
        }

        if (!server.Hosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) || url.Port != server.HttpPort || url.Scheme != Uri.UriSchemeHttp)
        {
            problems.Add($"{who}: ClickHouse:Http:Url {http.Url} is not the {ClickHouse} service's HTTP interface (http://{server.Hosts[0]}:{server.HttpPort})");
        }

        if (http.Database.Length > 0 && http.Database != server.DefaultDatabase)
        {
            problems.Add(
                $"{who}: ClickHouse:Http:Database {http.Database} must exist before the first request (ClickHouse refuses a request naming a missing "
                + $"database, even CREATE DATABASE); the server creates only its default_database, {server.DefaultDatabase}");
        }

        var user = server.Users.FirstOrDefault(u => u.Name.LocalName == http.User);
        if (user is null)
        {
            problems.Add($"{who}: ClickHouse:Http:User {http.User} is not defined by a mounted users.d file (defined: {string.Join(", ", server.Users.Select(u => u.Name.LocalName))})");
            return;
        }

        if (Accepts(user, server.Service, http.Password, out var source, problems) is false)
        {
            problems.Add($"{who}: ClickHouse:Http:Password is not the password users.d gives {http.User} ({source})");
        }

        var networks = user.Element("networks")?.Elements().Select(e => e.Value.Trim()).ToList() ?? [];
        if (!networks.Any(n => n is not ("::1" or "127.0.0.1" or "localhost") && !n.StartsWith("127.", StringComparison.Ordinal)))
        {
            problems.Add($"{who}: ClickHouse user {http.User} may connect only from [{string.Join(", ", networks)}]; the processor connects from another container");
        }

        if (user.Element("grants") is { } grants)
        {
            var queries = grants.Elements("query").Select(q => q.Value).ToList();
            var database = new Regex(@"\bON\s+" + Regex.Escape(settings.Sink.Database) + @"\.\*|^\s*GRANT\s+ALL\s+ON\s+\*\.\*", RegexOptions.IgnoreCase);
            if (!queries.Any(database.IsMatch))
            {
                problems.Add($"{who}: ClickHouse user {http.User} has no grant on {settings.Sink.Database}.*, where the processor migrates and writes");
            }

            var needsFunctions = QoeTables.Migrations.Any(m => m.Sql.Contains("CREATE OR REPLACE FUNCTION", StringComparison.Ordinal));
            if (needsFunctions && !queries.Any(q => Regex.IsMatch(q, @"CREATE FUNCTION.*\bON\s+\*\.\*|GRANT\s+ALL\s+ON\s+\*\.\*", RegexOptions.IgnoreCase)))
            {
                problems.Add($"{who}: ClickHouse user {http.User} may not CREATE FUNCTION ON *.*, which the migrations do");
            }
        }
    }

    /// <summary>Whether users.d lets <paramref name="user"/> in with <paramref name="given"/>, resolving from_env against the ClickHouse container's environment; null when it cannot tell.</summary>
    private static bool? Accepts(XElement user, ComposeService clickHouse, string given, out string source, List<string> problems)
    {
        if (user.Element("password_sha256_hex") is { } hash)
        {
            source = "a SHA-256 hash";
            return string.Equals(hash.Value.Trim(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(given))), StringComparison.OrdinalIgnoreCase);
        }

        if (user.Element("password") is not { } password)
        {
            source = "no password";
            return given.Length == 0;
        }

        if (password.Attribute("from_env")?.Value is not { } variable)
        {
            source = "written in users.d";
            return password.Value == given;
        }

        source = $"the {ClickHouse} service's {variable}";
        if (!clickHouse.Environment.TryGetValue(variable, out var value))
        {
            problems.Add($"service {ClickHouse}: users.d reads {user.Name.LocalName}'s password from {variable}, which the service does not set");
            return null;
        }

        return value == given;
    }

    private static void CheckSimulator(ComposeFile compose, KafkaBroker? kafka, Dictionary<string, int>? topics, List<string> problems)
    {
        if (!compose.Services.TryGetValue(Simulator, out var service))
        {
            return;
        }

        var who = $"service {Simulator}";
        if (!service.Profiles.Contains(DemoProfile))
        {
            problems.Add($"{who}: must only run in the {DemoProfile} profile: it floods Kafka with made-up traffic");
        }

        if (ServiceSettings.Read(service, problems) is not { } simulate)
        {
            return;
        }

        if (simulate.Command != "simulate")
        {
            problems.Add($"{who}: runs `{simulate.Command}`, not `simulate`");
            return;
        }

        var settings = simulate.Settings;

        // As SimulateCommand does when neither a rate nor a session count is given.
        var options = settings.Simulator is { EventsPerSecond: null, ConcurrentSessions: null } ? settings.Simulator with { EventsPerSecond = 2000 } : settings.Simulator;
        Check(who, problems, options.Validate, () => settings.Kafka.Validate());
        CheckBootstrap(who, settings.Kafka.BootstrapServers, ProtocolName(settings.Kafka.SecurityProtocol), kafka, problems);
        if (topics is not null && !topics.ContainsKey(settings.Kafka.Topic))
        {
            problems.Add($"{who}: sends to topic {settings.Kafka.Topic}, which nothing creates");
        }
    }

    private static void Check(string who, List<string> problems, params Action[] validations)
    {
        foreach (var validate in validations)
        {
            try
            {
                validate();
            }
            catch (OptionsValidationException ex)
            {
                problems.Add($"{who}: {ex.Message}");
            }
        }
    }

    /// <summary>Kafka's name for a protocol: SaslPlaintext → SASL_PLAINTEXT; none → PLAINTEXT.</summary>
    private static string ProtocolName(Confluent.Kafka.SecurityProtocol? protocol)
        => protocol is { } p ? Regex.Replace(p.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant() : "PLAINTEXT";

    private static bool TryDecodeBase64Url(string text, out byte[] bytes)
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

    [GeneratedRegex(@":(?<major>[0-9]+)\.(?<minor>[0-9]+)")]
    private static partial Regex VersionTag();

    [GeneratedRegex(@"--topic[ =](\S+)")]
    private static partial Regex TopicArgument();

    [GeneratedRegex(@"--partitions[ =]([0-9]+)")]
    private static partial Regex PartitionsArgument();

    [GeneratedRegex(@"--replication-factor[ =]([0-9]+)")]
    private static partial Regex ReplicationArgument();

    [GeneratedRegex(@"--bootstrap-server[ =](\S+)")]
    private static partial Regex BootstrapArgument();

    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS \{database\}\.([A-Za-z0-9_]+)")]
    private static partial Regex CreatedTable();

    private sealed record KafkaListener(string Name, string Host, int Port);

    private sealed record KafkaBroker(
        IReadOnlySet<string> Hosts,
        IReadOnlyList<KafkaListener> Listeners,
        IReadOnlyList<KafkaListener> Advertised,
        IReadOnlyDictionary<string, string> Protocols,
        IReadOnlySet<string> Controllers);

    private sealed record ClickHouseServer(ComposeService Service, IReadOnlyList<string> Hosts, int HttpPort, string DefaultDatabase, IReadOnlyList<XElement> Users);
}
