using Xunit.Abstractions;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// docker-compose.yml cannot run here (no Docker), so it is checked against the code and the files
/// it mounts; every check is shown to reject a copy of the stack broken the way it guards against.
/// </summary>
public sealed class ComposeStackTests(ITestOutputHelper output)
{
    private const string Compose = ComposeStackValidator.ComposePath;
    private const string Users = "deploy/clickhouse/users.d/analytics.xml";
    private const string Config = "deploy/clickhouse/config.d/analytics.xml";

    private static readonly Dictionary<string, string> NoVariables = [];

    public static TheoryData<string, string, string, string> BrokenStacks => new()
    {
        // File, text to replace, replacement, a fragment of the problem it must cause.
        { Compose, "\n  kafka-init:\n", "\n  zookeeper:\n    image: zookeeper:3.9.2\n\n  kafka-init:\n", "involves ZooKeeper" },
        { Compose, "KAFKA_PROCESS_ROLES: broker,controller", "KAFKA_PROCESS_ROLES: broker", "must be broker,controller" },
        { Compose, "KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093", "KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9092", "where no controller listener binds" },
        { Compose, "KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093", "KAFKA_CONTROLLER_QUORUM_VOTERS: 2@kafka:9093", "does not list node 1" },
        { Compose, "CLUSTER_ID: 0iEYA0xiTNawkrVT8_7NMw", "CLUSTER_ID: analytics-cluster", "CLUSTER_ID \"analytics-cluster\" must be a Kafka cluster id" },
        { Compose, "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3", "consumer groups cannot commit" },
        { Compose, "INTERNAL:PLAINTEXT", "INTERNAL:SSL", "service processor: connects with PLAINTEXT, but Kafka's INTERNAL listener speaks SSL" },
        { Compose, "      - kafka-data:/var/lib/kafka/data\n", string.Empty, "/var/lib/kafka/data is not on a named volume" },
        { Compose, "ANALYTICS_Kafka__BootstrapServers: kafka:9092", "ANALYTICS_Kafka__BootstrapServers: kafka:9094", "service processor: Kafka advertises no listener at kafka:9094" },
        { Compose, "ANALYTICS_Kafka__BootstrapServers: kafka:9092", "ANALYTICS_Kafka__BootstrapServers: localhost:9092", "service processor: Kafka bootstrap localhost:9092 is not the kafka service" },
        { Compose, "\"--bootstrap\", \"kafka:9092\"", "\"--bootstrap\", \"broker:9092\"", "service simulator: Kafka bootstrap broker:9092 is not the kafka service" },
        { Compose, "--bootstrap-server kafka:9092 --create --if-not-exists --topic playback-events-dlq", "--bootstrap-server kafka:9093 --create --if-not-exists --topic playback-events-dlq", "service kafka-init: Kafka advertises no listener at kafka:9093" },
        { Compose, "ANALYTICS_Kafka__GroupId:", "ANALYTICS_Kafka__Group:", "ANALYTICS_Kafka__Group names no setting of Kafka" },
        { Compose, "ANALYTICS_Sink__Database:", "ANALYTICS_Sinks__Database:", "Sinks is not a section" },
        { Compose, "ANALYTICS_Processor__Windows: 10s,1m", "ANALYTICS_Processor__Windows: 10s,1x", "Processor:Windows must be a duration" },
        { Compose, "ANALYTICS_Processor__Windows: 10s,1m", "ANALYTICS_Processor__Windows: 10s,10s", "Windows must not repeat a size" },
        { Compose, "ANALYTICS_Processor__Windows: 10s,1m", "ANALYTICS_Processor__Windows: 10s,5m", "need table qoe_delivery_5m" },
        { Compose, "ANALYTICS_ClickHouse__Backend: http", "ANALYTICS_ClickHouse__Backend: chdb", "the image has no chDB" },
        { Compose, "ANALYTICS_ClickHouse__Http__Url: http://clickhouse:8123", "ANALYTICS_ClickHouse__Http__Url: http://clickhouse:9000", "is not the clickhouse service's HTTP interface" },
        { Compose, "ANALYTICS_ClickHouse__Http__User: analytics", "ANALYTICS_ClickHouse__Http__User: processor", "User processor is not defined by a mounted users.d file" },
        { Compose, "ANALYTICS_ClickHouse__Http__Password: ${CLICKHOUSE_PROCESSOR_PASSWORD:-change-me}", "ANALYTICS_ClickHouse__Http__Password: ${CLICKHOUSE_PROCESSOR_PASSWORD:-changed}", "Password is not the password users.d gives analytics" },
        { Compose, "ANALYTICS_ClickHouse__Http__Database: analytics", "ANALYTICS_ClickHouse__Http__Database: qoe", "Database qoe must exist before the first request" },
        { Compose, "ANALYTICS_Kafka__DeadLetterTopic: playback-events-dlq", "ANALYTICS_Kafka__DeadLetterTopic: dead-letters", "uses topic dead-letters, which nothing creates" },
        { Compose, "--topic playback-events --partitions 12 ", "--topic playback-events ", "must give --topic and --partitions" },
        { Compose, "command: [\"run\"]", "command: [\"migrate\"]", "the processor is `run`" },
        { Compose, "command: [\"run\"]", "command: [\"run\", \"--bootsrap\", \"kafka:9092\"]", "the CLI refuses its command line" },
        { Compose, "command: [\"run\"]", "command: [\"run\", \"--bounded\"]", "does not know which setting --bounded" },
        { Compose, "      start_period: 60s\n    restart: unless-stopped\n", "      start_period: 60s\n", "restart is unset" },
        { Compose, "      kafka-init:\n        condition: service_completed_successfully\n      clickhouse:", "      clickhouse:", "must wait for kafka-init to create the topics" },
        { Compose, "      clickhouse:\n        condition: service_healthy\n    # On SIGTERM", "      clickhouse-server:\n        condition: service_healthy\n    # On SIGTERM", "depends on clickhouse-server, which is not a service" },
        { Compose, "      clickhouse:\n        condition: service_healthy\n    # On SIGTERM", "      clickhouse:\n        condition: service_healthy\n      simulator:\n        condition: service_started\n    # On SIGTERM", "always runs but depends on simulator" },
        { Compose, "    image: apache/kafka:3.9.1\n    depends_on:\n      kafka:\n        condition: service_healthy", "    image: apache/kafka:3.9.1\n    depends_on:\n      kafka:\n        condition: service_started", "must wait for kafka to be healthy" },
        { Compose, "      test: [\"CMD-SHELL\", \"wget", "      disable: true\n      test: [\"CMD-SHELL\", \"wget", "waits for clickhouse to be healthy, but clickhouse has no healthcheck" },
        { Compose, "    restart: \"no\"", "    restart: on-failure\n    profiles: [\"setup\"]", "only runs in profile setup" },
        { Compose, "    restart: \"no\"", "    restart: unless-stopped", "restarts (unless-stopped) and never completes" },
        { Compose, "    restart: \"no\"", "    restart: no", "restart: no is a YAML boolean" },
        { Compose, "KAFKA_AUTO_CREATE_TOPICS_ENABLE: \"false\"", "KAFKA_AUTO_CREATE_TOPICS_ENABLE: false", "KAFKA_AUTO_CREATE_TOPICS_ENABLE: false is a YAML boolean" },
        { Compose, "./deploy/clickhouse/users.d/analytics.xml:", "./deploy/clickhouse/users.d/missing.xml:", "mounts ./deploy/clickhouse/users.d/missing.xml, which is not in the repository" },
        { Compose, "./deploy/clickhouse/users.d/analytics.xml:/etc/clickhouse-server/users.d/analytics.xml:ro", "./deploy/clickhouse/users.d:/etc/clickhouse-server/users.d:ro", "mounts a directory over /etc/clickhouse-server/users.d" },
        { Compose, "./deploy/clickhouse/users.d/analytics.xml:", "/srv/analytics/users.xml:", "a host-specific path" },
        { Compose, "  clickhouse-data:\n", string.Empty, "volume clickhouse-data, which the top-level volumes do not declare" },
        { Compose, "      dockerfile: Dockerfile\n    image: analytics:latest\n    command: [\"run\"]", "      dockerfile: Dockerfile.processor\n    image: analytics:latest\n    command: [\"run\"]", "builds with Dockerfile.processor, which is not in its context" },
        { Compose, "clickhouse/clickhouse-server:25.8", "clickhouse/clickhouse-server:24.3", "ClickHouse 24.3 is too old" },
        { Compose, "clickhouse/clickhouse-server:25.8", "clickhouse/clickhouse-server:latest", "must pin a version" },
        { Compose, "127.0.0.1:${CLICKHOUSE_HTTP_PORT:-8123}:8123", "127.0.0.1:${KAFKA_HOST_PORT:-9094}:8123", "both publish host port 127.0.0.1:9094" },
        { Compose, "    profiles: [\"demo\"]\n", string.Empty, "must only run in the demo profile" },
        { Compose, "ANALYTICS_Simulator__LateFraction: \"0.002\"", "ANALYTICS_Simulator__LateFraction: \"1.5\"", "LateFraction must be a fraction between 0 and 1" },
        { Compose, "elasticsearch/elasticsearch:8.17.0", "elasticsearch/elasticsearch:7.17.25", "is not 8.x" },
        { Compose, "image: docker.elastic.co/elasticsearch/elasticsearch:8.17.0", "image: elasticsearch:8.17.0", "is not the official docker.elastic.co/elasticsearch/elasticsearch" },
        { Compose, "discovery.type: single-node", "discovery.type: multi-node", "must be single-node" },
        { Compose, "xpack.security.enabled: \"false\"", "xpack.security.enabled: \"true\"", "xpack.security.enabled is not \"false\"" },
        { Compose, "      - elasticsearch-data:/usr/share/elasticsearch/data\n", string.Empty, "/usr/share/elasticsearch/data is not on a named volume" },
        { Compose, "_cluster/health?wait_for_status=yellow", "_cat/indices?", "healthcheck must ask _cluster/health" },
        { Compose, "\"127.0.0.1:${ELASTICSEARCH_HTTP_PORT:-9200}:9200\"", "\"${ELASTICSEARCH_HTTP_PORT:-9200}:9200\"", "beyond loopback" },
        { Compose, "      elasticsearch:\n        condition: service_healthy", "      elasticsearch:\n        condition: service_started", "must wait for elasticsearch to be healthy" },
        { Compose, "ELASTICSEARCH_URL: http://elasticsearch:9200", "ELASTICSEARCH_URL: http://elasticsearch:9300", "is not the elasticsearch service's HTTP interface" },
        { Compose, "ELASTICSEARCH_URL: http://elasticsearch:9200", "ELASTICSEARCH_URL: https://localhost:9200", "is not the elasticsearch service's HTTP interface" },
        { Compose, "      ELASTICSEARCH_URL: http://elasticsearch:9200\n", string.Empty, "ELASTICSEARCH_URL is not set" },
        { Compose, "  elasticsearch-data:\n", string.Empty, "volume elasticsearch-data, which the top-level volumes do not declare" },
        { Users, "from_env=\"CLICKHOUSE_PROCESSOR_PASSWORD\"", "from_env=\"CLICKHOUSE_PASSWORD\"", "reads analytics's password from CLICKHOUSE_PASSWORD, which the service does not set" },
        { Users, "<ip>::/0</ip>", "<ip>::1</ip>", "may connect only from [::1]" },
        { Users, "GRANT ALL ON analytics.*", "GRANT ALL ON qoe.*", "has no grant on analytics.*" },
        { Users, "<query>GRANT CREATE FUNCTION, DROP FUNCTION ON *.*</query>", string.Empty, "may not CREATE FUNCTION ON *.*" },
        { Users, "<analytics>", "<analytics_rw>", "is not well-formed XML" },
        { Config, "<default_database>analytics</default_database>", "<default_database>default</default_database>", "the server creates only its default_database, default" },
    };

