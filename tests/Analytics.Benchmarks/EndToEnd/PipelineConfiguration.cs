using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>A processor configuration measured side by side with the others.</summary>
internal sealed record PipelineConfiguration(string Name, string Description, ProcessorOptions Options)
{
    /// <summary>Everything the processor computes: 10 s and 1 min windows, all three cubes.</summary>
    public static PipelineConfiguration Full { get; } = new(
        "pipeline-full",
        "windows 10s+1m, cubes delivery+client+content",
        new ProcessorOptions { Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)], Cubes = Cube.All.Select(c => c.Name).ToArray() }.Validate());

    /// <summary>The Foundation slice: the 1 min window and the delivery cube only.</summary>
    public static PipelineConfiguration Foundation { get; } = new(
        "pipeline-foundation",
        "window 1m, cube delivery",
        new ProcessorOptions { Windows = [TimeSpan.FromMinutes(1)], Cubes = [Cube.Delivery.Name] }.Validate());

    public static IReadOnlyList<PipelineConfiguration> All { get; } = [Full, Foundation];
}
