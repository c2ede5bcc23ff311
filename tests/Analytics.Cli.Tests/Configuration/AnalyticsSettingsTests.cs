using Analytics.Cli.Configuration;
using Analytics.Cli.Tests.Deployment;
using Analytics.Common;

namespace Analytics.Cli.Tests.Configuration;

public sealed class AnalyticsSettingsTests
{
    [Fact]
    public void Without_settings_every_section_has_its_defaults()
    {
        var settings = AnalyticsSettings.Load([]);

        Assert.Equal("127.0.0.1:9092", settings.Kafka.BootstrapServers);
        Assert.Equal("playback-events", settings.Kafka.Topic);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], settings.Processor.Windows);
        Assert.Equal("chdb", settings.ClickHouse.Backend);
        Assert.Equal(settings.Sink.Database, settings.Endpoint.DefaultDatabase);
        Assert.Equal("clickhouse", Path.GetFileName(settings.ChDb.Path));
    }

    [Theory]
    [InlineData("ANALYTICS_Kafka__Topic", "Kafka:Topic")]
    [InlineData("ANALYTICS_ClickHouse__Http__Url", "ClickHouse:Http:Url")]
    [InlineData("ANALYTICS_ClickHouse__ChDb__Path", "ClickHouse:ChDb:Path")]
    [InlineData("analytics_Sink__Database", "Sink:Database")]
    [InlineData("OTHER_Kafka__Topic", null)]
    public void Environment_variable_names_become_keys_as_the_environment_provider_reads_them(string variable, string? key)
    {
        Assert.Equal(key, ServiceSettings.SettingKey(variable));
    }

    [Fact]
    public void Environment_style_keys_reach_every_section_including_the_nested_ones()
    {
        var environment = new Dictionary<string, string>
        {
            ["ANALYTICS_Kafka__BootstrapServers"] = "kafka:9092",
            ["ANALYTICS_Processor__Windows"] = "10s,1m",
            ["ANALYTICS_Sink__FlushInterval"] = "500ms",
            ["ANALYTICS_ClickHouse__Backend"] = "http",
            ["ANALYTICS_ClickHouse__ChDb__Path"] = "/tmp/store",
            ["ANALYTICS_ClickHouse__Http__Url"] = "http://clickhouse:8123",
            ["ANALYTICS_ClickHouse__Endpoint__Port"] = "18123",
            ["ANALYTICS_Simulator__Seed"] = "7",
            ["ANALYTICS_Broker__Partitions"] = "12",
        };

        var settings = AnalyticsSettings.Load(environment.Select(e => new KeyValuePair<string, string?>(ServiceSettings.SettingKey(e.Key)!, e.Value)));

        Assert.Equal("kafka:9092", settings.Kafka.BootstrapServers);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], settings.Processor.Windows);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.Sink.FlushInterval);
        Assert.Equal("http", settings.ClickHouse.Backend);
        Assert.Equal("/tmp/store", settings.ChDb.Path);
        Assert.Equal("http://clickhouse:8123", settings.Http.Url);
        Assert.Equal(18123, settings.Endpoint.Port);
        Assert.Equal(7UL, settings.Simulator.Seed);
        Assert.Equal(12, settings.Broker.Partitions);
    }

    [Fact]
    public void The_endpoint_serves_the_sink_database_unless_told_otherwise()
    {
        Assert.Equal("qoe", AnalyticsSettings.Load(Overrides(("Sink:Database", "qoe"))).Endpoint.DefaultDatabase);
        Assert.Equal("other", AnalyticsSettings.Load(Overrides(("Sink:Database", "qoe"), ("ClickHouse:Endpoint:DefaultDatabase", "other"))).Endpoint.DefaultDatabase);
    }

    [Fact]
    public void Keys_match_sections_and_settings_ignoring_case()
    {
        Assert.Equal("from-lowercase", AnalyticsSettings.Load(Overrides(("kafka:topic", "from-lowercase"))).Kafka.Topic);
        Assert.Equal("http://x:1", AnalyticsSettings.Load(Overrides(("clickhouse:http:url", "http://x:1"))).Http.Url);
    }

    [Fact]
    public void An_unknown_section_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<OptionsValidationException>(() => AnalyticsSettings.Load(Overrides(("Kafak:Topic", "t"))));

        Assert.Equal("settings", error.Component);
        Assert.Equal("Kafak", error.Key);
        Assert.Contains("known sections: Kafka, Processor, Sink, ClickHouse, Simulator, Broker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_a_section_is_refused()
    {
        var error = Assert.Throws<OptionsValidationException>(() => AnalyticsSettings.Load(Overrides(("ClickHouse:Htp:Url", "http://x:1"))));

        Assert.Equal("Htp", error.Key);
        Assert.Contains("known settings: Backend", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http", "analytics", null)]
    [InlineData("http", "", null)]
    [InlineData("http", "my-cluster", "must be empty or a cluster name")]
    [InlineData("chdb", "analytics", "needs Backend \"http\"")]
    public void A_cluster_is_a_plain_name_and_needs_a_server(string backend, string cluster, string? error)
    {
        var settings = AnalyticsSettings.Load(Overrides(("ClickHouse:Backend", backend), ("ClickHouse:Cluster", cluster)));

        if (error is null)
        {
            Assert.Equal(cluster, settings.ClickHouse.Validate().Cluster);
        }
        else
        {
            var refused = Assert.Throws<OptionsValidationException>(() => settings.ClickHouse.Validate());
            Assert.Equal("Cluster", refused.Key);
            Assert.Contains(error, refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Overrides_beat_the_config_file_and_the_file_beats_the_defaults()
    {
        var file = Path.Combine(Path.GetTempPath(), $"analytics-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """
            {
              "Kafka": { "Topic": "from-file", "GroupId": "group-from-file" },
              "Processor": { "Windows": [ "10s", "1m" ] },
              "ClickHouse": { "Http": { "User": "file-user" } }
            }
            """);
        try
        {
            var settings = AnalyticsSettings.Load(Overrides(("Kafka:Topic", "from-override")), file);

            Assert.Equal("from-override", settings.Kafka.Topic);
            Assert.Equal("group-from-file", settings.Kafka.GroupId);
            Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], settings.Processor.Windows);
            Assert.Equal("file-user", settings.Http.User);
            Assert.Equal("analytics", settings.Kafka.ClientId);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_config_file_is_refused_by_name()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-settings-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<OptionsValidationException>(() => AnalyticsSettings.Load([], missing));

        Assert.Equal("--config", error.Key);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_section_binds_onto_an_options_record_with_a_validate_method()
    {
        Assert.All(AnalyticsSettings.Sections, section =>
        {
            Assert.NotNull(section.Value.GetMethod("Validate", Type.EmptyTypes));
            Assert.NotEmpty(OptionsBinder.Settable(section.Value));
        });
    }

    private static IEnumerable<KeyValuePair<string, string?>> Overrides(params (string Key, string Value)[] values)
        => values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value));
}
