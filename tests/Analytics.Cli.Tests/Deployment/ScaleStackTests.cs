using Xunit.Abstractions;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// docker-compose.scale.yml cannot run here (no Docker, no Keeper), so it is checked statically against the
/// code and the cluster files it mounts; every check is shown to reject a copy broken the way it guards against.
/// </summary>
public sealed class ScaleStackTests(ITestOutputHelper output)
{
    private const string Compose = ScaleStackValidator.ComposePath;
    private const string Cluster = "deploy/clickhouse-cluster/config.d/cluster.xml";
    private const string Macros2 = "deploy/clickhouse-cluster/config.d/macros-02.xml";
    private const string Keeper = "deploy/clickhouse-cluster/keeper/keeper_config.xml";
    private const string Users = "deploy/clickhouse-cluster/users.d/analytics.xml";

    public static TheoryData<string, string, string, string> BrokenStacks => new()
    {
        // File, text to replace, replacement, a fragment of the problem it must cause.
        { Compose, "      KAFKA_NODE_ID: 3\n", "      KAFKA_NODE_ID: 2\n", "share KAFKA_NODE_ID 2" },
        { Compose, "    environment:\n      <<: *kafka-env\n      KAFKA_NODE_ID: 3\n", "    environment:\n      <<: *kafka-env\n      CLUSTER_ID: AAAAAAAAAAAAAAAAAAAAAA\n      KAFKA_NODE_ID: 3\n", "disagree on CLUSTER_ID" },
        { Compose, "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", "1@kafka-1:9093,2@kafka-2:9093", "does not list node 3" },
        { Compose, "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 3", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 4", "must be at most the 3 brokers" },
        { Compose, "--topic playback-events --partitions 12 --replication-factor 3", "--topic playback-events --partitions 12 --replication-factor 2", "playback-events must have --replication-factor 3" },
        { Compose, "--topic cdn-steering --partitions 3 --replication-factor 3 --config min.insync.replicas=2", "--topic cdn-steering --partitions 3 --replication-factor 3", "cdn-steering must have --replication-factor 3 and --config min.insync.replicas=2" },
        { Compose, "      kafka-3:\n        condition: service_healthy\n    command:", "    command:", "must wait for kafka-3 to be healthy before creating topics" },
        { Compose, "ANALYTICS_Kafka__BootstrapServers: kafka-1:9092,kafka-2:9092,kafka-3:9092", "ANALYTICS_Kafka__BootstrapServers: kafka-1:9092,kafka-4:9092", "Kafka bootstrap kafka-4:9092 is not a broker service" },
        { Compose, "      ANALYTICS_Processor__InstanceId: processor-2\n", "      ANALYTICS_Processor__InstanceId: processor-1\n", "share Processor:InstanceId processor-1" },
        { Compose, "      ANALYTICS_Processor__InstanceId: processor-2\n", "      ANALYTICS_Processor__InstanceId: processor-2\n      ANALYTICS_Kafka__GroupId: analytics-processor-2\n", "different consumer groups" },
        { Compose, "      ANALYTICS_ClickHouse__Cluster: analytics\n", "      ANALYTICS_ClickHouse__Cluster: qoe\n", "defines no cluster qoe in remote_servers" },
        { Compose, "      ANALYTICS_ClickHouse__Cluster: analytics\n", string.Empty, "ClickHouse:Cluster is not set" },
        { Compose, "      ANALYTICS_Processor__InstanceId: processor-2\n", "      ANALYTICS_Processor__InstanceId: processor-2\n      ANALYTICS_ClickHouse__Cluster: \"\"\n", "its start-up migration check would render another schema" },
        { Compose, "    command: [\"migrate\"]", "    command: [\"run\"]", "runs `run`, not `migrate`" },
        { Compose, "      migrate:\n        condition: service_completed_successfully\n", string.Empty, "must wait for migrate to complete" },
        { Compose, "      clickhouse-02:\n        condition: service_healthy\n    restart: \"no\"", "    restart: \"no\"", "service migrate: must wait for clickhouse-02" },
        { Compose, "ANALYTICS_ClickHouse__Http__Url: http://clickhouse-02:8123", "ANALYTICS_ClickHouse__Http__Url: http://clickhouse-03:8123", "is not the clickhouse-01 service's HTTP interface" },
        { Compose, "      - ./deploy/clickhouse-cluster/config.d/macros-02.xml:/etc/clickhouse-server/config.d/macros.xml:ro\n", "      - ./deploy/clickhouse-cluster/config.d/macros-01.xml:/etc/clickhouse-server/config.d/macros.xml:ro\n", "replica macro clickhouse-01 is also clickhouse-01's" },
        { Compose, "      CLICKHOUSE_CLUSTER_SECRET: ${CLICKHOUSE_CLUSTER_SECRET:-change-me-as-well}\n", string.Empty, "the cluster secret is read from CLICKHOUSE_CLUSTER_SECRET, which the service does not set" },
        { Compose, "      test: [\"CMD-SHELL\", \"exec 3<>", "      disable: true\n      test: [\"CMD-SHELL\", \"exec 3<>", "Keeper has no healthcheck" },
        { Compose, "  processor-2:\n    <<: *processor\n", "  processor-2:\n    <<: *processor\n    command: [\"simulate\"]\n", "runs 1 processor(s)" },
        { Compose, "./deploy/clickhouse-cluster/keeper/keeper_config.xml:", "./deploy/clickhouse-cluster/keeper/missing.xml:", "mounts no /etc/clickhouse-keeper/keeper_config.xml from the repository" },
        { Cluster, "<host>clickhouse-02</host>", "<host>clickhouse-03</host>", "lists host clickhouse-03, which is not a ClickHouse service" },
        { Cluster, "<host>keeper</host>", "<host>zookeeper</host>", "Keeper host zookeeper is not a Keeper service" },
        { Cluster, "<port>9181</port>", "<port>2181</port>", "Keeper keeper listens on 9181, not 2181" },
        { Cluster, "<internal_replication>true</internal_replication>\n        <replica>\n          <host>clickhouse-02", "<internal_replication>false</internal_replication>\n        <replica>\n          <host>clickhouse-02", "without internal_replication true" },
        { Cluster, "<analytics>", "<analytics_cluster>", "is not well-formed XML" },
        { Macros2, "<shard>02</shard>", "<shard>01</shard>", "shard macro 01 is also that of shard 1" },
        { Macros2, "<interserver_http_host>clickhouse-02</interserver_http_host>", "<interserver_http_host>localhost</interserver_http_host>", "interserver_http_host localhost is not this service" },
        { Keeper, "<hostname>keeper</hostname>", "<hostname>keeper-1</hostname>", "raft_configuration lists keeper-1, which is not a Keeper service" },
        { Users, "<query>GRANT CLUSTER ON *.*</query>", string.Empty, "has no GRANT CLUSTER ON *.*" },
    };

    [Fact]
    public void The_committed_scale_out_stack_is_consistent()
    {
        Assert.Empty(ScaleStackValidator.Validate(RepositoryFiles.Checkout));
    }

    [Fact]
    public void Two_processors_share_the_group_with_distinct_instance_ids_and_the_cluster_name_the_nodes_define()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read(Compose)!, new Dictionary<string, string>());
        var problems = new List<string>();
        var one = ServiceSettings.Read(compose.Services["processor-1"], problems)!.Settings;
        var two = ServiceSettings.Read(compose.Services["processor-2"], problems)!.Settings;
        var migrate = ServiceSettings.Read(compose.Services[ScaleStackValidator.Migrate], problems)!.Settings;

