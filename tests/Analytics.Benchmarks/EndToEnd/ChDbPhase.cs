using System.Diagnostics;
using System.Globalization;
using System.Text;
using Analytics.Benchmarks.Harness;
using Analytics.Processors.ClickHouse;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>The embedded ClickHouse (chDB, one engine per process) running the comparison queries over the JSON lines file.</summary>
internal sealed class ChDbPhase : IAsyncDisposable
{
    private readonly ChDbConnection _connection;
    private readonly string _dataPath;

    private ChDbPhase(ChDbConnection connection, string dataPath, string eventsFile)
    {
        _connection = connection;
        _dataPath = dataPath;
        EventsFile = eventsFile;
    }

    public string EventsFile { get; }

    public string Version { get; private set; } = "?";

    public static async Task<ChDbPhase> OpenAsync(string workDirectory, string eventsFile, CancellationToken ct)
    {
        var dataPath = Path.Combine(workDirectory, "chdb-data");
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }

        var connection = await ChDbConnection.OpenAsync(new ChDbOptions { Path = dataPath }, ct);
        var phase = new ChDbPhase(connection, dataPath, eventsFile);
        phase.Version = (await connection.QueryTextAsync("SELECT version()", ct: ct)).Trim();
        return phase;
    }

    /// <summary>Runs a query and returns its timing and the number of result rows (groups).</summary>
    public async Task<Sample> RunAsync(string sql, string? settings, CancellationToken ct)
    {
        var statement = settings is null ? sql : sql + "\nSETTINGS " + settings;
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var output = await _connection.QueryAsync(statement, "TabSeparated", ct);
        clock.Stop();
        var cpuUsed = Environment.CpuUsage.TotalTime - cpu;
        return new Sample(clock.Elapsed, cpuUsed, Groups: output.AsSpan().Count((byte)'\n'));
    }

    public async Task<ChDbTotals> TotalsAsync(CancellationToken ct)
    {
        var text = Encoding.UTF8.GetString(await _connection.QueryAsync(ChDbQueries.Totals(EventsFile), "TabSeparated", ct)).Trim();
        var f = text.Split('\t').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new ChDbTotals(f[0], f[1], f[2], f[3], f[4]);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException e)
        {
            Progress.Report($"could not remove {_dataPath}: {e.Message}");
        }
    }
}

internal sealed record ChDbTotals(long Events, long Attempts, long Plays, long Errors, long Groups);
