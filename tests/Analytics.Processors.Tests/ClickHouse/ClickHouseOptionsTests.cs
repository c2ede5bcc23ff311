using Analytics.Common;
using Analytics.Processors.ClickHouse;

namespace Analytics.Processors.Tests.ClickHouse;

public sealed class ClickHouseOptionsTests
{
    private static readonly Dictionary<string, (ClickHouseHttpOptions Options, string Key, string Rule)> HttpCases = new()
    {
        ["Url = \"localhost:8123\""] = (new ClickHouseHttpOptions { Url = "localhost:8123" }, "Url", "absolute http:// or https:// URL"),
        ["Url = \"ftp://host\""] = (new ClickHouseHttpOptions { Url = "ftp://host" }, "Url", "absolute http:// or https:// URL"),
        ["Url = \"http://host:8123/?user=x\""] = (new ClickHouseHttpOptions { Url = "http://host:8123/?user=x" }, "Url", "must not carry a query string"),
        ["User = \"\""] = (new ClickHouseHttpOptions { User = "" }, "User", "non-empty user name"),
        ["User = \"a:b\""] = (new ClickHouseHttpOptions { User = "a:b" }, "User", "without ':'"),
        ["Database = \"qoe; DROP\""] = (new ClickHouseHttpOptions { Database = "qoe; DROP" }, "Database", "database name"),
        ["RequestTimeout = TimeSpan.Zero"] = (new ClickHouseHttpOptions { RequestTimeout = TimeSpan.Zero }, "RequestTimeout", "more than 0"),
        ["MaxRetries = -1"] = (new ClickHouseHttpOptions { MaxRetries = -1 }, "MaxRetries", "between 0 and 20"),
        ["RetryBaseDelay = TimeSpan.Zero"] = (new ClickHouseHttpOptions { RetryBaseDelay = TimeSpan.Zero }, "RetryBaseDelay", "more than 0"),
        ["RetryMaxDelay = TimeSpan.FromMilliseconds(10)"] = (new ClickHouseHttpOptions { RetryMaxDelay = TimeSpan.FromMilliseconds(10) }, "RetryMaxDelay", "at least RetryBaseDelay"),
    };

    private static readonly Dictionary<string, (ClickHouseQueryEndpointOptions Options, string Key, string Rule)> EndpointCases = new()
    {
        ["Port = 70000"] = (new ClickHouseQueryEndpointOptions { Port = 70000 }, "Port", "between 0"),
        ["BindAddress = \"localhost\""] = (new ClickHouseQueryEndpointOptions { BindAddress = "localhost" }, "BindAddress", "IP address"),
        ["BindAddress = \"0.0.0.0\""] = (new ClickHouseQueryEndpointOptions { BindAddress = "0.0.0.0" }, "BindAddress", "loopback address unless AllowNonLoopback"),
        ["User = \"\""] = (new ClickHouseQueryEndpointOptions { User = "" }, "User", "non-empty"),
        ["DefaultDatabase = \"a-b\""] = (new ClickHouseQueryEndpointOptions { DefaultDatabase = "a-b" }, "DefaultDatabase", "database name"),
        ["DisplayName = \"a\\nb\""] = (new ClickHouseQueryEndpointOptions { DisplayName = "a\nb" }, "DisplayName", "printable"),
        ["MaxRequestBodyBytes = 10"] = (new ClickHouseQueryEndpointOptions { MaxRequestBodyBytes = 10 }, "MaxRequestBodyBytes", "between 1 KiB"),
    };

    [Fact]
    public void Defaults_are_valid()
    {
        new ClickHouseHttpOptions().Validate();
        new ClickHouseQueryEndpointOptions().Validate();
        new ChDbOptions().Validate();
    }

    public static TheoryData<string> InvalidHttpOptions => new(HttpCases.Keys);

    public static TheoryData<string> InvalidEndpointOptions => new(EndpointCases.Keys);

    [Theory]
    [MemberData(nameof(InvalidHttpOptions))]
    public void Invalid_http_options_name_the_key_the_rule_and_the_value(string setting)
    {
        var (options, key, rule) = HttpCases[setting];
        var error = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(ClickHouseHttpOptions.Component, error.Component);
        Assert.Equal(key, error.Key);
        Assert.Contains(rule, error.Message);
        Assert.Contains("(got ", error.Message);
    }

    [Theory]
    [MemberData(nameof(InvalidEndpointOptions))]
    public void Invalid_endpoint_options_name_the_key_the_rule_and_the_value(string setting)
    {
        var (options, key, rule) = EndpointCases[setting];
        var error = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(key, error.Key);
        Assert.Contains(rule, error.Message);
    }

    [Fact]
    public void A_non_loopback_endpoint_is_allowed_only_when_asked()
        => new ClickHouseQueryEndpointOptions { BindAddress = "0.0.0.0", AllowNonLoopback = true }.Validate();

    [Fact]
    public void Chdb_needs_a_directory_path()
    {
        Assert.Equal("Path", Assert.Throws<OptionsValidationException>(new ChDbOptions { Path = " " }.Validate).Key);
        Assert.Equal(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath("some/dir")),
            new ChDbOptions { Path = "some/dir/" }.FullPath);
    }

    [Fact]
    public void Passwords_never_appear_in_printed_options()
    {
        var http = new ClickHouseHttpOptions { Password = "hunter2" }.ToString();
        var endpoint = new ClickHouseQueryEndpointOptions { Password = "hunter2" }.ToString();

        Assert.DoesNotContain("hunter2", http);
        Assert.DoesNotContain("hunter2", endpoint);
        Assert.Contains("Password = ***", http);
        Assert.Contains("Url = http://127.0.0.1:8123", http);
    }
}
