using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;
using Analytics.Testing.DecoderFuzz;

namespace Analytics.Ingest.Tests.Events;

/// <summary>
/// The scanner must decide the common forms itself (else the fast path is dead code) and leave
/// the rare ones to the general decoder; either way the result is the general decoder's.
/// </summary>
public sealed class BeaconScannerTests
{
    [Fact]
    public void Clean_simulator_traffic_is_decoded_by_the_scanner_alone()
    {
        var messages = TrafficGenerator.Generate(new SimulatorOptions { Seed = 3, ConcurrentSessions = 100, MaxEvents = 3_000 }).ToArray();
        var decoder = new EventDecoder();
        var differential = new DecoderDifferential();
        foreach (var m in messages)
        {
            Assert.True(decoder.TryDecode(m.Value, out _), DecoderDifferential.Escape(m.Value));
            Assert.True(differential.Check(m.Value), string.Join("\n", differential.FirstMismatches));
        }

        Assert.Equal(0, decoder.GeneralDecodes);
        Assert.Equal(messages.Length, differential.ScannerValid);
    }

    [Theory]
    [InlineData("\"isp\":\"Comcast\"", "\"isp\":\"AT\\u0026T \\\"x\\\" \\/ \\n\"")]
    [InlineData("\"isp\":\"Comcast\"", "\"isp\":\"Telef\u00f3nica \u4e2d\"")]
    [InlineData("{\"v\":1,", " \r\n\t{ \"v\" : 1 ,\n ")]
    [InlineData("\"cache_hit\":true}", "\"cache_hit\":true ,\"extra\":[1,-0.5e+3,{\"a\":[null,\"\\ud800\"]}],\"n\":{}}  \n")]
    [InlineData("\"model\":\"QN90C\",", "\"model\":null,\"model\":\"QN90C\",")]
    [InlineData("\"playhead_ms\":734000", "\"playhead_ms\":-0")]
    [InlineData("\"asn\":7922", "\"asn\":4294967295")]
    public void Valid_variants_are_decoded_by_the_scanner(string from, string to)
    {
        var input = BeaconJson.Utf8(BeaconJson.Heartbeat.Replace(from, to, StringComparison.Ordinal));
        var decoder = new EventDecoder();

        Assert.True(decoder.TryDecode(input, out _), decoder.Error.ToString());
        Assert.Equal(0, decoder.GeneralDecodes);
        Assert.True(new DecoderDifferential().Check(input));
    }

    [Theory]
    [InlineData("\"cdn\":", "\"c\\u0064n\":")]
    [InlineData("\"isp\":\"Comcast\"", "\"isp\":\"\\ud83d\\ude00\"")]
    [InlineData("\"ts\":1764201600000", "\"ts\":1.7642016e12")]
    [InlineData("{\"v\":1,", "\ufeff{\"v\":1,")]
    [InlineData("\"cache_hit\":true}", "\"cache_hit\":true,\"deep\":[[[[[[1]]]]]]}")]
    [InlineData("\"cache_hit\":true}", "\"cache_hit\":true,\"cdn\":\"oca\"}")]
    [InlineData("\"v\":1", "\"v\":2")]
    public void Rare_or_invalid_forms_are_left_to_the_general_decoder(string from, string to)
    {
        var input = BeaconJson.Utf8(BeaconJson.Heartbeat.Replace(from, to, StringComparison.Ordinal));
        var decoder = new EventDecoder();

        decoder.TryDecode(input, out _);
        Assert.Equal(1, decoder.GeneralDecodes);
        Assert.True(new DecoderDifferential().Check(input));
    }
}