        Assert.Empty(problems);
        Assert.Equal(one.Kafka.GroupId, two.Kafka.GroupId);
        Assert.NotEqual(one.Processor.InstanceId, two.Processor.InstanceId);
        Assert.Equal("analytics", migrate.ClickHouse.Cluster);
        Assert.Equal(migrate.ClickHouse.Cluster, one.ClickHouse.Cluster);
        Assert.Equal("kafka-1:9092,kafka-2:9092,kafka-3:9092", one.Kafka.BootstrapServers);
        Assert.Equal(["http://clickhouse-01:8123", "http://clickhouse-02:8123"], [one.Http.Url, two.Http.Url]);
        Assert.Contains("<analytics>", RepositoryFiles.Checkout.Read(Cluster)!, StringComparison.Ordinal);

        // Merge keys are applied as Compose applies them: processor-2 overrides what it sets, keeps the rest.
        Assert.Equal("service_completed_successfully", compose.Services["processor-2"].DependsOn[ScaleStackValidator.Migrate]);
        Assert.Equal("unless-stopped", compose.Services["processor-2"].Restart);
    }

    [Theory]
    [MemberData(nameof(BrokenStacks))]
    public void A_broken_scale_out_stack_is_rejected(string file, string find, string replacement, string expectedProblem)
    {
        var original = RepositoryFiles.Checkout.Read(file)!;
        Assert.Contains(find, original, StringComparison.Ordinal);
        var broken = RepositoryFiles.Checkout.Edit(file, text => text.Replace(find, replacement, StringComparison.Ordinal));

        var problems = ScaleStackValidator.Validate(broken);

        output.WriteLine(string.Join('\n', problems));
        Assert.True(
            problems.Any(p => p.Contains(expectedProblem, StringComparison.Ordinal)),
            $"Expected a problem containing \"{expectedProblem}\"; got:\n{string.Join('\n', problems)}");
    }
}
