using System.CommandLine;
using Analytics.Cli.Configuration;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Cli.Commands;

/// <summary>`analytics query "SQL"`: the analyst's way into the same store the demo and the processor write.</summary>
internal static class QueryCommand
{
    private static readonly Dictionary<string, string> Formats = new(StringComparer.Ordinal)
    {
        ["table"] = "PrettyCompactMonoBlock",
        ["csv"] = "CSVWithNames",
        ["json"] = "JSONEachRow",
        ["tsv"] = "TabSeparatedWithNames",
    };

    public static Command Create()
    {
        var sql = new Argument<string>("sql") { Description = "The query, e.g. \"SELECT count() FROM qoe_delivery_1m\"; tables resolve in the QoE database" };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong([.. Formats.Keys]);
        var command = new Command("query", "Run SQL against the QoE store (live through the running demo's endpoint, or directly)") { sql, format };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(parse);
            var clickHouseFormat = Formats[parse.GetValue(format)!];
            if (Console.IsOutputRedirected && clickHouseFormat.StartsWith("Pretty", StringComparison.Ordinal))
            {
                // Colour escapes only help on a terminal.
                clickHouseFormat = "PrettyCompactNoEscapesMonoBlock";
            }

            var output = await RunAsync(settings, parse.GetValue(sql)!, clickHouseFormat, ct);
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(output, ct);
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    public static async Task<byte[]> RunAsync(AnalyticsSettings settings, string sql, string format, CancellationToken ct)
    {
        var database = settings.Sink.Database;
        if (settings.ClickHouse.Backend == ClickHouseOptions.Server)
        {
            await using var server = new HttpClickHouseConnection(settings.Http with { Database = database });
            return await server.QueryAsync(sql, format, ct);
        }

        var dataDir = settings.ChDb.FullPath;
        if (EndpointFile.Read(dataDir) is { } url && await IsAliveAsync(url, ct))
        {
            await using var live = new HttpClickHouseConnection(new ClickHouseHttpOptions { Url = url.ToString().TrimEnd('/'), Database = database, Compress = false });
            return await live.QueryAsync(sql, format, ct);
        }

        if (!Directory.Exists(dataDir))
        {
            throw new QueryStoreMissingException(dataDir);
        }

        await using var store = await ClickHouseStore.OpenAsync(settings, readOnly: true, NullLogger.Instance, ct);
        return await store.QueryAsync($"USE {database};\n{sql}", format, ct);
    }

    private static async Task<bool> IsAliveAsync(Uri url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync(new Uri(url, "/ping"), ct)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>There is no store to query yet.</summary>
internal sealed class QueryStoreMissingException : Analytics.Processors.ProcessorException
{
    public QueryStoreMissingException(string path)
        : base($"No QoE store at {path}. Run ./analytics demo first (or pass --data-dir, or --set ClickHouse:Backend=http for a server).")
    {
    }

    public override bool IsTransient => false;
}
