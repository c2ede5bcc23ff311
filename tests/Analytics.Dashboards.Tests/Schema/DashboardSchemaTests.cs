using System.Diagnostics;
using System.Text.Json.Nodes;
using Analytics.Dashboards.Tests.Grafana;

namespace Analytics.Dashboards.Tests.Schema;

/// <summary>
/// Each dashboard against Grafana's published dashboard schema: the <c>Dashboard</c> type of the
/// <c>@grafana/schema</c> npm package (generated from Grafana's CUE kinds), checked by the TypeScript
/// compiler with the dashboard as an object literal, so a wrong type, a missing required field or an
/// unknown property is an error. <c>./analytics setup</c> fetches both, pinned, into .tools/grafana-schema.
/// </summary>
public sealed class DashboardSchemaTests
{
    private const string SchemaImport = "@grafana/schema/dist/types/raw/dashboard/x/types.gen";

    // The generated types use TypeScript enums where the JSON holds their strings ("thresholds"):
    // this maps every enum to the union of its string values and leaves everything else as it is,
    // so excess-property and type checks still apply.
    private const string JsonOfEnums =
        "type Json<T> = T extends string ? `${T}` : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;";

    // The schema types an annotation's target as the built-in Grafana datasource's (its own comment: "TODO..
    // this should just be a normal query target"). Grafana saves a datasource's annotation query there, next
    // to those fields (which stay required and typed): the query's own fields (rawSql, ...) are let through.
    private const string AnnotationTargets =
        "type Annotation = Omit<AnnotationQuery, 'target'> & { target?: AnnotationTarget & { [key: string]: unknown } };\n"
        + "type Checked = Omit<Dashboard, 'annotations'> & { annotations?: { list?: Annotation[] } };";

    [Theory]
    [MemberData(nameof(Dashboard.Names), MemberType = typeof(Dashboard))]
    public void Each_dashboard_type_checks_against_grafanas_published_schema(string file)
    {
        var (code, output) = Check(file, File.ReadAllText(Path.Combine(Dashboard.Folder, file)));

        Assert.True(code == 0, $"{file} does not match @grafana/schema's Dashboard:\n{output}");
    }

    [Theory]
    [InlineData("an unknown panel property", "gridPoss", "'\"gridPoss\"' does not exist")]
    [InlineData("a wrong type", "schemaVersion", "is not assignable to type 'number'")]
    [InlineData("a wrong enum value", "absolutely", "\"absolutely\"' is not assignable")]
    public void The_check_catches_a_broken_dashboard(string what, string mutation, string expected)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Dashboard.Folder, "noc-overview.json")))!.AsObject();
        var stat = dashboard["panels"]!.AsArray().First(p => p!["fieldConfig"]?["defaults"]?["thresholds"] is not null)!;
        switch (mutation)
        {
            case "gridPoss":
                stat["gridPoss"] = new JsonObject { ["x"] = 0 };
                break;
            case "schemaVersion":
                dashboard["schemaVersion"] = "39";
                break;
            default:
                stat["fieldConfig"]!["defaults"]!["thresholds"]!["mode"] = "absolutely";
                break;
        }

        var (code, output) = Check("broken.json", dashboard.ToJsonString());

        Assert.True(code != 0, $"{what} passed the check");
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    // The repository root: the dashboards folder's parent (.tools lives there).
    private static string Root => Path.GetDirectoryName(Dashboard.Folder)!;

    /// <summary>Type-checks the dashboard as a literal of type Dashboard; returns tsc's exit code and output.</summary>
    private static (int Code, string Output) Check(string name, string json)
    {
        var tools = Path.Combine(Root, ".tools", "grafana-schema");
        var tsc = Path.Combine(tools, "node_modules", "typescript", "bin", "tsc");
        Assert.True(File.Exists(tsc), $"{tsc} is missing: run ./analytics setup, which fetches @grafana/schema and typescript from npm");
        var dir = Path.Combine(tools, "checks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var source = Path.Combine(dir, Path.GetFileNameWithoutExtension(name) + ".ts");
            File.WriteAllText(source, $"import type {{ AnnotationQuery, AnnotationTarget, Dashboard }} from '{SchemaImport}';\n\n{JsonOfEnums}\n{AnnotationTargets}\n\nconst dashboard: Json<Checked> = {json};\n\nexport default dashboard;\n");
            var start = new ProcessStartInfo("node", ["--", tsc, "--noEmit", "--strict", "--skipLibCheck", "--pretty", "false", source])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = tools,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "tsc did not finish within 2 minutes");
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
