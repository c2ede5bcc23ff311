using Analytics.Cli.Configuration;
using Analytics.Common;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Configuration;

namespace Analytics.Cli.Tests.Configuration;

public sealed class OptionsBinderTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 10s ", 10_000)]
    [InlineData("00:00:10", 10_000)]
    public void Reads_durations_as_people_write_them(string text, long milliseconds)
    {
        var options = Bind("Processor", new ProcessorOptions(), ("Processor:OutOfOrderness", text));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.OutOfOrderness);
    }

    [Fact]
    public void Reads_a_list_written_with_commas()
    {
        var options = Bind("Processor", new ProcessorOptions(), ("Processor:Windows", "10s, 1m"), ("Processor:Cubes", "delivery,content"));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], options.Windows);
        Assert.Equal(["delivery", "content"], options.Cubes);
    }

    [Fact]
    public void Reads_a_list_written_as_indexed_children_in_index_order()
    {
        var options = Bind("Processor", new ProcessorOptions(), ("Processor:Windows:1", "1m"), ("Processor:Windows:0", "10s"));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], options.Windows);
    }

    [Theory]
    [InlineData("Unpaced", nameof(SimulationPacing.Unpaced))]
    [InlineData("unpaced", nameof(SimulationPacing.Unpaced))]
    [InlineData("REAL_TIME", nameof(SimulationPacing.RealTime))]
    public void Reads_enums_by_name_ignoring_case_and_underscores(string text, string expected)
    {
        Assert.Equal(Enum.Parse<SimulationPacing>(expected), Bind("Simulator", new SimulatorOptions(), ("Simulator:Pacing", text)).Pacing);
    }

    [Fact]
    public void Reads_kafka_protocol_names_as_kafka_writes_them()
    {
        var options = Bind("Kafka", new KafkaOptions { BootstrapServers = "k:9092" }, ("Kafka:SecurityProtocol", "SASL_SSL"), ("Kafka:SaslMechanism", "SCRAM-SHA-512".Replace("-", "_", StringComparison.Ordinal)));

        Assert.Equal(Confluent.Kafka.SecurityProtocol.SaslSsl, options.SecurityProtocol);
        Assert.Equal(Confluent.Kafka.SaslMechanism.ScramSha512, options.SaslMechanism);
    }

    [Fact]
    public void An_unknown_enum_name_is_refused_with_the_names_it_accepts()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Simulator", new SimulatorOptions(), ("Simulator:Pacing", "fast")));

        Assert.Equal("Simulator:Pacing", error.Key);
        Assert.Contains("\"fast\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("one of RealTime, Unpaced", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("OFF", false)]
    public void Reads_booleans_in_their_usual_spellings(string text, bool expected)
    {
        Assert.Equal(expected, Bind("ClickHouse:Http", new ClickHouseHttpOptions(), ("ClickHouse:Http:Compress", text)).Compress);
    }

    [Fact]
    public void A_bad_boolean_is_refused_naming_the_key_and_the_value()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("ClickHouse:Http", new ClickHouseHttpOptions(), ("ClickHouse:Http:Compress", "maybe")));

        Assert.Equal("ClickHouse:Http:Compress", error.Key);
        Assert.Contains("ClickHouse:Http:Compress", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"maybe\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_number_is_refused_naming_the_key_the_value_and_the_type()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Sink", new SinkOptions(), ("Sink:MaxBatchRows", "lots")));

        Assert.Equal("Sink", error.Component);
        Assert.Equal("Sink:MaxBatchRows", error.Key);
        Assert.Equal("lots", error.Value);
        Assert.Contains("must be a whole number", error.Message, StringComparison.Ordinal);
        Assert.Contains("(got \"lots\")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_duration_is_refused_with_how_to_write_one()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Processor", new ProcessorOptions(), ("Processor:IdleTimeout", "soon")));

        Assert.Equal("Processor:IdleTimeout", error.Key);
        Assert.Contains("a duration such as 500ms, 10s, 2m or 4m30s", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"soon\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_item_of_a_list_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Processor", new ProcessorOptions(), ("Processor:Windows", "10s,often")));

        Assert.Equal("Processor:Windows", error.Key);
        Assert.Contains("\"often\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_refused_with_every_known_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Sink", new SinkOptions(), ("Sink:MaxBatchRow", "10")));

        Assert.Equal("MaxBatchRow", error.Key);
        Assert.Equal("Sink", error.Component);
        Assert.Contains("is not a setting", error.Message, StringComparison.Ordinal);
        Assert.All(
            OptionsBinder.Settable(typeof(SinkOptions)).Select(p => p.Name),
            name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Nullable_settings_read_empty_as_unset()
    {
        var defaults = new SimulatorOptions { EventsPerSecond = 100 };

        Assert.Null(Bind("Simulator", defaults, ("Simulator:EventsPerSecond", string.Empty)).EventsPerSecond);
        Assert.Equal(2500.5, Bind("Simulator", defaults, ("Simulator:EventsPerSecond", "2500.5")).EventsPerSecond);
        Assert.Equal(TimeSpan.FromMinutes(10), Bind("Simulator", new SimulatorOptions(), ("Simulator:Duration", "10m")).Duration);
    }

    [Fact]
    public void A_map_setting_takes_its_entries_from_child_keys()
    {
        var options = Bind("Kafka", new KafkaOptions { BootstrapServers = "k:9092" }, ("Kafka:Properties:linger.ms", "5"), ("Kafka:Properties:consumer.fetch.min.bytes", "1"));

        Assert.Equal(new Dictionary<string, string> { ["linger.ms"] = "5", ["consumer.fetch.min.bytes"] = "1" }, options.Properties);
    }

    [Fact]
    public void Binding_starts_from_the_defaults_given_and_leaves_them_untouched()
    {
        var defaults = new SinkOptions { MaxAttempts = 3 };

        var bound = Bind("Sink", defaults, ("Sink:Database", "qoe"));

        Assert.Equal("qoe", bound.Database);
        Assert.Equal(3, bound.MaxAttempts);
        Assert.Equal("analytics", defaults.Database);
        Assert.Equal(defaults, Bind("Sink", defaults));
    }

    [Fact]
    public void Nested_sections_are_left_to_their_own_binding()
    {
        var config = Configuration(("ClickHouse:Backend", "http"), ("ClickHouse:Http:Url", "http://ch:8123"));

        var bound = OptionsBinder.Bind(config, "ClickHouse", new ClickHouseOptions(), new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "ClickHouse:Http" });
        var error = Assert.Throws<OptionsValidationException>(() => OptionsBinder.Bind(config, "ClickHouse", new ClickHouseOptions()));

        Assert.Equal("http", bound.Backend);
        Assert.Equal("Http", error.Key);
    }

    [Fact]
    public void Keys_are_matched_ignoring_case_and_only_settable_properties_are_settings()
    {
        Assert.Equal(nameof(KafkaOptions.BootstrapServers), OptionsBinder.FindProperty(typeof(KafkaOptions), "bootstrapservers")?.Name);
        Assert.Null(OptionsBinder.FindProperty(typeof(ChDbOptions), nameof(ChDbOptions.FullPath)));
        Assert.DoesNotContain(OptionsBinder.Settable(typeof(BrokerHostOptions)), p => p.Name == nameof(BrokerHostOptions.EffectiveReplicationFactor));
        Assert.Contains(OptionsBinder.Settable(typeof(BrokerHostOptions)), p => p.Name == nameof(BrokerHostOptions.ReplicationFactor));
    }

    [Fact]
    public void A_choice_must_be_named_not_numbered()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Simulator", new SimulatorOptions(), ("Simulator:Pacing", "42")));
        Assert.Contains("one of", error.Message, StringComparison.Ordinal);
        Assert.Equal(SimulationPacing.Unpaced, Bind("Simulator", new SimulatorOptions(), ("Simulator:Pacing", "unpaced")).Pacing);
    }

    private static T Bind<T>(string section, T defaults, params (string Key, string Value)[] values)
        where T : class
        => OptionsBinder.Bind(Configuration(values), section, defaults);

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
