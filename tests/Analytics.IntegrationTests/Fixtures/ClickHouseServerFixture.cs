using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Analytics.Processors.ClickHouse;

using Analytics.Testing;

namespace Analytics.IntegrationTests.Fixtures;

/// <summary>
/// A real ClickHouse server (Debian's clickhouse-server 18.16) for HTTP transport tests: its own config and data in a
/// temporary directory, HTTP only, on a free loopback port, with user <see cref="User"/> and a generated password.
/// One server for the whole test run (<see cref="ClickHouseServerCollection"/>); stopped on dispose.
/// </summary>
public sealed class ClickHouseServerFixture : IAsyncLifetime
{
    public const string User = "analytics";
    private static readonly string[] Candidates = ["/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"];
    private readonly StringBuilder _log = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"analytics-clickhouse-server-{Guid.NewGuid():N}");
    private Process? _process;

    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    public string Url { get; private set; } = string.Empty;

    public int Port { get; private set; }

    /// <summary>Options for <see cref="HttpClickHouseConnection"/> against this server (database "default": 18.16 has no analytics database).</summary>
    internal ClickHouseHttpOptions Options => new()
    {
        Url = Url,
        User = User,
        Password = Password,
        Database = "default",
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
    };

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable("ANALYTICS_CLICKHOUSE_SERVER") is { Length: > 0 } configured
            ? configured
            : Candidates.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "clickhouse-server was not found (looked in /usr/sbin and /usr/bin). Run ./analytics setup, which installs Debian's "
                    + "clickhouse-server package (apt-get install -y clickhouse-server), or set ANALYTICS_CLICKHOUSE_SERVER to the binary.");
        Port = LocalPorts.Free();
        Url = $"http://127.0.0.1:{Port}";
        Directory.CreateDirectory(_directory);
        var data = Path.Combine(_directory, "data") + "/";
        await File.WriteAllTextAsync(Path.Combine(_directory, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><console>1</console></logger>
              <http_port>{Port}</http_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{data}</path>
              <tmp_path>{data}tmp/</tmp_path>
              <user_files_path>{data}user_files/</user_files_path>
              <format_schema_path>{data}format_schemas/</format_schema_path>
              <users_config>users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>67108864</mark_cache_size>
              <max_concurrent_queries>20</max_concurrent_queries>
            </yandex>
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "users.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <profiles><default></default></profiles>
              <users>
                <{User}>
                  <password>{Password}</password>
                  <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                  <profile>default</profile>
                  <quota>default</quota>
                </{User}>
              </users>
              <quotas><default></default></quotas>
            </yandex>
            """);

        var start = new ProcessStartInfo(binary, [$"--config-file={Path.Combine(_directory, "config.xml")}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"clickhouse-server exited with code {_process.ExitCode} at start:\n{Log()}");
            }

            try
            {
                if ((await http.GetStringAsync($"{Url}/ping")) == "Ok.\n")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"clickhouse-server did not answer /ping on {Url} within 30 s:\n{Log()}");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>What the server printed (warnings and errors), for failing tests.</summary>
    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClickHouseServerCollection : ICollectionFixture<ClickHouseServerFixture>
{
    public const string Name = "ClickHouse server";
}
