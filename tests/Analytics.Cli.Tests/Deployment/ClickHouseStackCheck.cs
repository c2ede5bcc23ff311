using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Analytics.Cli.Configuration;
using Analytics.Processors.Sinks;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// A ClickHouse server of a Compose file: a recent image, data on a volume, and the config.d and users.d files it
/// mounts, parsed; and whether a processor's settings reach it: its HTTP interface, database, user and grants.
/// </summary>
internal static partial class ClickHouseStackCheck
{
    private const string ClickHouseConfigDir = "/etc/clickhouse-server/config.d";
    private const string ClickHouseUsersDir = "/etc/clickhouse-server/users.d";

    internal static ClickHouseServer? CheckClickHouse(ComposeFile compose, string name, RepositoryFiles files, List<string> problems)
    {
        if (!compose.Services.TryGetValue(name, out var service))
        {
            problems.Add($"there is no {name} service");
            return null;
        }

        var who = $"service {name}";
        var version = VersionTag().Match(service.Image ?? string.Empty);
        if (!(service.Image ?? string.Empty).StartsWith("clickhouse/clickhouse-server:", StringComparison.Ordinal) || !version.Success)
        {
            problems.Add($"{who}: image \"{service.Image}\" must be clickhouse/clickhouse-server with a version tag");
        }
        else
        {
            var major = int.Parse(version.Groups["major"].Value, CultureInfo.InvariantCulture);
            var minor = int.Parse(version.Groups["minor"].Value, CultureInfo.InvariantCulture);
            if (major < 24 || (major == 24 && minor < 10))
            {
                problems.Add($"{who}: ClickHouse {major}.{minor} is too old; the schema needs 24.10 or later (refreshable materialized views, SQL UDFs, DateTime64)");
            }
        }

        if (service.Healthcheck is not { Count: > 0 })
        {
            problems.Add($"{who}: has no healthcheck");
        }

        if (!service.Volumes.Any(m => m.Type == "volume" && m.Source is not null && m.Target.TrimEnd('/') == "/var/lib/clickhouse"))
        {
            problems.Add($"{who}: /var/lib/clickhouse is not on a named volume, so the data would go with the container");
        }

        var httpPort = 8123;
        var defaultDatabase = "default";
        var users = new List<XElement>();
        var config = new List<XElement>();
        foreach (var mount in service.Volumes.Where(m => m.Type == "bind").OrderBy(m => m.Target, StringComparer.Ordinal))
        {
            var target = mount.Target.TrimEnd('/');
            if (target is ClickHouseConfigDir or ClickHouseUsersDir)
            {
                problems.Add($"{who}: mounts a directory over {target}; mount single files, since the image keeps its own files there (listening on all interfaces, the entrypoint's user setup)");
                continue;
            }

            var underConfig = target.StartsWith(ClickHouseConfigDir + "/", StringComparison.Ordinal);
            var underUsers = target.StartsWith(ClickHouseUsersDir + "/", StringComparison.Ordinal);
            if ((!underConfig && !underUsers) || RepositoryFiles.Relative(mount.Source ?? string.Empty) is not { } source || files.Read(source) is not { } xml)
            {
                continue;
            }

            XElement root;
            try
            {
                root = XDocument.Parse(xml).Root!;
            }
            catch (XmlException ex)
            {
                problems.Add($"{who}: {mount.Source} is not well-formed XML: {ex.Message}");
                continue;
            }

            if (root.Name.LocalName is not ("clickhouse" or "yandex"))
            {
                problems.Add($"{who}: {mount.Source} must have <clickhouse> as its root element");
                continue;
            }

            if (underConfig)
            {
                httpPort = root.Element("http_port") is { } port ? int.Parse(port.Value, CultureInfo.InvariantCulture) : httpPort;
                defaultDatabase = root.Element("default_database")?.Value.Trim() ?? defaultDatabase;
                config.Add(root);
            }

            users.AddRange(root.Element("users")?.Elements() ?? []);
        }

        return new ClickHouseServer(service, [service.Name, .. service.Hostname is { } h ? [h] : Array.Empty<string>()], httpPort, defaultDatabase, users, config);
    }

