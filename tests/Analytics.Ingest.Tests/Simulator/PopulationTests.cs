using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

public sealed class PopulationTests
{
    private static readonly string[] DeviceTypeNames = ["tv", "mobile", "tablet", "web", "console", "streaming_stick"];

    [Fact]
    public void The_catalog_has_the_required_mix()
    {
        var catalog = new DimensionCatalog();

        Assert.True(DimensionCatalog.Regions.Count >= 8);
        Assert.True(DimensionCatalog.Isps.Count >= 50);
        Assert.True(DimensionCatalog.Pops.Count >= 20);
        Assert.Equal(DeviceTypeNames.Order(), DimensionCatalog.DeviceTypes.Select(d => d.Name).Order());
        Assert.Equal(1000, catalog.TitleIds.Count);
        Assert.Equal("t000001", catalog.TitleIds[0]);
        Assert.Equal("t001000", catalog.TitleIds[^1]);
        Assert.Equal(["akamai", "cloudfront", "fastly", "oca"], catalog.Cdns.Order());
        Assert.Equal(DimensionCatalog.BitrateLadderKbps.Order(), DimensionCatalog.BitrateLadderKbps);
        Assert.Equal(12, DimensionCatalog.BitrateLadderKbps.Count);
        Assert.Superset(new HashSet<string> { "tizen", "webos", "android", "ios", "windows", "roku" }, catalog.OperatingSystems.ToHashSet());
        Assert.True(catalog.AppVersions.Count() >= 12);
    }