    [Fact]
    public void The_committed_stack_is_consistent()
    {
        Assert.Empty(ComposeStackValidator.Validate(RepositoryFiles.Checkout));
    }

    [Fact]
    public void The_stack_stays_consistent_when_the_password_and_ports_are_chosen_by_the_host()
    {
        var variables = new Dictionary<string, string>
        {
            ["CLICKHOUSE_PROCESSOR_PASSWORD"] = "s3cret-from-.env",
            ["KAFKA_HOST_PORT"] = "19094",
            ["CLICKHOUSE_HTTP_PORT"] = "18123",
            ["ELASTICSEARCH_HTTP_PORT"] = "19200",
        };

        Assert.Empty(ComposeStackValidator.Validate(RepositoryFiles.Checkout, variables));
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, variables);
        var processor = ServiceSettings.Read(compose.Services["processor"], [])!;
        Assert.Equal("s3cret-from-.env", processor.Settings.Http.Password);
        Assert.Equal("s3cret-from-.env", compose.Services["clickhouse"].Environment["CLICKHOUSE_PROCESSOR_PASSWORD"]);
        Assert.Contains("HOST://localhost:19094", compose.Services["kafka"].Environment["KAFKA_ADVERTISED_LISTENERS"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_processor_runs_as_the_task_asks()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, NoVariables);
        var problems = new List<string>();
        var processor = ServiceSettings.Read(compose.Services["processor"], problems)!;

        Assert.Empty(problems);
        Assert.Equal("run", processor.Command);
        Assert.Equal("kafka:9092", processor.Settings.Kafka.BootstrapServers);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], processor.Settings.Processor.Windows);
        Assert.Equal("analytics-processor", processor.Settings.Kafka.GroupId);
        Assert.Equal("http", processor.Settings.ClickHouse.Backend);
        Assert.Equal("http://clickhouse:8123", processor.Settings.Http.Url);
        Assert.Equal("change-me", processor.Settings.Http.Password);
        Assert.Equal("unless-stopped", compose.Services["processor"].Restart);
        Assert.Contains("playback-events --partitions 12", string.Join('\n', compose.Services["kafka-init"].Command!), StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulator_only_runs_in_the_demo_profile_and_sends_where_the_processor_reads()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, NoVariables);
        var problems = new List<string>();
        var simulator = ServiceSettings.Read(compose.Services["simulator"], problems)!;
        var processor = ServiceSettings.Read(compose.Services["processor"], problems)!;

        Assert.Empty(problems);
        Assert.Equal(["demo"], compose.Services["simulator"].Profiles);
        Assert.Equal("simulate", simulator.Command);
        Assert.Equal(2000, simulator.Settings.Simulator.EventsPerSecond);
        Assert.Equal(processor.Settings.Kafka.BootstrapServers, simulator.Settings.Kafka.BootstrapServers);
        Assert.Equal(processor.Settings.Kafka.Topic, simulator.Settings.Kafka.Topic);
    }

    [Fact]
    public void Grafana_installs_the_clickhouse_plugin_and_provisions_the_datasource_and_dashboards_it_mounts()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, new Dictionary<string, string> { ["CLICKHOUSE_GRAFANA_PASSWORD"] = "ro-secret" });
        var grafana = compose.Services["grafana"];
        var root = RepositoryFiles.Checkout.Root;
        string Mounted(string target) => Path.Combine(root, grafana.Volumes.Single(m => m.Target == target).Source!);

        Assert.Equal("grafana-clickhouse-datasource", grafana.Environment["GF_INSTALL_PLUGINS"]);
        Assert.Equal("service_healthy", grafana.DependsOn["clickhouse"]);
        Assert.Contains("/api/health", string.Join(' ', grafana.Healthcheck!), StringComparison.Ordinal);
        Assert.Equal(["127.0.0.1:3000:3000"], grafana.Ports);

        // The datasource logs in as ClickHouse's read-only user, with the password ClickHouse is given.
        var datasource = File.ReadAllText(Path.Combine(Mounted("/etc/grafana/provisioning/datasources"), "clickhouse.yaml"));
        Assert.Contains("type: grafana-clickhouse-datasource", datasource, StringComparison.Ordinal);
        Assert.Contains("username: grafana", datasource, StringComparison.Ordinal);
        Assert.Contains("${CLICKHOUSE_GRAFANA_PASSWORD}", datasource, StringComparison.Ordinal);
        Assert.Equal("ro-secret", grafana.Environment["CLICKHOUSE_GRAFANA_PASSWORD"]);
        Assert.Equal("ro-secret", compose.Services["clickhouse"].Environment["CLICKHOUSE_GRAFANA_PASSWORD"]);
        Assert.Contains("<grafana>", File.ReadAllText(Path.Combine(root, "deploy/clickhouse/users.d/analytics.xml")), StringComparison.Ordinal);

        // The dashboards provider reads the folder the dashboards are mounted at.
        var provider = File.ReadAllText(Path.Combine(Mounted("/etc/grafana/provisioning/dashboards"), "analytics.yaml"));
        var dashboards = grafana.Volumes.Single(m => m.Source == "./dashboards");
        Assert.Contains($"path: {dashboards.Target}", provider, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(root, "dashboards"), "*.json"));
    }

    [Fact]
    public void The_alert_service_waits_for_elasticsearch_and_is_pointed_at_it()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, NoVariables);
        var elasticsearch = compose.Services["elasticsearch"];
        var alerting = compose.Services["alerting"];

        Assert.Equal("service_healthy", alerting.DependsOn["elasticsearch"]);
        Assert.Equal("http://elasticsearch:9200", alerting.Environment["ELASTICSEARCH_URL"]);
        Assert.Equal("single-node", elasticsearch.Environment["discovery.type"]);
        Assert.Contains("_cluster/health", string.Join(' ', elasticsearch.Healthcheck!), StringComparison.Ordinal);
        Assert.Contains(elasticsearch.Volumes, m => m is { Type: "volume", Source: "elasticsearch-data", Target: "/usr/share/elasticsearch/data" });
        Assert.Equal(["127.0.0.1:9200:9200"], elasticsearch.Ports);
    }

    [Theory]
    [MemberData(nameof(BrokenStacks))]
    public void A_broken_stack_is_rejected(string file, string find, string replacement, string expectedProblem)
    {
        var broken = RepositoryFiles.Checkout.Edit(file, text => text.Replace(find, replacement, StringComparison.Ordinal));

        var problems = ComposeStackValidator.Validate(broken);

        output.WriteLine(string.Join('\n', problems));
        Assert.True(
            problems.Any(p => p.Contains(expectedProblem, StringComparison.Ordinal)),
            $"Expected a problem containing \"{expectedProblem}\"; got:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void A_file_that_is_not_yaml_is_rejected()
    {
        var broken = RepositoryFiles.Checkout.With(Compose, "services:\n  kafka: [unclosed\n");

        Assert.Contains(ComposeStackValidator.Validate(broken), p => p.Contains("is not a Compose file", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_mounted_file_and_the_build_inputs_exist()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, NoVariables);
        var binds = compose.Services.Values.SelectMany(s => s.Volumes).Where(m => m.Type == "bind").ToList();

        Assert.NotEmpty(binds);
        Assert.All(binds, m => Assert.True(Path.Exists(Path.Combine(RepositoryFiles.Checkout.Root, m.Source!)), m.Source));
        Assert.All(
            compose.Services.Values.Where(s => s.Build is not null),
            s => Assert.True(File.Exists(Path.Combine(RepositoryFiles.Checkout.Root, s.Build!.Context, s.Build.Dockerfile)), s.Name));
    }
}
