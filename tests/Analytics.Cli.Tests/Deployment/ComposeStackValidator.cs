using Analytics.Cli.Configuration;
using static Analytics.Cli.Tests.Deployment.ClickHouseStackCheck;
using static Analytics.Cli.Tests.Deployment.ComposeServiceChecks;
using static Analytics.Cli.Tests.Deployment.KafkaStackCheck;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// Checks docker-compose.yml without Docker: its shape as Compose reads it, that everything it mounts
/// or builds exists (<see cref="ComposeServiceChecks"/>), and that what it tells the processor and the
/// simulator agrees with Kafka's listeners and the topics it creates (<see cref="KafkaStackCheck"/>),
/// ClickHouse's mounted configuration (<see cref="ClickHouseStackCheck"/>), and the CLI's own settings
/// layer; the incident archive is checked by <see cref="ElasticsearchStackCheck"/>. Returns every
/// problem found (empty when the stack is consistent). docker-compose.scale.yml: <see cref="ScaleStackValidator"/>.
/// </summary>
internal static class ComposeStackValidator
{
    public const string ComposePath = "docker-compose.yml";
    public const string Kafka = "kafka";
    public const string ClickHouse = "clickhouse";
    public const string Processor = "processor";
    public const string Simulator = "simulator";
    public const string DemoProfile = "demo";

    public static IReadOnlyList<string> Validate(RepositoryFiles files, IReadOnlyDictionary<string, string>? variables = null)
    {
        var problems = new List<string>();
        if (Open(files, ComposePath, variables, problems) is not { } compose)
        {
            return problems;
        }

        var kafka = CheckBrokers(compose, [Kafka], problems);
        var clickHouse = CheckClickHouse(compose, ClickHouse, files, problems);
        var topics = CheckTopicInit(compose, kafka, problems);
        CheckProcessor(compose, Processor, [Kafka, ClickHouse], kafka, clickHouse is null ? [] : [clickHouse], topics, problems);
        CheckSimulator(compose, Simulator, kafka, topics, problems);
        ElasticsearchStackCheck.Check(compose, problems);
        return problems;
    }

    /// <summary>
    /// A processor service: built here, always restarted, waiting for <paramref name="waitsFor"/> to be healthy and for
    /// the topics; its settings valid and reaching a broker, the topics and the ClickHouse server its URL names.
    /// Returns its settings when they could be read.
    /// </summary>
    internal static AnalyticsSettings? CheckProcessor(
        ComposeFile compose,
        string name,
        IReadOnlyList<string> waitsFor,
        IReadOnlyList<KafkaBroker> kafka,
        IReadOnlyList<ClickHouseServer> clickHouse,
        Dictionary<string, int>? topics,
        List<string> problems)
    {
        if (!compose.Services.TryGetValue(name, out var service))
        {
            problems.Add($"there is no {name} service");
            return null;
        }

        var who = $"service {name}";
        if (service.Build is null)
        {
            problems.Add($"{who}: must be built from the repository (build:)");
        }

        if (service.Profiles.Count > 0)
        {
            problems.Add($"{who}: is in profile {string.Join(", ", service.Profiles)}, so a plain `docker compose up` would not start it");
        }

        if (service.Restart is not ("unless-stopped" or "always"))
        {
            problems.Add($"{who}: restart is {service.Restart ?? "unset"}; a crashed or rebooted processor must come back (unless-stopped)");
        }

        foreach (var target in waitsFor.Where(t => service.DependsOn.GetValueOrDefault(t) != Healthy))
        {
            problems.Add($"{who}: must wait for {target} ({Healthy})");
        }

        var init = compose.Services.Values.FirstOrDefault(s => s.Command is { } c && string.Join(' ', c).Contains("kafka-topics", StringComparison.Ordinal));
        if (init is not null && service.DependsOn.GetValueOrDefault(init.Name) != Completed)
        {
            problems.Add($"{who}: must wait for {init.Name} to create the topics ({Completed})");
        }

        if (ServiceSettings.Read(service, problems) is not { } run)
        {
            return null;
        }

        if (run.Command != "run")
        {
            problems.Add($"{who}: runs `{run.Command}`; the processor is `run`");
            return null;
        }

        var settings = run.Settings;
        Check(who, problems, () => settings.ClickHouse.Validate(), () => settings.Kafka.Validate(), () => settings.Processor.Validate(), () => settings.Sink.Validate(), settings.Http.Validate);
        if (settings.ClickHouse.Backend != ClickHouseOptions.Server)
        {
            problems.Add($"{who}: ClickHouse:Backend is {settings.ClickHouse.Backend}; the image has no chDB, so it must be {ClickHouseOptions.Server}");
        }

        CheckBootstrap(who, settings.Kafka.BootstrapServers, ProtocolName(settings.Kafka.SecurityProtocol), kafka, problems);
        foreach (var topic in new[] { settings.Kafka.Topic, settings.Kafka.DeadLetterTopic })
        {
            if (topics is not null && !topics.ContainsKey(topic))
            {
                problems.Add($"{who}: uses topic {topic}, which nothing creates (created: {string.Join(", ", topics.Keys)})");
            }
        }

        CheckSchemaHasTables(who, settings, problems);
        if (clickHouse.Count > 0 && settings.ClickHouse.Backend == ClickHouseOptions.Server)
        {
            var host = Uri.TryCreate(settings.Http.Url, UriKind.Absolute, out var url) ? url.Host : string.Empty;
            CheckClickHouseAccess(who, settings, clickHouse.FirstOrDefault(c => c.Hosts.Contains(host, StringComparer.OrdinalIgnoreCase)) ?? clickHouse[0], problems);
        }

        return settings;
    }

    /// <summary>The simulator, when there is one: only in the demo profile, sending where the processors read.</summary>
    internal static void CheckSimulator(ComposeFile compose, string name, IReadOnlyList<KafkaBroker> kafka, Dictionary<string, int>? topics, List<string> problems)
    {
        if (!compose.Services.TryGetValue(name, out var service))
        {
            return;
        }

        var who = $"service {name}";
        if (!service.Profiles.Contains(DemoProfile))
        {
            problems.Add($"{who}: must only run in the {DemoProfile} profile: it floods Kafka with made-up traffic");
        }

        if (ServiceSettings.Read(service, problems) is not { } simulate)
        {
            return;
        }

        if (simulate.Command != "simulate")
        {
            problems.Add($"{who}: runs `{simulate.Command}`, not `simulate`");
            return;
        }

        var settings = simulate.Settings;

        // As SimulateCommand does when neither a rate nor a session count is given.
        var options = settings.Simulator is { EventsPerSecond: null, ConcurrentSessions: null } ? settings.Simulator with { EventsPerSecond = 2000 } : settings.Simulator;
        Check(who, problems, options.Validate, () => settings.Kafka.Validate());
        CheckBootstrap(who, settings.Kafka.BootstrapServers, ProtocolName(settings.Kafka.SecurityProtocol), kafka, problems);
        if (topics is not null && !topics.ContainsKey(settings.Kafka.Topic))
        {
            problems.Add($"{who}: sends to topic {settings.Kafka.Topic}, which nothing creates");
        }
    }
}
