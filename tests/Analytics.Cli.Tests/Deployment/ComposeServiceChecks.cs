using Analytics.Common;
using YamlDotNet.Core;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// The checks every Compose file of the repository passes, whatever its services: depends_on conditions that
/// can be met, mounted files and build inputs that exist, pinned images and unique host ports.
/// </summary>
internal static class ComposeServiceChecks
{
    public const string Healthy = "service_healthy";
    public const string Completed = "service_completed_successfully";

    /// <summary>
    /// Reads and parses a Compose file of the repository and runs <see cref="CheckAll"/> on it; null, with the
    /// reason in <paramref name="problems"/>, when it is missing or not Compose.
    /// </summary>
    public static ComposeFile? Open(RepositoryFiles files, string path, IReadOnlyDictionary<string, string>? variables, List<string> problems)
    {
        if (files.Read(path) is not { } text)
        {
            problems.Add($"{path} is missing");
            return null;
        }

        ComposeFile compose;
        try
        {
            compose = ComposeFile.Parse(text, variables ?? new Dictionary<string, string>());
        }
        catch (Exception ex) when (ex is YamlException or FormatException or InvalidCastException)
        {
            problems.Add($"{path} is not a Compose file: {ex.Message}");
            return null;
        }

        problems.AddRange(compose.Problems);
        CheckAll(compose, files, problems);
        return compose;
    }

    /// <summary>All of the above.</summary>
    public static void CheckAll(ComposeFile compose, RepositoryFiles files, List<string> problems)
    {
        CheckDependencies(compose, problems);
        CheckFiles(compose, files, problems);
        CheckImagesAndPorts(compose, problems);
    }

    internal static void CheckDependencies(ComposeFile compose, List<string> problems)
    {
        foreach (var service in compose.Services.Values)
        {
            foreach (var (target, condition) in service.DependsOn)
            {
                if (!compose.Services.TryGetValue(target, out var dependency))
                {
                    problems.Add($"service {service.Name} depends on {target}, which is not a service");
                    continue;
                }

                switch (condition)
                {
                    case Healthy when dependency.Healthcheck is not { Count: > 0 }:
                        problems.Add($"service {service.Name} waits for {target} to be healthy, but {target} has no healthcheck");
                        break;
                    case Completed when dependency.Restart is not (null or "no") && !dependency.Restart.StartsWith("on-failure", StringComparison.Ordinal):
                        problems.Add($"service {service.Name} waits for {target} to complete, but {target} restarts ({dependency.Restart}) and never completes");
                        break;
                    case Healthy or Completed or "service_started":
                        break;
                    default:
                        problems.Add($"service {service.Name}: depends_on {target} has an unknown condition {condition}");
                        break;
                }

                if (service.Profiles.Count == 0 && dependency.Profiles.Count > 0)
                {
                    problems.Add($"service {service.Name} always runs but depends on {target}, which only runs in profile {string.Join(", ", dependency.Profiles)}");
                }
            }
        }
    }

    internal static void CheckFiles(ComposeFile compose, RepositoryFiles files, List<string> problems)
    {
        foreach (var service in compose.Services.Values)
        {
            foreach (var mount in service.Volumes)
            {
                if (mount.Type == "bind")
                {
                    if (mount.Source is null || !mount.Source.StartsWith('.'))
                    {
                        problems.Add($"service {service.Name} mounts {mount.Source}, a host-specific path; mount files of the repository (./…)");
                    }
                    else if (RepositoryFiles.Relative(mount.Source) is not { } relative || !files.Exists(relative))
                    {
                        problems.Add($"service {service.Name} mounts {mount.Source}, which is not in the repository");
                    }
                }
                else if (mount.Type == "volume" && mount.Source is { } volume && !compose.Volumes.Contains(volume))
                {
                    problems.Add($"service {service.Name} uses volume {volume}, which the top-level volumes do not declare");
                }
            }

            if (service.Build is { } build)
            {
                var context = RepositoryFiles.Relative(build.Context);
                if (context is null || !files.Exists(context))
                {
                    problems.Add($"service {service.Name} builds from {build.Context}, which is not a directory of the repository");
                }
                else if (RepositoryFiles.Relative(Path.Combine(context, build.Dockerfile)) is not { } dockerfile || !files.Exists(dockerfile))
                {
                    problems.Add($"service {service.Name} builds with {build.Dockerfile}, which is not in its context {build.Context}");
                }
            }
        }
    }

    internal static void CheckImagesAndPorts(ComposeFile compose, List<string> problems)
    {
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in compose.Services.Values)
        {
            if (service.Build is null)
            {
                var image = service.Image ?? string.Empty;
                var tag = image.Contains('@', StringComparison.Ordinal) ? "digest" : image[(image.LastIndexOf('/') + 1)..].Split(':') is [_, var t] ? t : null;
                if (tag is null or "latest")
                {
                    problems.Add($"service {service.Name}: image \"{image}\" must pin a version (a tag other than latest)");
                }
            }

            foreach (var port in service.Ports)
            {
                // "8123" alone publishes on a random host port, which cannot clash.
                var parts = port.Split(':');
                if (parts.Length < 2)
                {
                    continue;
                }

                var host = string.Join(':', parts[..^1]);
                if (!published.TryAdd(host, service.Name))
                {
                    problems.Add($"services {published[host]} and {service.Name} both publish host port {host}");
                }
            }
        }
    }

    /// <summary>Runs an options record's validations, each failure a problem of <paramref name="who"/>.</summary>
    internal static void Check(string who, List<string> problems, params Action[] validations)
    {
        foreach (var validate in validations)
        {
            try
            {
                validate();
            }
            catch (OptionsValidationException ex)
            {
                problems.Add($"{who}: {ex.Message}");
            }
        }
    }
}
