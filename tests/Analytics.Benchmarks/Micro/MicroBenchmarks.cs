using Analytics.Benchmarks.Harness;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Analytics.Benchmarks.Micro;

/// <summary>Runs the BenchmarkDotNet micro-benchmarks of this assembly with a short job.</summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun)
            .AddDiagnoser(MemoryDiagnoser.Default)

            // A shared, loaded machine can take over the default 2 minutes to build the benchmark exe.
            .WithBuildTimeout(TimeSpan.FromMinutes(10))
            .WithArtifactsPath(Path.Combine(ArtifactPaths.DefaultDirectory(), "micro"));

        // Without a filter BenchmarkDotNet asks on the console which to run; a script wants all of them.
        var effective = args.Length == 0 ? ["--filter", "*"] : args;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(effective, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
