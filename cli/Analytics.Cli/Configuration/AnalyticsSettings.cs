using Analytics.Alerts.Delivery;
using Analytics.Alerts.Evaluation;
using Analytics.Common;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.Noc.Wall;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Configuration;

namespace Analytics.Cli.Configuration;

/// <summary>Which ClickHouse the processor writes to and analysts read from.</summary>
internal sealed record ClickHouseOptions
{
    public const string Embedded = "chdb";
    public const string Server = "http";

    /// <summary>"chdb" (the embedded engine, default) or "http" (a ClickHouse server).</summary>
    public string Backend { get; init; } = Embedded;

    /// <summary>
    /// The ClickHouse cluster (its name in the servers' remote_servers) that migrations create the schema on,
    /// ON CLUSTER, sharded and replicated (docs/scale-out.md); empty (default) for a single server.
    /// </summary>
    public string Cluster { get; init; } = string.Empty;

    public ClickHouseOptions Validate()
    {
        if (Backend is not (Embedded or Server))
        {
            throw new OptionsValidationException("ClickHouse", nameof(Backend), $"must be \"{Embedded}\" or \"{Server}\"", Backend);
        }

        if (Cluster.Length > 0 && !ClickHouseSql.IsIdentifier(Cluster))
        {
            throw new OptionsValidationException("ClickHouse", nameof(Cluster), "must be empty or a cluster name (letters, digits and _)", Cluster);
        }

        if (Cluster.Length > 0 && Backend != Server)
        {
            throw new OptionsValidationException("ClickHouse", nameof(Cluster), $"needs Backend \"{Server}\": the embedded engine is one node", Cluster);
        }

        return this;
    }
}

/// <summary>
/// Every component's options, from (lowest to highest precedence) the defaults in each options
/// record, an optional JSON file, environment variables <c>ANALYTICS_Section__Key</c>, and
/// command-line flags. docs/configuration.md lists the keys.
/// </summary>
internal sealed class AnalyticsSettings
{
    public const string EnvironmentPrefix = "ANALYTICS_";

    /// <summary>Every section and the options record it binds to; nested ones are bound on their own.</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["Kafka"] = typeof(KafkaOptions),
        ["Processor"] = typeof(ProcessorOptions),
        ["Sink"] = typeof(SinkOptions),
        ["ClickHouse"] = typeof(ClickHouseOptions),
        ["ClickHouse:ChDb"] = typeof(ChDbOptions),
        ["ClickHouse:Http"] = typeof(ClickHouseHttpOptions),
        ["ClickHouse:Endpoint"] = typeof(ClickHouseQueryEndpointOptions),
        ["Simulator"] = typeof(SimulatorOptions),
        ["Broker"] = typeof(BrokerHostOptions),
        ["Alerting"] = typeof(AlertOptions),
        ["Alerting:Delivery"] = typeof(DeliveryOptions),
        ["Noc"] = typeof(NocWallOptions),
    };

    /// <summary>Environment variables with our prefix that are not settings (read by the scripts and native loaders).</summary>
    private static readonly HashSet<string> PlainVariables = new(StringComparer.OrdinalIgnoreCase) { "HOME", "CHDB_LIB", "LIBRDKAFKA", "TEST_CHILD", "CLICKHOUSE_SERVER" };

    private AnalyticsSettings(IConfiguration configuration)
    {
        foreach (var top in configuration.GetChildren())
        {
            if (!Sections.ContainsKey(top.Key) && !PlainVariables.Contains(top.Key))
            {
                throw new OptionsValidationException("settings", top.Key, $"is not a section; known sections: {string.Join(", ", Sections.Keys.Where(k => !k.Contains(':', StringComparison.Ordinal)))}", top.Value);
            }
        }

        var nested = Sections.Keys.Where(k => k.Contains(':', StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Kafka = OptionsBinder.Bind(configuration, "Kafka", new KafkaOptions { BootstrapServers = "127.0.0.1:9092" });
        Processor = OptionsBinder.Bind(configuration, "Processor", new ProcessorOptions());
        Sink = OptionsBinder.Bind(configuration, "Sink", new SinkOptions());
        ClickHouse = OptionsBinder.Bind(configuration, "ClickHouse", new ClickHouseOptions(), nested);
        ChDb = OptionsBinder.Bind(configuration, "ClickHouse:ChDb", new ChDbOptions { Path = DefaultDataDirectory });
        Http = OptionsBinder.Bind(configuration, "ClickHouse:Http", new ClickHouseHttpOptions());
        Endpoint = OptionsBinder.Bind(configuration, "ClickHouse:Endpoint", new ClickHouseQueryEndpointOptions { DefaultDatabase = Sink.Database });
        Simulator = OptionsBinder.Bind(configuration, "Simulator", new SimulatorOptions());
        Broker = OptionsBinder.Bind(configuration, "Broker", new BrokerHostOptions());
        Alerting = OptionsBinder.Bind(configuration, "Alerting", new AlertOptions(), nested);
        Delivery = OptionsBinder.Bind(configuration, "Alerting:Delivery", new DeliveryOptions()).Validate();
        Noc = OptionsBinder.Bind(configuration, "Noc", new NocWallOptions()).Validate();
    }

    public AlertOptions Alerting { get; }

    public DeliveryOptions Delivery { get; }

    /// <summary>The NOC wall that `demo` and `serve` start beside the query endpoint.</summary>
    public NocWallOptions Noc { get; }

    /// <summary>Where the embedded store lives unless told otherwise: $ANALYTICS_HOME/clickhouse (the ./analytics script sets ANALYTICS_HOME to the repository's .data).</summary>
    public static string DefaultDataDirectory => Path.Combine(Environment.GetEnvironmentVariable("ANALYTICS_HOME") ?? ".data", "clickhouse");

    public KafkaOptions Kafka { get; }

    public ProcessorOptions Processor { get; }

    public SinkOptions Sink { get; }

    public ClickHouseOptions ClickHouse { get; }

    public ChDbOptions ChDb { get; }

    public ClickHouseHttpOptions Http { get; }

    public ClickHouseQueryEndpointOptions Endpoint { get; }

    public SimulatorOptions Simulator { get; }

    public BrokerHostOptions Broker { get; }

    public static AnalyticsSettings Load(IEnumerable<KeyValuePair<string, string?>> overrides, string? file = null)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new OptionsValidationException("settings", "--config", "must name an existing JSON file", file);
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        builder.AddInMemoryCollection(overrides);
        return new AnalyticsSettings(builder.Build());
    }
}
