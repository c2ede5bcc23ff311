using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// Checks the repository's Dockerfile without Docker: the stages use the SDK and ASP.NET images of our
/// target framework, everything COPY takes exists and survives .dockerignore, the build stage has
/// every project the CLI needs, and the runtime image has librdkafka and starts analytics.dll as a
/// non-root user. Returns every problem found.
/// </summary>
internal static partial class DockerfileValidator
{
    public const string DockerfilePath = "Dockerfile";
    public const string DockerIgnorePath = ".dockerignore";
    public const string CliProject = "cli/Analytics.Cli/Analytics.Cli.csproj";

    /// <summary>Files at the root that change how the projects build; the build stage must have those that exist.</summary>
    private static readonly string[] BuildInputs = ["global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ".editorconfig", "NuGet.config", "nuget.config"];

    /// <summary>What the image must leave out: build outputs, local state, and the 0.5 GB chDB under .tools.</summary>
    private static readonly string[] MustIgnore = ["cli/Analytics.Cli/bin", "cli/Analytics.Cli/obj", "ingest/Analytics.Ingest/obj", ".git", ".tools", ".data", ".artifacts"];

    public static IReadOnlyList<string> Validate(RepositoryFiles files)
    {
        if (files.Read(DockerfilePath) is not { } text)
        {
            return [$"{DockerfilePath} is missing"];
        }

        var problems = new List<string>();
        DockerfileModel dockerfile;
        try
        {
            dockerfile = DockerfileModel.Parse(text);
        }
        catch (FormatException ex)
        {
            return [$"{DockerfilePath}: {ex.Message}"];
        }

        var ignore = new DockerIgnore(files.Read(DockerIgnorePath));
        if (files.Read(DockerIgnorePath) is null)
        {
            problems.Add($"{DockerIgnorePath} is missing: the build context would carry bin/, obj/, .git and .tools");
        }

        foreach (var path in MustIgnore.Where(p => !ignore.Excludes(p)))
        {
            problems.Add($"{DockerIgnorePath} does not exclude {path}");
        }

        if (dockerfile.Stages.Count < 2)
        {
            problems.Add($"{DockerfilePath} must build in one stage and run in another (found {dockerfile.Stages.Count} stage(s))");
            return problems;
        }

        var dotnet = TargetFrameworkVersion(files);
        var build = dockerfile.Stages[0];
        var runtime = dockerfile.Stages[^1];
        if (!build.Image.StartsWith($"mcr.microsoft.com/dotnet/sdk:{dotnet}", StringComparison.Ordinal))
        {
            problems.Add($"the build stage uses {build.Image}; the projects target .NET {dotnet}, so use mcr.microsoft.com/dotnet/sdk:{dotnet}");
        }

        var cli = files.Read(CliProject) is { } cliXml ? XDocument.Parse(cliXml) : null;
        var needsAspNet = cli?.Descendants("FrameworkReference").Any(f => f.Attribute("Include")?.Value == "Microsoft.AspNetCore.App") ?? false;
        var runtimeImage = needsAspNet ? "aspnet" : "runtime";
        if (!runtime.Image.StartsWith($"mcr.microsoft.com/dotnet/{runtimeImage}:{dotnet}", StringComparison.Ordinal)
            && !(runtimeImage == "runtime" && runtime.Image.StartsWith($"mcr.microsoft.com/dotnet/aspnet:{dotnet}", StringComparison.Ordinal)))
        {
            problems.Add($"the runtime stage uses {runtime.Image}; the CLI needs mcr.microsoft.com/dotnet/{runtimeImage}:{dotnet}");
        }

        CheckCopies(dockerfile, files, ignore, problems);
        CheckBuildStage(build, files, problems);
        CheckRuntimeStage(runtime, build, cli, problems);
        return problems;
    }

    private static void CheckCopies(DockerfileModel dockerfile, RepositoryFiles files, DockerIgnore ignore, List<string> problems)
    {
        foreach (var stage in dockerfile.Stages)
        {
            foreach (var copy in stage.Instructions.Where(i => i.Keyword is "COPY" or "ADD"))
            {
                var (flags, sources, _) = Split(copy);
                if (flags.TryGetValue("--from", out var from))
                {
                    var earlier = dockerfile.Stages.Take(stage.Index).ToList();
                    if (!earlier.Any(s => s.Name == from || s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) == from))
                    {
                        problems.Add($"{copy.Keyword} --from={from} names no earlier stage");
                    }

                    continue;
                }

                foreach (var source in sources)
                {
                    var relative = RepositoryFiles.Relative(source);
                    if (relative is null || !files.Exists(relative))
                    {
                        problems.Add($"{copy.Keyword} {source}: not in the repository");
                    }
                    else if (ignore.Excludes(relative))
                    {
                        problems.Add($"{copy.Keyword} {source}: {DockerIgnorePath} leaves it out of the build context");
                    }
                }
            }
        }
    }

