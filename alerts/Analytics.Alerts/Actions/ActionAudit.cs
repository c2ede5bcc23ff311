using System.Text.Json;
using Analytics.Alerts.Rules;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Alerts.Actions;

/// <summary>
/// The <c>incident_actions</c> table (migration 0005): one row per decision, taken or refused, with its reason
/// and params. A decision that failed after it was executed gets a second row with the same id (the table
/// keeps the last), so the audit reads "failed" and why. Secrets never reach it: params hold what was sent
/// without its signature.
/// </summary>
internal sealed class ActionAudit
{
    private readonly IClickHouseConnection _connection;
    private readonly string _table;

    public ActionAudit(IClickHouseConnection connection, string database)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _table = $"{database}.incident_actions";
    }

    public async Task RecordAsync(IReadOnlyCollection<ActionDecision> decisions, CancellationToken ct)
    {
        if (decisions.Count > 0)
        {
            await _connection.InsertJsonRowsAsync(_table, decisions, Write, ct);
        }
    }

    /// <summary>The ids among <paramref name="ids"/> already decided (a change handed over again after a crash).</summary>
    public async Task<IReadOnlySet<string>> KnownAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new HashSet<string>();
        }

        var list = string.Join(", ", ids.Select(ClickHouseSql.Quote));
        var rows = await _connection.QueryJsonRowsAsync($"SELECT DISTINCT decision_id FROM {_table} WHERE decision_id IN ({list})", ct);
        return rows.Select(r => r.GetProperty("decision_id").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Every decision since <paramref name="sinceMs"/> as it stands now (failed wins over executed), oldest first.</summary>
    public Task<IReadOnlyList<ActionDecision>> SinceAsync(long sinceMs, CancellationToken ct)
        => ReadAsync($"at >= {ClickHouseSql.Quote(EventTime.Format(sinceMs))}", ct);

    /// <summary>One incident's decisions, oldest first (for <c>incidents show</c> and tests).</summary>
    public Task<IReadOnlyList<ActionDecision>> HistoryAsync(string incidentId, CancellationToken ct)
        => ReadAsync($"incident_id = {ClickHouseSql.Quote(incidentId)}", ct);

    private async Task<IReadOnlyList<ActionDecision>> ReadAsync(string where, CancellationToken ct)
    {
        const string Last = "(at, decision = 'failed')";
        var rows = await _connection.QueryJsonRowsAsync(
            $"""
            SELECT decision_id AS id, any(incident_id) AS incident, toInt64(any(seq)) AS event_seq, any(rule) AS rule_name,
                   any(severity) AS sev, any(action) AS kind, any(target) AS on_target,
                   argMax(decision, {Last}) AS outcome, argMax(reason, {Last}) AS why, any(params) AS parameters,
                   max(steered_share) AS share, toInt64(toUnixTimestamp64Milli(min(at))) AS at_ms
            FROM {_table} WHERE {where}
            GROUP BY decision_id
            ORDER BY at_ms, id
            """, ct);
        var decisions = new List<ActionDecision>(rows.Count);
        foreach (var r in rows)
        {
            var id = r.GetProperty("id").GetString()!;
            var incident = r.GetProperty("incident").GetString()!;
            var target = r.GetProperty("on_target").GetString()!;
            var reason = r.GetProperty("why").GetString()!;

            // A row this version cannot read (a kind or outcome from elsewhere) counts for nothing.
            if (!ActionKinds.TryParse(r.GetProperty("kind").GetString()!, out var kind)
                || !ActionOutcomes.TryParse(r.GetProperty("outcome").GetString()!, out var outcome)
                || !Severities.TryParse(r.GetProperty("sev").GetString()!, out var severity))
            {
                continue;
            }

            decisions.Add(new ActionDecision(
                id, incident, (int)r.GetProperty("event_seq").GetInt64Quoted(), r.GetProperty("rule_name").GetString()!, severity, kind, target, outcome,
                reason, r.GetProperty("parameters").GetString()!, r.GetProperty("share").GetDouble(), r.GetProperty("at_ms").GetInt64Quoted(),
                ActionText.Line(outcome, kind, target, target, reason, incident)));
        }

        return decisions;
    }

    private static void Write(Utf8JsonWriter w, ActionDecision d)
    {
        w.WriteString("decision_id", d.DecisionId);
        w.WriteString("incident_id", d.IncidentId);
        w.WriteNumber("seq", d.Seq);
        w.WriteString("rule", d.Rule);
        w.WriteString("severity", d.Severity.ToString());
        w.WriteString("action", d.Kind.Name());
        w.WriteString("target", d.Target);
        w.WriteString("decision", d.Outcome.Name());
        w.WriteString("reason", d.Reason);
        w.WriteString("params", d.Params);
        w.WriteNumber("steered_share", d.SteeredShare);
        w.WriteString("at", EventTime.Format(d.AtMs));
    }
}
