using System.Globalization;
using System.Text;
using Analytics.Benchmarks.Harness;
using Analytics.Processors.ClickHouse;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// Polls ClickHouse for new (window_start, source_partition) rows of the 10 s delivery table and keeps
/// when each was first seen: the moment a query returned it, an upper bound off by at most one poll.
/// </summary>
internal sealed class WindowPoller
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(150);
    private readonly IClickHouseConnection _connection;
    private readonly string _table;
    private readonly Dictionary<(long WindowStartMs, int Partition), long> _firstSeen = [];
    private long _sinceSeconds;

    public WindowPoller(IClickHouseConnection connection, string database)
    {
        _connection = connection;
        _table = $"{database}.qoe_delivery_10s";
    }

    public long Polls { get; private set; }

    public long Failures { get; private set; }

    /// <summary>First-seen times in ms since the epoch; read after <see cref="RunAsync"/> ended.</summary>
    public IReadOnlyDictionary<(long WindowStartMs, int Partition), long> FirstSeen => _firstSeen;

    public bool HasSeen((long WindowStartMs, int Partition) key)
    {
        lock (_firstSeen)
        {
            return _firstSeen.ContainsKey(key);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            try
            {
                await PollAsync(ct);
            }
            catch (ClickHouseException e)
            {
                Failures++;
                Progress.Report($"latency poll failed: {e.Message}");
            }

            var wait = Interval - (DateTimeOffset.UtcNow - started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        var sql = $"SELECT DISTINCT toUnixTimestamp(window_start), source_partition FROM {_table} WHERE window_start >= toDateTime({_sinceSeconds}, 'UTC')";
        var output = await _connection.QueryAsync(sql, "TabSeparated", ct);
        var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Polls++;
        var newest = _sinceSeconds;
        foreach (var line in Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = line.Split('\t');
            var ws = long.Parse(cells[0], CultureInfo.InvariantCulture);
            var partition = int.Parse(cells[1], CultureInfo.InvariantCulture);
            lock (_firstSeen)
            {
                _firstSeen.TryAdd((ws * 1000, partition), seen);
            }

            newest = Math.Max(newest, ws);
        }

        // Windows more than a few minutes older than the newest are complete: stop scanning them.
        _sinceSeconds = Math.Max(_sinceSeconds, newest - 180);
    }
}
