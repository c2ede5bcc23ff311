using System.Diagnostics;

namespace Analytics.Benchmarks.Harness;

/// <summary>Timestamped progress lines on stderr, so stdout keeps only the results.</summary>
internal static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Report(string message) => Console.Error.WriteLine(Units.F($"[{Clock.Elapsed.TotalSeconds,7:F1}s] {message}"));
}
