using System.Globalization;
using System.Text.Json;
using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Analytics.Cli.Commands;
using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Analytics.Cli;

/// <summary>The QoE of the newest window that has fired, summed over the whole service.</summary>
internal sealed record TopLine(string Window, string Start, long Attempts, long Plays, long Vsf, long Ebvs, double? StartP50Ms, double? StartP95Ms, double? RebufferingRatio, long Errors, double? BitrateKbps, long ConcurrentPlays)
{
    public static async Task<TopLine?> QueryAsync(IClickHouseConnection store, string database, string label, CancellationToken ct)
    {
        var table = $"{database}.qoe_delivery_{label}";
        var sql = $"""
            SELECT toString(window_start) AS start, sum(attempts) AS attempts, sum(plays) AS plays,
                   sum(video_start_failures) AS vsf, sum(exits_before_video_start) AS ebvs,
                   qoe_quantile(0.5, sumMap(start_time_sketch)) AS p50, qoe_quantile(0.95, sumMap(start_time_sketch)) AS p95,
                   sum(rebuffer_ms) / nullIf(sum(playing_ms) + sum(rebuffer_ms), 0) AS rr, sum(errors) AS errors,
                   sum(bitrate_kbps_ms) / nullIf(sum(playing_ms), 0) AS kbps, sum(concurrent_plays) AS concurrent
            FROM {table} FINAL
            WHERE window_start = (SELECT max(window_start) FROM {table})
            GROUP BY window_start
            """;
        var rows = await store.QueryJsonRowsAsync(sql, ct);
        if (rows.Count == 0)
        {
            return null;
        }

        var r = rows[0];
        return new TopLine(
            label,
            r.GetProperty("start").GetString()!,
            Long(r, "attempts"),
            Long(r, "plays"),
            Long(r, "vsf"),
            Long(r, "ebvs"),
            Double(r, "p50"),
            Double(r, "p95"),
            Double(r, "rr"),
            Long(r, "errors"),
            Double(r, "kbps"),
            Long(r, "concurrent"));
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Window} {Start}: attempts {Attempts:N0}, plays {Plays:N0}, VSF {Percent(Vsf, Attempts)}, EBVS {Percent(Ebvs, Attempts)}, "
        + $"VST p50 {Seconds(StartP50Ms)} p95 {Seconds(StartP95Ms)}, rebuffering {Ratio(RebufferingRatio)}, errors {Errors:N0}, "
        + $"avg bitrate {Mbps(BitrateKbps)}, concurrent plays {ConcurrentPlays:N0}");

    public static string Percent(long part, long whole) => whole == 0 ? "-" : ((double)part / whole).ToString("P2", CultureInfo.InvariantCulture);

    public static string Ratio(double? r) => r is { } v && !double.IsNaN(v) ? v.ToString("P2", CultureInfo.InvariantCulture) : "-";

    public static string Seconds(double? ms) => ms is { } v && !double.IsNaN(v) ? (v / 1000).ToString("0.00 's'", CultureInfo.InvariantCulture) : "-";

    public static string Mbps(double? kbps) => kbps is { } v && !double.IsNaN(v) ? (v / 1000).ToString("0.0 'Mbps'", CultureInfo.InvariantCulture) : "-";

    private static long Long(JsonElement e, string name) => e.GetProperty(name) switch
    {
        { ValueKind: JsonValueKind.Number } n => n.GetInt64(),
        { ValueKind: JsonValueKind.String } s => long.Parse(s.GetString()!, CultureInfo.InvariantCulture),
        _ => 0,
    };

    private static double? Double(JsonElement e, string name) => e.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : null;
}

/// <summary>What the live view shows, gathered once per refresh.</summary>
internal sealed record DemoSnapshot(
    TimeSpan Elapsed,
    SimulationProgress Simulator,
    PipelineStatus Pipeline,
    double ConsumedPerSecond,
    IReadOnlyList<TopLine> Windows,
    IReadOnlyList<string> Problems)
{
    /// <summary>The alert evaluator, when the demo runs one.</summary>
    public AlertStatus? Alerting { get; init; }

    /// <summary>What each receiver was sent and still owes.</summary>
    public string? OnCall { get; init; }

    /// <summary>The latest action decisions, one line each (dry runs say what they would have done).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];
}

/// <summary>Renders the demo's state: a Spectre.Console live view on a terminal, a plain line otherwise.</summary>
internal sealed class LiveView
{
    private readonly string _bootstrap;
    private readonly string _topic;
    private readonly string _endpoint;

    public LiveView(string bootstrap, string topic, string endpoint)
    {
        _bootstrap = bootstrap;
        _topic = topic;
        _endpoint = endpoint;
    }

    /// <summary>Whether a live view can be drawn: a terminal that is not redirected.</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public IRenderable Render(DemoSnapshot s)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        var sim = s.Simulator;
        var p = s.Pipeline;
        grid.AddRow(new Markup("[bold]Devices[/]"), new Markup(Escape($"{sim.MessagesPerSecond:N0} beacons/s · {sim.LiveSessions:N0} live sessions · {sim.MessagesSent:N0} sent")));
        grid.AddRow(new Markup("[bold]Kafka[/]"), new Markup(Escape($"{_bootstrap} · topic {_topic} · consumer lag {p.Lag:N0}")));
        grid.AddRow(new Markup("[bold]Processor[/]"), new Markup(Escape($"{s.ConsumedPerSecond:N0} events/s · {p.Messages:N0} consumed · {p.ActiveSessions:N0} open sessions · {p.Partitions} partitions")));
        grid.AddRow(new Markup("[bold]Bad input[/]"), new Markup(Escape($"dead-lettered {p.DeadLetters:N0} (invalid {p.Invalid:N0}) · too late {p.TooLate:N0} · duplicates {p.Duplicates:N0} · orphans {p.Orphans:N0}")));
        grid.AddRow(new Markup("[bold]ClickHouse[/]"), new Markup(Escape($"{p.RowsWritten:N0} rows in {p.Inserts:N0} inserts · {p.Checkpoints:N0} checkpoints · {p.Commits:N0} offset commits · {_endpoint}")));

