using Analytics.Alerts.Notifiers.Elasticsearch;
using Analytics.Alerts.OnCall;

namespace Analytics.Alerts.Tests.Notifiers.Elasticsearch;

/// <summary>The <c>elasticsearch:</c> settings: defaults, the URL from the environment, and errors naming the key.</summary>
public sealed class ElasticsearchSettingsTests
{
    private const string Key = "receivers[archive].elasticsearch";

    [Fact]
    public void A_url_alone_is_enough_and_the_indices_get_the_default_prefix()
    {
        var settings = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, "url: http://elasticsearch:9200\n", Key);

        Assert.Equal(new Uri("http://elasticsearch:9200"), settings.Url);
        Assert.Equal("analytics-incidents", settings.IndexPrefix);
        Assert.Empty(settings.Secrets);
    }

    [Fact]
    public void The_url_can_come_from_the_environment_as_docker_compose_sets_it()
    {
        var settings = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, "url_env: ELASTICSEARCH_URL\nindex_prefix: noc\n", Key);

        using var receiver = settings.Create("archive", SampleIncidents.Services(environment: v => v == "ELASTICSEARCH_URL" ? "http://elasticsearch:9200" : null));
        var missing = Assert.Throws<OnCallConfigException>(() => settings.Create("archive", SampleIncidents.Services()));

        Assert.Equal("elasticsearch", receiver.Kind);
        Assert.Equal($"{Key}.url_env", missing.Key);
        Assert.Contains("ELASTICSEARCH_URL is not set", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_are_read_as_secret_references()
    {
        var apiKey = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, "url: https://es.example\napi_key_file: /run/secrets/es\n", Key);
        var basic = ReceiverYaml.Valid<ElasticsearchSettings>(ElasticsearchSettings.Parse, "url: https://es.example\nusername: elastic\npassword_env: ES_PASSWORD\n", Key);

        Assert.Equal($"{Key}.api_key_file", Assert.Single(apiKey.Secrets).Key);
        Assert.Equal("elastic", basic.Username);
        Assert.Equal("ES_PASSWORD", Assert.Single(basic.Secrets).Env);
    }

    [Theory]
    [InlineData("index_prefix: x\n", "give \"url\" (e.g. http://elasticsearch:9200) or \"url_env\"")]
    [InlineData("url: http://es:9200\nurl_env: ES_URL\n", "not both")]
    [InlineData("url: es:9200\n", ".url: \"es:9200\" is not an http or https URL")]
    [InlineData("url: http://es:9200\nindex_prefix: Incidents\n", ".index_prefix: \"Incidents\" is not a valid Elasticsearch index name")]
    [InlineData("url: http://es:9200\nindex_prefix: _hidden\n", ".index_prefix: \"_hidden\" is not a valid Elasticsearch index name")]
    [InlineData("url: http://es:9200\napi_key: abc\n", ".api_key: do not write the secret in the file")]
    [InlineData("url: http://es:9200\napi_key_env: K\nusername: u\npassword_env: P\n", "give an API key or a username and password, not both")]
    [InlineData("url: http://es:9200\nusername: elastic\n", "basic auth needs both \"username\" and \"password_env\"")]
    [InlineData("url: http://es:9200\nindex: x\n", "unknown key \"index\" in receivers[archive].elasticsearch")]
    public void A_wrong_setting_is_an_error_naming_its_key(string yaml, string expected)
    {
        var (_, problems) = ReceiverYaml.Parse(ElasticsearchSettings.Parse, yaml, Key);

        // The on-call file does not load while any error stands, so the message is what matters.
        Assert.Contains(problems, p => p.IsError && p.Message.Contains(Key, StringComparison.Ordinal) && p.Message.Contains(expected, StringComparison.Ordinal));
    }
}
