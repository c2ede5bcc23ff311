using Analytics.Benchmarks.Harness;
using Analytics.Common;
using Analytics.Ingest.Events;
using Analytics.Testing.DecoderFuzz;

namespace Analytics.Benchmarks.DecoderFuzz;

/// <summary>
/// <c>fuzz-decoder</c>: the differential decoder fuzz at scale. Prints the counts; the exit code
/// is 1 when the scanner-first decoder and the general decoder disagreed on any input.
/// </summary>
internal static class DecoderFuzzCommand
{
    private const string Component = "benchmarks:fuzz-decoder";

    public static int Run(IReadOnlyList<string> args)
    {
        var r = new ArgReader(Component, args);
        var inputs = r.Int("inputs", 1_000_000);
        var seed = r.ULong("seed", 42);
        r.RejectUnknown();
        if (inputs < 1)
        {
            throw new OptionsValidationException(Component, "--inputs", "must be at least 1", inputs);
        }

        Progress.Report($"fuzzing {inputs:N0} inputs, seed {seed}");
        var run = DecoderDifferential.Run(inputs, seed, done => Progress.Report($"{done:N0} inputs"));
        Line("inputs", run.Inputs);
        Line("valid", run.Valid);
        Line("  decoded by the scanner", run.ScannerValid);
        foreach (var reason in InvalidEventReasons.All)
        {
            Line("invalid: " + reason.ToCode(), run.Invalid(reason));
        }

        Line("mismatches", run.Mismatches);
        foreach (var mismatch in run.FirstMismatches)
        {
            Console.WriteLine(mismatch);
        }

        return run.Mismatches == 0 ? 0 : 1;
    }

    private static void Line(string label, long count) => Console.WriteLine($"{label,-36}{count,12:N0}");
}