    internal static void CheckSchemaHasTables(string who, AnalyticsSettings settings, List<string> problems)
    {
        IEnumerable<string> expected;
        try
        {
            expected = QoeTables.FactTables(settings.Processor).ToList();
        }
        catch (ArgumentException)
        {
            return; // Processor.Validate has reported it.
        }

        var created = QoeTables.Migrations.SelectMany(m => CreatedTable().Matches(m.Sql).Select(x => x.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        foreach (var table in expected.Append(QoeTables.LateEvents).Append(QoeTables.OrphanEvents).Append(QoeTables.Checkpoints).Where(t => !created.Contains(t)))
        {
            problems.Add($"{who}: its windows and cubes need table {table}, which no migration creates");
        }
    }

    internal static void CheckClickHouseAccess(string who, AnalyticsSettings settings, ClickHouseServer server, List<string> problems)
    {
        var http = settings.Http;
        if (!Uri.TryCreate(http.Url, UriKind.Absolute, out var url))
        {
            return; // Http.Validate has reported it.
        }

        if (!server.Hosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) || url.Port != server.HttpPort || url.Scheme != Uri.UriSchemeHttp)
        {
            problems.Add($"{who}: ClickHouse:Http:Url {http.Url} is not the {server.Service.Name} service's HTTP interface (http://{server.Hosts[0]}:{server.HttpPort})");
        }

        if (http.Database.Length > 0 && http.Database != server.DefaultDatabase)
        {
            problems.Add(
                $"{who}: ClickHouse:Http:Database {http.Database} must exist before the first request (ClickHouse refuses a request naming a missing "
                + $"database, even CREATE DATABASE); the server creates only its default_database, {server.DefaultDatabase}");
        }

        var user = server.Users.FirstOrDefault(u => u.Name.LocalName == http.User);
        if (user is null)
        {
            problems.Add($"{who}: ClickHouse:Http:User {http.User} is not defined by a mounted users.d file (defined: {string.Join(", ", server.Users.Select(u => u.Name.LocalName))})");
            return;
        }

        if (Accepts(user, server.Service, http.Password, out var source, problems) is false)
        {
            problems.Add($"{who}: ClickHouse:Http:Password is not the password users.d gives {http.User} ({source})");
        }

        var networks = user.Element("networks")?.Elements().Select(e => e.Value.Trim()).ToList() ?? [];
        if (!networks.Any(n => n is not ("::1" or "127.0.0.1" or "localhost") && !n.StartsWith("127.", StringComparison.Ordinal)))
        {
            problems.Add($"{who}: ClickHouse user {http.User} may connect only from [{string.Join(", ", networks)}]; the processor connects from another container");
        }

        if (user.Element("grants") is { } grants)
        {
            var queries = grants.Elements("query").Select(q => q.Value).ToList();
            var database = new Regex(@"\bON\s+" + Regex.Escape(settings.Sink.Database) + @"\.\*|^\s*GRANT\s+ALL\s+ON\s+\*\.\*", RegexOptions.IgnoreCase);
            if (!queries.Any(database.IsMatch))
            {
                problems.Add($"{who}: ClickHouse user {http.User} has no grant on {settings.Sink.Database}.*, where the processor migrates and writes");
            }

            if (settings.ClickHouse.Cluster.Length > 0 && !queries.Any(q => Regex.IsMatch(q, @"GRANT\s+(.*,\s*)?CLUSTER\b.*\bON\s+\*\.\*|GRANT\s+ALL\s+ON\s+\*\.\*", RegexOptions.IgnoreCase)))
            {
                problems.Add($"{who}: ClickHouse user {http.User} has no GRANT CLUSTER ON *.*, which migrations ON CLUSTER {settings.ClickHouse.Cluster} need");
            }

            var needsFunctions = QoeTables.Migrations.Any(m => m.Sql.Contains("CREATE OR REPLACE FUNCTION", StringComparison.Ordinal));
            if (needsFunctions && !queries.Any(q => Regex.IsMatch(q, @"CREATE FUNCTION.*\bON\s+\*\.\*|GRANT\s+ALL\s+ON\s+\*\.\*", RegexOptions.IgnoreCase)))
            {
                problems.Add($"{who}: ClickHouse user {http.User} may not CREATE FUNCTION ON *.*, which the migrations do");
            }
        }
    }

    /// <summary>Whether users.d lets <paramref name="user"/> in with <paramref name="given"/>, resolving from_env against the ClickHouse container's environment; null when it cannot tell.</summary>
    internal static bool? Accepts(XElement user, ComposeService clickHouse, string given, out string source, List<string> problems)
    {
        if (user.Element("password_sha256_hex") is { } hash)
        {
            source = "a SHA-256 hash";
            return string.Equals(hash.Value.Trim(), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(given))), StringComparison.OrdinalIgnoreCase);
        }

        if (user.Element("password") is not { } password)
        {
            source = "no password";
            return given.Length == 0;
        }

        if (password.Attribute("from_env")?.Value is not { } variable)
        {
            source = "written in users.d";
            return password.Value == given;
        }

        source = $"the {clickHouse.Name} service's {variable}";
        if (!clickHouse.Environment.TryGetValue(variable, out var value))
        {
            problems.Add($"service {clickHouse.Name}: users.d reads {user.Name.LocalName}'s password from {variable}, which the service does not set");
            return null;
        }

        return value == given;
    }

    [GeneratedRegex(@":(?<major>[0-9]+)\.(?<minor>[0-9]+)")]
    private static partial Regex VersionTag();

    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS \{database\}\.([A-Za-z0-9_]+)")]
    private static partial Regex CreatedTable();

    internal sealed record ClickHouseServer(ComposeService Service, IReadOnlyList<string> Hosts, int HttpPort, string DefaultDatabase, IReadOnlyList<XElement> Users, IReadOnlyList<XElement> Config);
}
