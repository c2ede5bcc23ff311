using System.Text.Json;

namespace Analytics.Dashboards.Tests;

internal sealed record QueryColumn(string Name, string Type);

internal sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<List<JsonElement>> Rows);

/// <summary>What a panel type needs from its query's result, as ClickHouse types.</summary>
internal static class ResultShape
{
    public static IEnumerable<string> Problems(string panelType, QueryResult result)
    {
        if (result.Rows.Count == 0)
        {
            yield return "no rows";
        }

        var types = result.Columns.Select(c => Unwrap(c.Type)).ToList();
        switch (panelType)
        {
            case "timeseries":
                // Grafana's time series wants the time first and only numbers after it.
                if (types.Count < 2 || !types[0].StartsWith("DateTime", StringComparison.Ordinal))
                {
                    yield return $"first column is {result.Columns.FirstOrDefault()?.Type ?? "missing"}, not a DateTime";
                }

                // String columns are labels: the plugin turns a long result (time, pop, value) into one series
                // per label value.
                foreach (var c in result.Columns.Skip(1).Where(c => !IsNumeric(c.Type) && Unwrap(c.Type) != "String"))
                {
                    yield return $"column {c.Name} is {c.Type}, not a number or a label";
                }

                if (!result.Columns.Skip(1).Any(c => IsNumeric(c.Type)))
                {
                    yield return "no numeric column to plot";
                }

                break;
            case "stat" or "bargauge" or "gauge" or "table":
                if (!types.Any(IsNumeric))
                {
                    yield return "no numeric column to show";
                }

                // An aggregate over no data still gives one row, of nulls (NaN is written as null).
                if (panelType == "stat" && result.Rows.Count > 0 && result.Rows[0].Any(v => v.ValueKind == JsonValueKind.Null))
                {
                    yield return "a null value: the seeded data should give a number";
                }

                break;
            default:
                yield return $"no shape known for panel type {panelType}";
                break;
        }
    }

    /// <summary>What Grafana reads from an annotation query's rows: a <c>time</c> and a <c>text</c>.</summary>
    public static IEnumerable<string> AnnotationProblems(QueryResult result)
    {
        if (result.Rows.Count == 0)
        {
            yield return "no rows";
        }

        var time = result.Columns.FirstOrDefault(c => c.Name == "time");
        if (time is null || !Unwrap(time.Type).StartsWith("DateTime", StringComparison.Ordinal))
        {
            yield return $"no DateTime column named time ({time?.Type ?? "missing"})";
        }

        if (!result.Columns.Any(c => c.Name == "text"))
        {
            yield return "no column named text";
        }
    }

    public static bool IsNumeric(string type)
        => Unwrap(type) is var t && (t.StartsWith("UInt", StringComparison.Ordinal) || t.StartsWith("Int", StringComparison.Ordinal)
            || t.StartsWith("Float", StringComparison.Ordinal) || t.StartsWith("Decimal", StringComparison.Ordinal));

    private static string Unwrap(string type)
    {
        foreach (var wrapper in new[] { "Nullable(", "LowCardinality(" })
        {
            if (type.StartsWith(wrapper, StringComparison.Ordinal))
            {
                return Unwrap(type[wrapper.Length..^1]);
            }
        }

        return type;
    }
}