        var table = QoeTable(s.Windows);
        var rows = new List<IRenderable> { grid, table };
        if (s.Alerting is { } alerting)
        {
            rows.Add(IncidentTable(alerting));
        }

        if (s.OnCall is { } onCall)
        {
            rows.Add(new Markup($"[bold]On-call[/]  {Escape(onCall)}"));
        }

        foreach (var action in s.Actions)
        {
            rows.Add(new Markup($"[bold]Action[/]   {Escape(action)}"));
        }

        if (p.Failure is not null)
        {
            rows.Add(new Markup($"[red]Processor failed:[/] {Escape(p.Failure)}"));
        }

        foreach (var problem in s.Problems)
        {
            rows.Add(new Markup($"[yellow]{Escape(problem)}[/]"));
        }

        return new Panel(new Rows(rows))
            .Header($" Analytics demo · {s.Elapsed:hh\\:mm\\:ss} · Ctrl-C stops cleanly ")
            .Expand();
    }

    public static string Plain(DemoSnapshot s)
        => $"[{s.Elapsed:hh\\:mm\\:ss}] {s.ConsumedPerSecond:N0} events/s | {StatusLine.Format(s.Pipeline)}"
            + string.Concat(s.Windows.Select(w => $"\n  last {w}"))
            + (s.Alerting is { } a ? $"\n  {AlertCommand.Describe(a)}" + string.Concat(a.Incidents.Select(i => $"\n  {IncidentLine(i)}")) : "")
            + (s.OnCall is { } o ? $"\n  {o}" : "")
            + string.Concat(s.Actions.Select(l => $"\n  action: {l}"));

    /// <summary>
    /// The last closed window of each size, one metric per row and one window per column, so the table
    /// fits an 80-column terminal with its labels in full (a column per metric would not).
    /// </summary>
    public static Table QoeTable(IReadOnlyList<TopLine> windows)
    {
        var table = new Table().Border(TableBorder.Simple).Title("QoE of the last closed window (all regions, CDNs and devices)");
        table.AddColumn(new TableColumn("metric").NoWrap());
        foreach (var w in windows)
        {
            table.AddColumn(new TableColumn($"{w.Window} from {w.Start[Math.Max(0, w.Start.Length - 8)..]}").RightAligned().NoWrap());
        }

        if (windows.Count == 0)
        {
            table.AddColumn(new TableColumn(""));
            table.AddRow(new Markup("[grey]waiting for the first window[/]"), new Markup("[grey](the watermark trails the newest beacon by 10 s)[/]"));
            return table;
        }

        void Row(string metric, Func<TopLine, string> value) => table.AddRow([metric, .. windows.Select(value)]);
        Row("start attempts", w => w.Attempts.ToString("N0", CultureInfo.InvariantCulture));
        Row("plays", w => w.Plays.ToString("N0", CultureInfo.InvariantCulture));
        Row("video start failures", w => TopLine.Percent(w.Vsf, w.Attempts));
        Row("exits before start", w => TopLine.Percent(w.Ebvs, w.Attempts));
        Row("start time p50 / p95", w => $"{TopLine.Seconds(w.StartP50Ms)} / {TopLine.Seconds(w.StartP95Ms)}");
        Row("rebuffering ratio", w => TopLine.Ratio(w.RebufferingRatio));
        Row("errors", w => w.Errors.ToString("N0", CultureInfo.InvariantCulture));
        Row("average bitrate", w => TopLine.Mbps(w.BitrateKbps));
        Row("concurrent plays", w => w.ConcurrentPlays.ToString("N0", CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>One incident in a line: id, severity, status, since, title.</summary>
    public static string IncidentLine(Incident i)
    {
        var since = DateTimeOffset.FromUnixTimeMilliseconds(i.OpenedAtMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        var line = $"{i.Id} {i.Severity} {i.Status.ToString().ToLowerInvariant(),-12} {since} {i.Title}";
        return line.Length > 78 ? line[..77] + "…" : line;
    }

    private static Table IncidentTable(AlertStatus a)
    {
        var table = new Table().Border(TableBorder.Simple).Title(Escape(AlertCommand.Describe(a)));
        foreach (var h in new[] { "incident", "sev", "status", "since (UTC)", "title" })
        {
            table.AddColumn(new TableColumn(h));
        }

        foreach (var i in a.Incidents)
        {
            var colour = i.Status switch
            {
                IncidentStatus.Resolved => "green",
                IncidentStatus.Acknowledged => "yellow",
                _ => "red",
            };
            var since = DateTimeOffset.FromUnixTimeMilliseconds(i.OpenedAtMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
            table.AddRow(new Markup(Escape(i.Id)), new Markup(Escape(i.Severity.ToString())), new Markup($"[{colour}]{Escape(i.Status.ToString().ToLowerInvariant())}[/]"), new Markup(since), new Markup(Escape(i.Title)));
        }

        if (a.Incidents.Count == 0)
        {
            table.AddRow(new Markup("[grey]no incidents[/]"), new Markup(""), new Markup(""), new Markup(""), new Markup(""));
        }

        return table;
    }

    private static string Escape(string text) => Markup.Escape(text);
}
