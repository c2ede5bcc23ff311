using System.Diagnostics;
using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>One timed pass: wall time, the whole process's CPU time over it, and the pipeline's details if it was one.</summary>
internal sealed record Sample(TimeSpan Elapsed, TimeSpan Cpu, PipelineRunResult? Pipeline = null, long Groups = -1);

/// <summary>A phase measured once per round, interleaved with the others so that machine noise hits all of them alike.</summary>
internal sealed class Measurement
{
    private readonly Func<CancellationToken, Task<Sample>> _run;

    public Measurement(string name, string description, Func<CancellationToken, Task<Sample>> run)
    {
        Name = name;
        Description = description;
        _run = run;
    }

    public string Name { get; }

    public string Description { get; }

    public List<Sample> Samples { get; } = [];

    public Stats Rate(int events) => Stats.Of(Samples.Select(s => events / s.Elapsed.TotalSeconds).ToArray());

    /// <summary>Events per second of process CPU time: less sensitive than wall time to other processes taking the core.</summary>
    public Stats RatePerCpuSecond(int events) => Stats.Of(Samples.Select(s => events / s.Cpu.TotalSeconds).ToArray());

    public Stats Seconds => Stats.Of(Samples.Select(s => s.Elapsed.TotalSeconds).ToArray());

    /// <summary>Process CPU time per wall time: about 1 for one busy thread.</summary>
    public double MedianCpuPerWall => Stats.Of(Samples.Select(s => s.Cpu / s.Elapsed).ToArray()).Median;

    /// <summary>Starts from a collected heap, so leftovers of the previous phase are not billed to this one.</summary>
    public async Task<Sample> RunAsync(CancellationToken ct)
    {
        ProcessMemory.CollectAndMeasureHeap();
        var sample = await _run(ct);
        Samples.Add(sample);
        return sample;
    }

    /// <summary>Times a synchronous body on the calling thread.</summary>
    public static Sample Time(Func<PipelineRunResult?> body)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var result = body();
        clock.Stop();
        return new Sample(clock.Elapsed, Environment.CpuUsage.TotalTime - cpu, result);
    }
}
