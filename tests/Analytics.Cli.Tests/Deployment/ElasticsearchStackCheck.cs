using System.Globalization;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// The incident archive of docker-compose.yml: an Elasticsearch 8 node that can start alone and serve
/// plain HTTP, keeps its data on a volume, says when it is healthy, and is where the alert service's
/// <c>ELASTICSEARCH_URL</c> points; the alert service waits for it (its receiver installs the index
/// template at start).
/// </summary>
internal static class ElasticsearchStackCheck
{
    public const string Elasticsearch = "elasticsearch";
    public const string Alerting = "alerting";
    public const string UrlVariable = "ELASTICSEARCH_URL";
    private const string Image = "docker.elastic.co/elasticsearch/elasticsearch";
    private const string DataDir = "/usr/share/elasticsearch/data";
    private const int HttpPort = 9200;

    public static void Check(ComposeFile compose, List<string> problems)
    {
        if (!compose.Services.TryGetValue(Elasticsearch, out var service))
        {
            problems.Add($"there is no {Elasticsearch} service (the alert service archives incidents in it)");
            return;
        }

        var who = $"service {Elasticsearch}";
        CheckImage(who, service.Image ?? "", problems);
        string Env(string key) => service.Environment.GetValueOrDefault(key, "");
        if (Env("discovery.type") != "single-node")
        {
            problems.Add($"{who}: discovery.type is \"{Env("discovery.type")}\"; a lone node must be single-node, or it waits for a cluster and never becomes healthy");
        }

        if (Env("xpack.security.enabled") != "false")
        {
            problems.Add($"{who}: xpack.security.enabled is not \"false\": the 8.x image then turns on TLS and passwords, and the alert service's http:// URL without credentials is refused");
        }

        if (!service.Volumes.Any(m => m.Type == "volume" && m.Source is not null && m.Target == DataDir))
        {
            problems.Add($"{who}: {DataDir} is not on a named volume, so the archive is lost with the container");
        }

        if (service.Healthcheck is not { Count: > 0 } health || !string.Join(' ', health).Contains("_cluster/health", StringComparison.Ordinal))
        {
            problems.Add($"{who}: its healthcheck must ask _cluster/health, so dependants start once it serves requests");
        }

        foreach (var port in service.Ports.Where(p => p.Split(':').Length < 3 || !p.StartsWith("127.0.0.1:", StringComparison.Ordinal)))
        {
            problems.Add($"{who}: publishes {port} beyond loopback; with security off anyone reaching it could read and delete the archive");
        }

        if (service.Restart is not ("unless-stopped" or "always"))
        {
            problems.Add($"{who}: restart is {service.Restart ?? "unset"}; the archive must come back after a crash or a reboot (unless-stopped)");
        }

        CheckAlerting(compose, service, problems);
    }

    private static void CheckImage(string who, string image, List<string> problems)
    {
        var colon = image.LastIndexOf(':');
        if (colon < 0 || image[..colon] != Image)
        {
            problems.Add($"{who}: image \"{image}\" is not the official {Image}");
            return;
        }

        var major = image[(colon + 1)..].Split('.')[0];
        if (major != "8")
        {
            problems.Add($"{who}: image \"{image}\" is not 8.x, whose _bulk and index template formats the receiver is tested against");
        }
    }

    private static void CheckAlerting(ComposeFile compose, ComposeService elasticsearch, List<string> problems)
    {
        if (!compose.Services.TryGetValue(Alerting, out var alerting))
        {
            problems.Add($"there is no {Alerting} service");
            return;
        }

        var who = $"service {Alerting}";
        if (alerting.DependsOn.GetValueOrDefault(Elasticsearch) != "service_healthy")
        {
            problems.Add($"{who}: must wait for {Elasticsearch} to be healthy (service_healthy): its archive receiver installs the index template at start");
        }

        if (!alerting.Environment.TryGetValue(UrlVariable, out var text))
        {
            problems.Add($"{who}: {UrlVariable} is not set; the on-call file's elasticsearch receiver reads the cluster's URL from it (url_env)");
            return;
        }

        var hosts = new[] { Elasticsearch, elasticsearch.Hostname }.OfType<string>();
        var port = int.TryParse(elasticsearch.Environment.GetValueOrDefault("http.port"), CultureInfo.InvariantCulture, out var p) ? p : HttpPort;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || !hosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) || url.Port != port)
        {
            problems.Add($"{who}: {UrlVariable} {text} is not the {Elasticsearch} service's HTTP interface (http://{Elasticsearch}:{port})");
        }
    }
}