    [Fact]
    public void The_catalog_is_consistent()
    {
        var catalog = new DimensionCatalog();
        var regions = DimensionCatalog.Regions.Select(r => r.Name).ToHashSet();

        Assert.Equal(DimensionCatalog.Regions.Count, regions.Count);
        Assert.Equal(DimensionCatalog.Isps.Count, DimensionCatalog.Isps.Select(i => i.Name).Distinct().Count());
        Assert.Equal(DimensionCatalog.Pops.Count, DimensionCatalog.Pops.Select(p => p.Name).Distinct().Count());
        Assert.All(DimensionCatalog.Isps, isp => Assert.Contains(isp.Country, catalog.Countries));
        Assert.All(DimensionCatalog.Isps, isp => Assert.InRange(isp.Quality, 0.5, 1.0));
        Assert.All(DimensionCatalog.Isps, isp => Assert.InRange(isp.Asn, 1, uint.MaxValue));
        Assert.All(catalog.Countries, c => Assert.Contains(DimensionCatalog.Isps, isp => isp.Country == c));
        Assert.All(catalog.Countries, c => Assert.Matches("^[A-Z]{2}$", c));
        Assert.All(DimensionCatalog.Pops, p => Assert.Contains(p.Region, regions));
        Assert.All(DimensionCatalog.Pops, p => Assert.Matches("^[a-z]{3}-[0-9]$", p.Name));
        Assert.All(DimensionCatalog.Pops, p => Assert.InRange(p.CacheHitRate, 0.5, 1.0));
        Assert.All(regions, r => Assert.Contains(DimensionCatalog.Pops, p => p.Region == r));
        Assert.All(DimensionCatalog.Regions, r => Assert.InRange(r.UtcOffsetMinutes, -12 * 60, 14 * 60));
        Assert.Equal(1.0, DimensionCatalog.Regions.Sum(r => r.Weight), 6);
        Assert.All(DimensionCatalog.DeviceTypes, d =>
        {
            Assert.True(d.AppVersions.Count >= 2, $"{d.Name} has fewer than 2 app versions");
            Assert.NotEmpty(d.Variants);
            Assert.Contains(d.MaxBitrateKbps, DimensionCatalog.BitrateLadderKbps);
        });
        Assert.Equal(4300, DimensionCatalog.DeviceTypes.Single(d => d.Name == "mobile").MaxBitrateKbps);
        Assert.Equal(16000, DimensionCatalog.DeviceTypes.Single(d => d.Name == "tv").MaxBitrateKbps);

        // Every dimension value is a valid beacon string.
        var strings = catalog.AllDevices.SelectMany(d => new[] { d.Type, d.Os, d.Model ?? "x", d.AppVersion })
            .Concat(DimensionCatalog.Isps.Select(i => i.Name)).Concat(regions).Concat(DimensionCatalog.Pops.Select(p => p.Name));
        Assert.All(strings, s => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(s), 1, EventDecoder.MaxValueBytes));
    }

    [Fact]
    public void A_run_uses_the_whole_population()
    {
        var beacons = SimulatedRuns.Clean.Where(m => m.Beacon!.Type == EventType.PlayRequest).Select(m => m.Beacon!).ToList();

        Assert.Equal(DimensionCatalog.Regions.Count, beacons.Select(b => b.Geo.Region).Distinct().Count());
        Assert.Equal(DimensionCatalog.Pops.Count, beacons.Select(b => b.Pop).Distinct().Count());
        Assert.Equal(DeviceTypeNames.Length, beacons.Select(b => b.Device.Type).Distinct().Count());
        Assert.True(beacons.Select(b => b.Geo.Isp).Distinct().Count() >= 45);
        Assert.True(beacons.Select(b => b.Device.AppVersion).Distinct().Count() >= 12);
        Assert.True(beacons.Select(b => b.TitleId).Distinct().Count() >= 500);
        Assert.All(beacons, b => Assert.Contains(b.Geo.Country, DimensionCatalog.Regions.Single(r => r.Name == b.Geo.Region).Countries));
        Assert.All(beacons, b => Assert.Equal(b.Geo.Region, DimensionCatalog.Pops.Single(p => p.Name == b.Pop).Region));
        Assert.All(beacons, b => Assert.Equal(b.Geo.Country, DimensionCatalog.Isps.Single(i => i.Name == b.Geo.Isp).Country));
    }

    [Fact]
    public void Title_popularity_is_zipf_like()
    {
        var counts = SimulatedRuns.Clean.Where(m => m.Beacon!.Type == EventType.PlayRequest)
            .GroupBy(m => m.Beacon!.TitleId).ToDictionary(g => g.Key, g => g.Count());
        var total = counts.Values.Sum();
        var top100 = counts.Where(kv => string.CompareOrdinal(kv.Key, "t000100") <= 0).Sum(kv => kv.Value);

        Assert.Equal("t000001", counts.MaxBy(kv => kv.Value).Key);
        Assert.InRange(top100 / (double)total, 0.4, 0.7);
        Assert.True(counts.GetValueOrDefault("t000002") > counts.GetValueOrDefault("t000500", 0) * 10);
    }

    [Fact]
    public void The_diurnal_curve_peaks_in_the_local_evening()
    {
        const long Hour = 3_600_000;
        var factors = Enumerable.Range(0, 24 * 60).Select(m => DiurnalCurve.FactorAtLocalTime(m * 60_000L)).ToArray();

        Assert.Equal(1.0, factors.Average(), 3);
        Assert.InRange(Array.IndexOf(factors, factors.Max()) / 60, 20, 22);
        Assert.InRange(Array.IndexOf(factors, factors.Min()) / 60, 3, 5);
        Assert.True(factors.Max() / factors.Min() > 4);
        Assert.Equal(DiurnalCurve.FactorAtLocalTime(21 * Hour), DiurnalCurve.FactorAtLocalTime((21 * Hour) + (24 * Hour)), 9);
        Assert.Equal(DiurnalCurve.FactorAtLocalTime(21 * Hour), DiurnalCurve.FactorAtLocalTime((21 * Hour) - (48 * Hour)), 9);

        var tokyo = DimensionCatalog.Regions.Single(r => r.Name == "ap-northeast");
        Assert.Equal(DiurnalCurve.FactorAtLocalTime(21 * Hour), DiurnalCurve.Factor(tokyo, 12 * Hour), 9);
        Assert.True(DiurnalCurve.Congestion(tokyo, 12 * Hour) > DiurnalCurve.Congestion(tokyo, 19 * Hour));
    }

    [Fact]
    public void Concurrency_follows_the_curve()
    {
        var generator = new TrafficGenerator(new SimulatorOptions { ConcurrentSessions = 10_000 });
        var start = SimulatorOptions.DefaultStartTimeMs;
        var targets = Enumerable.Range(0, 24).Select(h => generator.TargetConcurrency(start + (h * 3_600_000L))).ToArray();

        Assert.Equal(10_000, targets[0]);
        // A global audience flattens each region's curve, but the total still swings by about half.
        Assert.True(targets.Max() / (double)targets.Min() > 1.3, string.Join(", ", targets));
        Assert.Equal(10_000, new TrafficGenerator(new SimulatorOptions { ConcurrentSessions = 10_000, FollowDiurnalCurve = false }).TargetConcurrency(start + 7_200_000));
    }

    [Theory]
    [InlineData("us-east")]
    [InlineData("eu-central")]
    [InlineData("ap-northeast")]
    public void A_region_gets_more_arrivals_in_its_evening_than_at_dawn(string region)
    {
        var r = DimensionCatalog.Regions.Single(x => x.Name == region);
        var evening = ShareOfArrivals(r, localHour: 21);
        var dawn = ShareOfArrivals(r, localHour: 4);

        Assert.True(evening > dawn * 2.5, $"{region}: {evening:P1} of arrivals at 9 pm, {dawn:P1} at 4 am");
    }

    private static double ShareOfArrivals(Region region, int localHour)
    {
        const long Day = 86_400_000;
        var midnight = SimulatorOptions.DefaultStartTimeMs;
        var utc = midnight + ((((localHour * 60L) - region.UtcOffsetMinutes) * 60_000 % Day) + Day) % Day;
        var requests = TrafficGenerator.Generate(new SimulatorOptions { Seed = 3, ConcurrentSessions = 2000, StartTimeMs = utc, MaxEvents = 2000 })
            .Where(m => m.Beacon!.Type == EventType.PlayRequest).ToList();
        return requests.Count(m => m.Beacon!.Geo.Region == region.Name) / (double)requests.Count;
    }
}