    private static void CheckBuildStage(DockerStage build, RepositoryFiles files, List<string> problems)
    {
        var copied = build.All("COPY").Where(c => !Split(c).Flags.ContainsKey("--from")).SelectMany(c => Split(c).Sources).Select(s => RepositoryFiles.Relative(s) ?? s).ToList();
        bool Copied(string path) => copied.Any(c => c.Length == 0 || path == c || path.StartsWith(c + "/", StringComparison.Ordinal));
        foreach (var input in BuildInputs.Where(files.Exists).Where(i => !Copied(i)))
        {
            problems.Add($"the build stage does not copy {input}, which shapes the build");
        }

        var publish = build.All("RUN").Select(r => PublishCommand().Match(r.Arguments)).FirstOrDefault(m => m.Success);
        if (publish is null)
        {
            problems.Add("the build stage never runs dotnet publish");
            return;
        }

        var project = publish.Groups["project"].Value;
        if (RepositoryFiles.Relative(project) != CliProject)
        {
            problems.Add($"the build stage publishes {project}, not the CLI ({CliProject})");
        }

        if (!Regex.IsMatch(publish.Value, @"(-c|--configuration)\s+Release\b"))
        {
            problems.Add("dotnet publish must build -c Release");
        }

        foreach (var needed in ProjectClosure(files, CliProject).Where(p => !Copied(p)))
        {
            problems.Add($"the build stage does not copy {needed}, which {CliProject} needs");
        }
    }

    private static void CheckRuntimeStage(DockerStage runtime, DockerStage build, XDocument? cli, List<string> problems)
    {
        if (!runtime.All("RUN").Any(r => Regex.IsMatch(r.Arguments, @"apt-get\s+install\b[^&;|]*\blibrdkafka1\b")))
        {
            problems.Add("the runtime stage does not apt-get install librdkafka1, which Confluent.Kafka loads (no librdkafka.redist here)");
        }

        if (!runtime.All("COPY").Any(c => Split(c).Flags.TryGetValue("--from", out var from) && (from == build.Name || from == "0")))
        {
            problems.Add("the runtime stage does not copy the published output from the build stage");
        }

        var assembly = (cli?.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(CliProject)) + ".dll";
        if (runtime.All("ENTRYPOINT").LastOrDefault() is not { IsExecForm: true } entrypoint || entrypoint.Words is not ["dotnet", var dll] || dll != assembly)
        {
            problems.Add($"the image must start with ENTRYPOINT [\"dotnet\", \"{assembly}\"] (exec form, so SIGTERM reaches the processor)");
        }

        if (runtime.All("CMD").LastOrDefault() is not { IsExecForm: true } cmd || cmd.Words is not ["run"])
        {
            problems.Add("the image's default command must be CMD [\"run\"], the processor");
        }

        if (runtime.All("USER").LastOrDefault()?.Arguments is not { } user || user is "root" or "0" || user.StartsWith("root:", StringComparison.Ordinal) || user.StartsWith("0:", StringComparison.Ordinal))
        {
            problems.Add("the runtime stage must switch to a non-root USER");
        }
    }

    /// <summary>The directories of a project and every project it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(RepositoryFiles files, string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current) || files.Read(current) is not { } xml)
            {
                continue;
            }

            var dir = Path.GetDirectoryName(current)!.Replace('\\', '/');
            foreach (var reference in XDocument.Parse(xml).Descendants("ProjectReference"))
            {
                if (RepositoryFiles.Relative(dir + "/" + reference.Attribute("Include")!.Value.Replace('\\', '/')) is { } path)
                {
                    pending.Push(path);
                }
            }
        }

        return seen.Select(p => Path.GetDirectoryName(p)!.Replace('\\', '/'));
    }

    /// <summary>"10.0" from Directory.Build.props' net10.0.</summary>
    private static string TargetFrameworkVersion(RepositoryFiles files)
    {
        var tfm = files.Read("Directory.Build.props") is { } props ? XDocument.Parse(props).Descendants("TargetFramework").FirstOrDefault()?.Value : null;
        return tfm is not null && tfm.StartsWith("net", StringComparison.Ordinal) ? tfm[3..] : throw new InvalidOperationException("Directory.Build.props names no TargetFramework.");
    }

    private static (Dictionary<string, string> Flags, List<string> Sources, string Destination) Split(DockerInstruction copy)
    {
        var words = copy.Words.ToList();
        var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal))
            .Select(w => w.Split('=', 2))
            .ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : string.Empty, StringComparer.Ordinal);
        var rest = words.Skip(flags.Count).ToList();
        return rest.Count < 2 ? (flags, [], string.Empty) : (flags, rest[..^1], rest[^1]);
    }

    [GeneratedRegex(@"dotnet\s+publish\s+(?<project>\S+\.csproj)[^&;|]*")]
    private static partial Regex PublishCommand();
}
