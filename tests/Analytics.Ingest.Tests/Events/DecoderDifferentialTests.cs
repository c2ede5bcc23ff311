using Analytics.Ingest.Events;
using Analytics.Testing.DecoderFuzz;

namespace Analytics.Ingest.Tests.Events;

/// <summary>
/// The scanner-first decoder against the general decoder (the oracle) on seeded valid and
/// invalid beacons. The benchmark command <c>fuzz-decoder</c> runs the same at 1M+ inputs.
/// </summary>
public sealed class DecoderDifferentialTests
{
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    public void Scanner_and_general_decoder_agree_on_every_input(ulong seed)
    {
        var run = DecoderDifferential.Run(25_000, seed);

        Assert.True(run.Mismatches == 0, string.Join("\n", run.FirstMismatches));
        Assert.Equal(25_000, run.Inputs);

        // The inputs must exercise both sides: the scanner's own decodes and every kind of rejection.
        Assert.InRange(run.Valid, run.Inputs / 5, run.Inputs * 4 / 5);
        Assert.InRange(run.ScannerValid, run.Valid / 2, run.Valid);
        foreach (var reason in InvalidEventReasons.All.Where(r => r is not InvalidEventReason.TooLarge and not InvalidEventReason.Empty))
        {
            Assert.True(run.Invalid(reason) > 0, $"no input was rejected with {reason.ToCode()}");
        }
    }

    [Fact]
    public void A_mismatch_is_counted_and_kept_with_its_input()
    {
        // The differential compares against its oracle; an input both reject alike is no mismatch.
        var run = new DecoderDifferential();
        Assert.True(run.Check("{\"v\":"u8));
        Assert.Equal(1, run.Invalid(InvalidEventReason.MalformedJson));
        Assert.Equal(0, run.Mismatches);
        Assert.Equal("{\"v\":\\xff", DecoderDifferential.Escape([.. "{\"v\":"u8, 0xff]));
    }
}
