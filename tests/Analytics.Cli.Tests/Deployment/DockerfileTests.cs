using Xunit.Abstractions;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>The Dockerfile cannot be built here (no Docker); it is checked against the repository instead.</summary>
public sealed class DockerfileTests(ITestOutputHelper output)
{
    private const string Dockerfile = DockerfileValidator.DockerfilePath;
    private const string Ignore = DockerfileValidator.DockerIgnorePath;

    public static TheoryData<string, string, string, string> BrokenImages => new()
    {
        { Dockerfile, "apt-get install -y --no-install-recommends librdkafka1", "apt-get install -y --no-install-recommends librdkafka-dev", "does not apt-get install librdkafka1" },
        { Dockerfile, "ENTRYPOINT [\"dotnet\", \"analytics.dll\"]", "ENTRYPOINT [\"dotnet\", \"Analytics.Cli.dll\"]", "ENTRYPOINT [\"dotnet\", \"analytics.dll\"]" },
        { Dockerfile, "ENTRYPOINT [\"dotnet\", \"analytics.dll\"]", "ENTRYPOINT dotnet analytics.dll", "exec form" },
        { Dockerfile, "CMD [\"run\"]", "CMD [\"demo\"]", "CMD [\"run\"]" },
        { Dockerfile, "USER $APP_UID", "USER root", "non-root USER" },
        { Dockerfile, "COPY cli/Analytics.Cli/ cli/Analytics.Cli/", "COPY cli/Analytics.Client/ cli/Analytics.Cli/", "COPY cli/Analytics.Client/: not in the repository" },
        { Dockerfile, "COPY processors/Analytics.Processors/ processors/Analytics.Processors/\n", string.Empty, "does not copy processors/Analytics.Processors" },
        { Dockerfile, " Directory.Packages.props .editorconfig ./", " .editorconfig ./", "does not copy Directory.Packages.props" },
        { Dockerfile, "COPY --from=build /app ./", "COPY --from=builder /app ./", "--from=builder names no earlier stage" },
        { Dockerfile, "COPY --from=build /app ./", string.Empty, "does not copy the published output" },
        { Dockerfile, "sdk:10.0-noble", "sdk:9.0", "the build stage uses mcr.microsoft.com/dotnet/sdk:9.0" },
        { Dockerfile, "aspnet:10.0-noble", "runtime:10.0-noble", "the CLI needs mcr.microsoft.com/dotnet/aspnet:10.0" },
        { Dockerfile, "-c Release", "-c Debug", "must build -c Release" },
        { Dockerfile, "dotnet publish cli/Analytics.Cli/Analytics.Cli.csproj", "dotnet publish ingest/Analytics.Ingest/Analytics.Ingest.csproj", "not the CLI" },
        { Ignore, ".tools/\n", string.Empty, "does not exclude .tools" },
        { Ignore, "**/obj/\n", "obj/\n", "does not exclude cli/Analytics.Cli/obj" },
        { Ignore, "tests/\n", "tests/\ncli/\n", "COPY cli/Analytics.Cli/Analytics.Cli.csproj: .dockerignore leaves it out of the build context" },
    };

    [Fact]
    public void The_committed_dockerfile_is_consistent()
    {
        Assert.Empty(DockerfileValidator.Validate(RepositoryFiles.Checkout));
    }

    [Fact]
    public void Builds_the_cli_with_the_sdk_and_runs_it_on_aspnet_with_librdkafka()
    {
        var model = DockerfileModel.Parse(RepositoryFiles.Checkout.Read(Dockerfile)!);

        Assert.Equal(2, model.Stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", model.Stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", model.Stages[1].Image, StringComparison.Ordinal);
        Assert.Contains(model.Stages[1].All("RUN"), r => r.Arguments.Contains("librdkafka1", StringComparison.Ordinal));
        Assert.Equal(["dotnet", "analytics.dll"], model.Stages[1].All("ENTRYPOINT").Single().Words);
    }

    [Theory]
    [MemberData(nameof(BrokenImages))]
    public void A_broken_image_is_rejected(string file, string find, string replacement, string expectedProblem)
    {
        var broken = RepositoryFiles.Checkout.Edit(file, text => text.Replace(find, replacement, StringComparison.Ordinal));

        var problems = DockerfileValidator.Validate(broken);

        output.WriteLine(string.Join('\n', problems));
        Assert.True(
            problems.Any(p => p.Contains(expectedProblem, StringComparison.Ordinal)),
            $"Expected a problem containing \"{expectedProblem}\"; got:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void Continuation_lines_and_comments_are_read_as_docker_reads_them()
    {
        var model = DockerfileModel.Parse("""
            ARG V=1
            # comment
            FROM a:1 AS one
            RUN apt-get update \
                # a comment inside a continued line is dropped
                && apt-get install -y x
            FROM --platform=linux/amd64 b:2
            COPY --from=one /out ./
            """);

        Assert.Equal([("a:1", "one"), ("b:2", null)], model.Stages.Select(s => (s.Image, s.Name)));
        Assert.Equal("apt-get update && apt-get install -y x", model.Stages[0].All("RUN").Single().Arguments);
        Assert.Equal(["--from=one", "/out", "./"], model.Stages[1].All("COPY").Single().Words);
    }

    [Theory]
    [InlineData("**/bin/", "cli/Analytics.Cli/bin", true)]
    [InlineData("**/bin/", "bin", true)]
    [InlineData("**/bin/", "cli/Analytics.Cli/bin/Release/analytics.dll", true)]
    [InlineData("**/bin/", "cli/binary.cs", false)]
    [InlineData(".git/", ".git", true)]
    [InlineData(".git/", "src/.git", false)]
    [InlineData("*.trx", "results.trx", true)]
    [InlineData("*.trx", "tests/results.trx", false)]
    [InlineData("tests/\n!tests/keep.txt", "tests/keep.txt", false)]
    [InlineData("tests/\n!tests/keep.txt", "tests/drop.txt", true)]
    public void Dockerignore_patterns_match_as_docker_matches_them(string patterns, string path, bool excluded)
    {
        Assert.Equal(excluded, new DockerIgnore(patterns).Excludes(path));
    }
}
