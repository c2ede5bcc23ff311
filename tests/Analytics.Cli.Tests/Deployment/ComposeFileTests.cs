namespace Analytics.Cli.Tests.Deployment;

public sealed class ComposeFileTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["SET"] = "value",
        ["EMPTY"] = string.Empty,
    };

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("$$HOME", "$HOME")]
    [InlineData("${SET}", "value")]
    [InlineData("$SET/x", "value/x")]
    [InlineData("${UNSET}", "")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${SET:-fallback}", "value")]
    [InlineData("${SET:+replaced}", "replaced")]
    [InlineData("${UNSET:+replaced}", "")]
    [InlineData("${UNSET:-${SET}}", "value")]
    [InlineData("127.0.0.1:${PORT:-8123}:8123", "127.0.0.1:8123:8123")]
    public void Interpolates_as_compose_does(string text, string expected)
    {
        Assert.Equal(expected, ComposeFile.Interpolate(text, Variables));
    }

    [Theory]
    [InlineData("${UNSET:?set it}")]
    [InlineData("${EMPTY:?set it}")]
    [InlineData("${UNCLOSED")]
    [InlineData("cost: $5")]
    public void Refuses_what_compose_refuses(string text)
    {
        Assert.Throws<FormatException>(() => ComposeFile.Interpolate(text, Variables));
    }

    [Fact]
    public void Reads_both_forms_of_environment_depends_on_and_volumes()
    {
        const string Yaml = """
            services:
              a:
                image: x:1
                environment: ["K1=v1", "K2"]
                depends_on: [b]
                volumes: ["./here:/there:ro", "named:/data", "/anonymous"]
              b:
                image: y:2
                environment:
                  K3: ${SET}
                depends_on:
                  a:
                    condition: service_healthy
                volumes:
                  - type: bind
                    source: ./long
                    target: /long
                    read_only: true
                healthcheck:
                  test: ["NONE"]
            """;

        var compose = ComposeFile.Parse(Yaml, new Dictionary<string, string> { ["K2"] = "from-host", ["SET"] = "value" });

        var a = compose.Services["a"];
        var b = compose.Services["b"];
        Assert.Equal(new Dictionary<string, string> { ["K1"] = "v1", ["K2"] = "from-host" }, a.Environment);
        Assert.Equal("service_started", a.DependsOn["b"]);
        Assert.Equal(
            [new ComposeMount("bind", "./here", "/there", true), new ComposeMount("volume", "named", "/data", false), new ComposeMount("volume", null, "/anonymous", false)],
            a.Volumes);
        Assert.Equal("value", b.Environment["K3"]);
        Assert.Equal("service_healthy", b.DependsOn["a"]);
        Assert.Equal([new ComposeMount("bind", "./long", "/long", true)], b.Volumes);
        Assert.Empty(b.Healthcheck!);
        Assert.Null(a.Healthcheck);
        Assert.Empty(compose.Problems);
    }
}
