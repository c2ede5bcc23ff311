using System.Runtime;
using System.Runtime.InteropServices;

namespace Analytics.Benchmarks.Harness;

/// <summary>Where figures were measured: they only compare with figures from the same kind of machine.</summary>
internal sealed record MachineInfo(string Cpu, int LogicalCores, string Os, string Runtime, string Gc, string Host)
{
    public static MachineInfo Current()
    {
        var gc = (GCSettings.IsServerGC ? "server" : "workstation") + (AppContext.TryGetSwitch("System.GC.Concurrent", out var concurrent) && !concurrent ? ", non-concurrent" : string.Empty);
        return new MachineInfo(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, gc, Environment.MachineName);
    }

    public override string ToString() => $"{Cpu}, {LogicalCores} logical cores, {Os}, {Runtime}, {Gc} GC";

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
