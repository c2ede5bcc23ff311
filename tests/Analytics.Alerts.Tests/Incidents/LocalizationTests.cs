using Analytics.Alerts.Incidents;
using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Slices;
using static Analytics.Alerts.Tests.Incidents.IncidentFixtures;

namespace Analytics.Alerts.Tests.Incidents;

public sealed class LocalizationTests
{
    [Fact]
    public async Task The_pop_causing_ninety_percent_of_the_extra_failures_is_named_with_its_share()
    {
        var source = Outage();
        var rows = await source.ReadAsync(new SliceQuery(["pop", "isp"], W(1), WindowMs), null, default);
        var baseline = await source.ReadAsync(new SliceQuery(["pop", "isp"], W(0), WindowMs), null, default);

        var found = new Adtributor().Localize(Slice.Parse("cdn=oca"), ["pop", "isp"], rows, baseline, v => v["video_start_failures"], v => v["attempts"]);

        Assert.Equal("pop", found.Dimension);
        var culprit = Assert.Single(found.Culprits);
        Assert.Equal("cdn=oca,pop=iad-2", culprit.Slice.ToString());
        Assert.InRange(culprit.SharePercent, 88, 92);
    }

    [Fact]
    public async Task A_coarse_incident_carries_its_culprits()
    {
        var (manager, _) = Manager();

        await manager.ProcessWindowAsync(W(1), WindowMs, [Firing("cdn=oca", 1, volume: 40_000)], new WindowContext(Outage()) { BaselineWindowStartMs = W(0) });

        var culprit = Assert.Single(Assert.Single(manager.Incidents).Culprits);
        Assert.Equal("cdn=oca,pop=iad-2", culprit.Slice.ToString());
    }

    [Fact]
    public void The_surprise_term_is_zero_for_equal_shares_and_grows_with_the_difference()
    {
        Assert.Equal(0, Adtributor.JsTerm(0.3, 0.3), 12);
        Assert.True(Adtributor.JsTerm(0.05, 0.9) > Adtributor.JsTerm(0.05, 0.2));
    }

    /// <summary>20 POPs of one CDN on two ISPs: 2 % failures in the baseline; now iad-2 fails 20 % and the rest slightly more.</summary>
    private static FakeSliceSource Outage()
    {
        var source = new FakeSliceSource();
        for (var p = 0; p < 20; p++)
        {
            var pop = p == 0 ? "iad-2" : $"pop-{p}";
            foreach (var isp in new[] { "comcast", "verizon" })
            {
                source.Add(W(0), $"region=NA,country=US,cdn=oca,pop={pop},isp={isp},device_type=tv", 1000, 20);
                source.Add(W(1), $"region=NA,country=US,cdn=oca,pop={pop},isp={isp},device_type=tv", 1000, p == 0 ? 200 : 20 + (p % 2 == 0 ? 2 : 0.2));
            }
        }

        return source;
    }
}
