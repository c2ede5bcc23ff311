using Analytics.Testing;

namespace Analytics.Cli.Tests.Commands;

/// <summary>A known password never shows in what the CLI prints: errors of a failed connection, or help.</summary>
public sealed class SecretLeakTests
{
    private const string Secret = "s3cr3t-Pa55-7f1c";

    [Fact]
    public async Task A_failed_clickhouse_connection_does_not_print_its_password()
    {
        var port = LocalPorts.Free();
        var result = await CliRun.InvokeAsync(
            "query", "SELECT 1",
            "--set", "ClickHouse:Backend=http",
            "--set", $"ClickHouse:Http:Url=http://127.0.0.1:{port}",
            "--set", "ClickHouse:Http:User=analytics",
            "--set", $"ClickHouse:Http:Password={Secret}");

        Assert.NotEqual(0, result.Code);
        Assert.NotEmpty(result.Error);
        Assert.DoesNotContain(Secret, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("query", "--help")]
    [InlineData("run", "--help")]
    [InlineData("health", "--help")]
    public async Task Help_never_shows_a_configured_password(params string[] args)
    {
        var result = await CliRun.InvokeAsync([.. args, "--set", $"ClickHouse:Http:Password={Secret}"]);
        Assert.DoesNotContain(Secret, result.Output + result.Error, StringComparison.Ordinal);
    }
}
