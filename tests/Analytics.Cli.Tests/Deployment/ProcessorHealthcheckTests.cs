using System.CommandLine;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>The processor's compose healthcheck runs a command this CLI has, with options it accepts.</summary>
public sealed class ProcessorHealthcheckTests
{
    [Fact]
    public void The_processor_is_healthy_by_analytics_health_and_the_alert_service_waits_for_it()
    {
        var compose = ComposeFile.Parse(RepositoryFiles.Checkout.Read("docker-compose.yml")!, new Dictionary<string, string>());
        var processor = compose.Services["processor"];
        var test = processor.Healthcheck!;

        Assert.Equal(["CMD", "dotnet", "analytics.dll"], test.Take(3));
        var parse = Program.CreateRootCommand().Parse([.. test.Skip(3)]);
        Assert.Empty(parse.Errors);
        Assert.Equal("health", parse.CommandResult.Command.Name);
        Assert.Equal("service_healthy", compose.Services["alerting"].DependsOn["processor"]);
    }
}
