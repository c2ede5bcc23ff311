using System.CommandLine;
using Analytics.Cli.Commands;
using Analytics.Common;

namespace Analytics.Cli.Tests.Commands;

public sealed class CommandSupportTests
{
    [Fact]
    public void The_last_value_of_a_key_given_twice_wins()
    {
        var topic = new Option<string?>("--topic");
        var command = new RootCommand { topic, CommandSupport.Set };
        var parse = command.Parse(["--topic", "from-flag", "--set", "kafka:topic=from-set-1", "--set", "Kafka:Topic=from-set-2"]);

        var settings = CommandSupport.Settings(parse, ("Kafka:Topic", parse.GetValue(topic)));

        Assert.Equal("from-set-2", settings.Kafka.Topic);
    }

    [Fact]
    public void A_set_without_an_equals_sign_is_refused_with_the_form_to_use()
    {
        var parse = new RootCommand { CommandSupport.Set }.Parse(["--set", "Kafka:Topic"]);
        var error = Assert.Throws<OptionsValidationException>(() => CommandSupport.Settings(parse));
        Assert.Contains("Section:Key=value", error.Message, StringComparison.Ordinal);
    }
}
