using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;

namespace Analytics.Processors.Sinks;

/// <summary>The ClickHouse tables the processor writes, and the migrations that create them.</summary>
internal static class QoeTables
{
    public const string Sessions = "qoe_sessions";
    public const string LateEvents = "late_events";
    public const string OrphanEvents = "orphan_events";
    public const string Checkpoints = "processor_checkpoints";

    /// <summary>The fact tables a processor with these settings writes to.</summary>
    public static IEnumerable<string> FactTables(ProcessorOptions options)
    {
        var sizes = options.ResolveWindows();
        var cubes = options.ResolveCubes();
        var bySize = options.CubesBySize();
        for (var s = 0; s < sizes.Count; s++)
        {
            foreach (var c in bySize[s])
            {
                yield return cubes[c].TableName(sizes.Labels[s]);
            }
        }
    }

    /// <summary>The schema migrations, in order, from the embedded Sinks/Migrations/*.sql files, fragments expanded.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>
    /// A fragment of the migration that defines the analyst views (<c>metric_sums</c>,
    /// <c>derived_metrics</c>): alerting groups by other dimensions with the views' exact formulas.
    /// </summary>
    public static string ViewFragment(string name)
    {
        var assembly = typeof(QoeTables).Assembly;
        using var stream = assembly.GetManifestResourceStream("Analytics.Processors.Migrations.0002_qoe_semantics.sql")!;
        using var reader = new StreamReader(stream);
        return MigrationText.Fragment(reader.ReadToEnd(), name);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(QoeTables).Assembly;
        var scripts = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            // Resource names end with "<NNNN>_<name>.sql".
            var file = resource.Split('.')[^2];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new Migration(version, file[(underscore + 1)..], MigrationText.Expand(reader.ReadToEnd(), file + ".sql")));
        }

        return scripts;
    }
}
