using Analytics.Common;
using Analytics.Ingest.Simulator;
using Analytics.Ingest.Simulator.Incidents;

namespace Analytics.Ingest.Tests.Simulator;

public sealed class IncidentSpecTests
{
    [Fact]
    public void A_pop_outage_parses_with_its_defaults_and_ground_truth()
    {
        var spec = IncidentSpec.Parse("pop-outage:pop=iad-2,at=2m,for=5m,ramp=30s");
        var incident = spec.Resolve(1_000_000);

        Assert.Equal(IncidentKind.PopOutage, spec.Kind);
        Assert.Equal(new Dictionary<string, string> { ["pop"] = "iad-2" }, spec.Slice);
        Assert.Equal(new Dictionary<string, string> { ["cdn"] = "akamai" }, spec.Parents);
        Assert.Equal("vsf_rate", spec.Metric);
        Assert.Equal(0.6, spec.Knob("rate"));
        Assert.Equal("CDN_HTTP_503", spec.ErrorCode);
        Assert.Equal(1_000_000 + 120_000, incident.StartMs);
        Assert.Equal(1_000_000 + 420_000, incident.EndMs);
        Assert.Equal(1_000_000 + 135_000, incident.EffectiveOnsetMs);
        Assert.Equal(0.5, incident.Strength(incident.EffectiveOnsetMs), 3);
        Assert.Equal(0, incident.Strength(incident.StartMs - 1));
        Assert.Equal(1, incident.Strength(incident.EndMs - 1));
        Assert.Equal(0, incident.Strength(incident.EndMs));
    }

    [Theory]
    [InlineData("isp-congestion:isp=comcast,at=0,for=1h", "isp", "Comcast", "rebuffering_ratio")]
    [InlineData("app-crash:app_version=6.14.0,at=1m,for=2m,rate=0.9", "app_version", "6.14.0", "vpf_rate")]
    [InlineData("title-encoding:title_id=t000042,at=1m,for=2m,code=BAD_CODEC", "title_id", "t000042", "vsf_rate")]
    [InlineData("regional-drop:region=eu-west,at=1m,for=2m", "region", "eu-west", "attempts")]
    [InlineData("cdn-cache-miss:cdn=OCA,at=1m30s,for=2m,hit=0.3", "cdn", "oca", "cache_hit_ratio")]
    [InlineData("PREMIERE:title_id=t000001,at=1m,for=20m,boost=3", "title_id", "t000001", "attempts")]
    public void Every_kind_parses_to_its_slice_and_metric(string text, string dimension, string value, string metric)
    {
        var spec = IncidentSpec.Parse(text);

        Assert.Equal(value, spec.Slice[dimension]);
        Assert.Equal(metric, spec.Metric);
    }

    [Theory]
    [InlineData("meteor:pop=iad-2,at=1m,for=1m", "unknown incident kind \"meteor\"; kinds: pop-outage, isp-congestion, app-crash, title-encoding, regional-drop, cdn-cache-miss, premiere")]
    [InlineData("pop-outage:at=1m,for=1m", "pop-outage needs pop=…, e.g. pop=iad-1")]
    [InlineData("pop-outage:pop=xyz-9,at=1m,for=1m", "pop \"xyz-9\" is not in the simulator's catalog; valid values include iad-1, iad-2")]
    [InlineData("isp-congestion:isp=Acme,at=1m,for=1m", "isp \"Acme\" is not in the simulator's catalog; valid values include Comcast")]
    [InlineData("title-encoding:title_id=t999999,at=1m,for=1m", "valid values are t000001 (most watched) to t001000")]
    [InlineData("pop-outage:pop=iad-2,at=soon,for=1m", "at \"soon\" is not a duration; write it like 500ms, 10s, 2m or 4m30s")]
    [InlineData("pop-outage:pop=iad-2,for=1m", "needs at=…")]
    [InlineData("pop-outage:pop=iad-2,at=1m,for=0", "for must be positive")]
    [InlineData("pop-outage:pop=iad-2,at=1m,for=1m,ramp=2m", "ramp (2m) must not be longer than for (1m)")]
    [InlineData("pop-outage:pop=iad-2,at=1m,for=1m,rate=1.5", "rate \"1.5\" must be a number greater than 0 and at most 1")]
    [InlineData("pop-outage:pop=iad-2,at=1m,for=1m,boost=2", "pop-outage does not take \"boost\"; it takes pop, at, for, ramp, rate, code")]
    [InlineData("pop-outage:pop=iad-2,pop=iad-1,at=1m,for=1m", "\"pop\" is given twice")]
    [InlineData("premiere:title_id=t000001,at=1m,for=1m,boost=1", "boost \"1\" must be a number greater than 1")]
    public void A_bad_spec_says_what_is_wrong_and_what_to_write(string text, string expected)
    {
        var ex = Assert.Throws<IncidentSpecException>(() => IncidentSpec.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.Spec);
        Assert.False(ex.IsTransient);
        Assert.IsAssignableFrom<IngestException>(ex);
    }

    [Fact]
    public void A_list_split_at_commas_is_joined_back()
    {
        var items = "pop-outage:pop=iad-2,at=2m,for=5m,isp-congestion:isp=Comcast,at=1m,for=3m,ramp=1m".Split(',');

        var specs = IncidentSpec.ParseAll(items);

        Assert.Equal([IncidentKind.PopOutage, IncidentKind.IspCongestion], specs.Select(s => s.Kind));
        Assert.Equal(60_000, specs[1].RampMs);
    }

    [Fact]
    public void The_options_validate_their_incidents_as_a_setting()
    {
        var options = new SimulatorOptions { Incidents = ["pop-outage:pop=nowhere,at=1m,for=1m"] };

        var ex = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(nameof(SimulatorOptions.Incidents), ex.Key);
        Assert.Contains("valid values include iad-1", ex.Message, StringComparison.Ordinal);
        Assert.Empty(new SimulatorOptions().ParseIncidents());
    }

    [Fact]
    public void Titles_are_checked_against_the_configured_catalog()
    {
        Assert.Equal("t004000", IncidentSpec.Parse("premiere:title_id=t004000,at=0,for=1m", titleCount: 5000).Value);
        Assert.Throws<OptionsValidationException>(new SimulatorOptions { TitleCount = 10, Incidents = ["premiere:title_id=t000011,at=0,for=1m"] }.Validate);
    }
}
