using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Cli.Configuration;
using Analytics.Common;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;

namespace Analytics.Cli.Commands;

/// <summary>
/// `analytics health`: whether a processor instance is alive, judged by what it wrote last to
/// <c>pipeline_health</c>. Exits 0 when its newest sample is recent, 1 otherwise: a container
/// healthcheck, or a quick look for whoever is on call.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var instance = new Option<string?>("--instance") { Description = "The processor instance (default: Processor:InstanceId, the machine name)" };
        var group = new Option<string?>("--group") { Description = "Its consumer group (default: Kafka:GroupId)" };
        var maxAge = new Option<string?>("--max-age") { Description = "Unhealthy when its newest sample is older (default: 3 x Processor:HealthInterval, at least 30s)" };
        var command = new Command("health", "Check that a processor instance is writing its figures (exit 0) or not (exit 1)") { instance, group, maxAge };
        command.SetAction((parse, ct) => CommandSupport.Guard(async () =>
        {
            var settings = CommandSupport.Settings(parse);
            var processor = settings.Processor.Validate();
            var limit = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, processor.HealthInterval.Ticks * 3));
            if (parse.GetValue(maxAge) is { } text)
            {
                limit = Durations.TryParse(text, out var parsed) && parsed > TimeSpan.Zero
                    ? parsed
                    : throw new OptionsValidationException("health", "--max-age", $"must be a positive duration such as {Durations.Examples}", text);
            }

            var report = await CheckAsync(settings, parse.GetValue(group) ?? settings.Kafka.GroupId, parse.GetValue(instance) ?? processor.InstanceId, limit, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync(report.Text);
            return report.Healthy ? 0 : 1;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    public static async Task<(bool Healthy, string Text)> CheckAsync(AnalyticsSettings settings, string group, string instance, TimeSpan maxAge, CancellationToken ct)
    {
        var who = $"{ClickHouseSql.Quote(group)} AND instance = {ClickHouseSql.Quote(instance)}";
        var sql = $"""
            SELECT toUnixTimestamp64Milli(now64(3)) - toUnixTimestamp64Milli(max(at)) AS age_ms, count() AS samples,
                sumIf(value, metric = '{HealthMetric.ConsumerLag.Name}' AND at = (SELECT max(at) FROM {PipelineHealthStore.Table} WHERE consumer_group = {who})) AS lag
            FROM {PipelineHealthStore.Table}
            WHERE consumer_group = {who} AND at > now64(3) - INTERVAL 1 DAY
            """;
        var output = await QueryCommand.RunAsync(settings, sql, "JSONEachRow", ct);
        using var row = JsonDocument.Parse(Encoding.UTF8.GetString(output));
        var samples = row.RootElement.GetProperty("samples").GetInt64();
        var name = $"processor {instance} (group {group})";
        if (samples == 0)
        {
            return (false, $"unhealthy: {name} has written no figures in the last day. Is it running, with this instance id and group? See its log.");
        }

        var age = TimeSpan.FromMilliseconds(Math.Max(0, row.RootElement.GetProperty("age_ms").GetInt64()));
        var lag = row.RootElement.GetProperty("lag").GetDouble();
        var ago = Ago(age);
        return age <= maxAge
            ? (true, string.Create(CultureInfo.InvariantCulture, $"healthy: {name} wrote its figures {ago} ago; lag {lag:N0} messages."))
            : (false, $"unhealthy: {name} last wrote its figures {ago} ago (limit {Durations.Format(maxAge)}). It may be stuck or down: see its log.");
    }

    // Whole seconds, minutes or hours: what a reader needs from an age.
    private static string Ago(TimeSpan age) => age.TotalSeconds switch
    {
        < 120 => FormattableString.Invariant($"{Math.Round(age.TotalSeconds)}s"),
        < 7200 => FormattableString.Invariant($"{Math.Round(age.TotalMinutes)}m"),
        _ => FormattableString.Invariant($"{Math.Round(age.TotalHours)}h"),
    };
}
