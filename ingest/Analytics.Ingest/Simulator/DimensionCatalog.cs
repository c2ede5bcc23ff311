using Analytics.Ingest.Events;

namespace Analytics.Ingest.Simulator;

/// <summary>A serving region, its viewers' countries and its local time (for the diurnal curve).</summary>
internal sealed record Region(string Name, int UtcOffsetMinutes, double Weight, IReadOnlyList<string> Countries);

/// <summary>A viewer ISP. Quality in (0, 1]: 1 = fast, stable access; lower = slower starts, more stalls, lower bitrates.</summary>
internal sealed record Isp(string Name, string Country, long Asn, double Quality, double Weight);

/// <summary>A CDN point of presence serving one region.</summary>
internal sealed record Pop(string Name, string Cdn, string Region, double CacheHitRate, double StartupFactor);

/// <summary>A device type with its OS/model variants, app versions and the top rendition it can play.</summary>
internal sealed record DeviceType(
    string Name,
    double Weight,
    int MaxBitrateKbps,
    double StartupFactor,
    double BandwidthFactor,
    IReadOnlyList<DeviceVariant> Variants,
    IReadOnlyList<string> AppVersions);

internal sealed record DeviceVariant(string Os, string? Model);

/// <summary>
/// The fixed population the simulator draws from: regions, countries, ISPs, CDN POPs, devices
/// and titles. Values are realistic so that dashboards built on simulated data look plausible.
/// </summary>
internal sealed class DimensionCatalog
{
    /// <summary>The ABR ladder, lowest first.</summary>
    public static IReadOnlyList<int> BitrateLadderKbps { get; } = [235, 375, 560, 750, 1050, 1750, 2350, 3000, 4300, 5800, 8000, 16000];

    public static IReadOnlyList<Region> Regions { get; } =
    [
        new("us-east", -5 * 60, 0.22, ["US", "CA"]),
        new("us-west", -8 * 60, 0.12, ["US", "CA", "MX"]),
        new("sa-east", -3 * 60, 0.10, ["BR", "AR", "CL", "CO"]),
        new("eu-west", 0, 0.14, ["GB", "IE", "FR", "ES", "PT"]),
        new("eu-central", 60, 0.14, ["DE", "NL", "PL", "IT", "SE"]),
        new("ap-south", 5 * 60 + 30, 0.10, ["IN", "AE"]),
        new("ap-northeast", 9 * 60, 0.10, ["JP", "KR"]),
        new("ap-southeast", 10 * 60, 0.08, ["AU", "NZ", "SG"]),
    ];

    public static IReadOnlyList<Isp> Isps { get; } =
    [
        new("Comcast", "US", 7922, 0.92, 5),
        new("Charter Spectrum", "US", 20115, 0.88, 4),
        new("AT&T", "US", 7018, 0.90, 3),
        new("Verizon Fios", "US", 701, 0.97, 3),
        new("Cox", "US", 22773, 0.85, 1.5),
        new("T-Mobile US", "US", 21928, 0.74, 1.5),
        new("Frontier", "US", 5650, 0.70, 1),
        new("Rogers", "CA", 812, 0.90, 2),
        new("Bell Canada", "CA", 577, 0.91, 2),
        new("TELUS", "CA", 852, 0.88, 1),
        new("Telmex", "MX", 8151, 0.72, 2),
        new("Totalplay", "MX", 22884, 0.78, 1),
        new("Vivo", "BR", 26599, 0.80, 3),
        new("Claro Brasil", "BR", 28573, 0.76, 2),
        new("Oi", "BR", 7738, 0.64, 1),
        new("Telecom Argentina", "AR", 7303, 0.70, 1),
        new("VTR", "CL", 22047, 0.77, 1),
        new("ETB", "CO", 19429, 0.68, 1),
        new("BT", "GB", 2856, 0.92, 3),
        new("Virgin Media", "GB", 5089, 0.89, 2),
        new("Sky Broadband", "GB", 5607, 0.90, 2),
        new("Eir", "IE", 5466, 0.84, 1),
        new("Orange", "FR", 3215, 0.93, 3),
        new("Free", "FR", 12322, 0.90, 2),
        new("SFR", "FR", 15557, 0.85, 1.5),
        new("Movistar", "ES", 3352, 0.92, 2),
        new("MEO", "PT", 3243, 0.88, 1),
        new("Deutsche Telekom", "DE", 3320, 0.93, 4),
        new("Vodafone Germany", "DE", 3209, 0.86, 2.5),
        new("1&1", "DE", 8560, 0.84, 1),
        new("KPN", "NL", 1136, 0.95, 1.5),
        new("Ziggo", "NL", 33915, 0.90, 1.5),
        new("Orange Polska", "PL", 5617, 0.84, 1.5),
        new("TIM", "IT", 3269, 0.83, 2),
        new("Fastweb", "IT", 12874, 0.87, 1),
        new("Telia", "SE", 3301, 0.95, 1),
        new("Reliance Jio", "IN", 55836, 0.66, 4),
        new("Bharti Airtel", "IN", 9498, 0.70, 3),
        new("ACT Fibernet", "IN", 24309, 0.80, 1),
        new("Etisalat", "AE", 5384, 0.88, 1),
        new("NTT OCN", "JP", 4713, 0.96, 2),
        new("KDDI", "JP", 2516, 0.94, 2),
        new("SoftBank", "JP", 17676, 0.92, 1.5),
        new("KT", "KR", 4766, 0.97, 1.5),
        new("SK Broadband", "KR", 9318, 0.97, 1),
        new("Telstra", "AU", 1221, 0.86, 2),
        new("Optus", "AU", 4804, 0.82, 1.5),
        new("TPG", "AU", 7545, 0.80, 1),
        new("Spark", "NZ", 4771, 0.87, 1),
        new("Singtel", "SG", 7473, 0.95, 1),
    ];

    public static IReadOnlyList<Pop> Pops { get; } =
    [
        new("iad-1", "oca", "us-east", 0.97, 0.95),
        new("iad-2", "akamai", "us-east", 0.94, 1.00),
        new("jfk-1", "cloudfront", "us-east", 0.92, 1.05),
        new("sjc-1", "oca", "us-west", 0.96, 0.95),
        new("lax-1", "fastly", "us-west", 0.91, 1.05),
        new("sea-1", "akamai", "us-west", 0.93, 1.00),
        new("gru-1", "oca", "sa-east", 0.93, 1.05),
        new("gru-2", "cloudfront", "sa-east", 0.86, 1.15),
        new("lhr-1", "oca", "eu-west", 0.97, 0.95),
        new("lhr-2", "fastly", "eu-west", 0.92, 1.00),
        new("cdg-1", "akamai", "eu-west", 0.94, 1.00),
        new("fra-1", "oca", "eu-central", 0.96, 0.95),
        new("fra-2", "cloudfront", "eu-central", 0.80, 1.25),
        new("ams-1", "fastly", "eu-central", 0.93, 1.00),
        new("bom-1", "akamai", "ap-south", 0.90, 1.10),
        new("del-1", "cloudfront", "ap-south", 0.88, 1.15),
        new("nrt-1", "oca", "ap-northeast", 0.97, 0.90),
        new("icn-1", "akamai", "ap-northeast", 0.95, 0.95),
        new("syd-1", "cloudfront", "ap-southeast", 0.91, 1.05),
        new("sin-1", "fastly", "ap-southeast", 0.93, 1.00),
    ];

    public static IReadOnlyList<DeviceType> DeviceTypes { get; } =
    [
        new("tv", 0.34, 16000, 1.15, 1.0,
            [new("tizen", "QN90C"), new("tizen", "UN55TU7000"), new("webos", "OLED55C3"), new("webos", "43UQ7500"), new("android_tv", "XR-65A80L")],
            ["6.12.0", "6.13.2", "6.14.0"]),
        new("mobile", 0.24, 4300, 1.10, 0.45,
            [new("ios", "iPhone 15"), new("ios", "iPhone 13"), new("ios", "iPhone SE"), new("android", "Pixel 8"), new("android", "Galaxy S23"), new("android", "Redmi Note 12")],
            ["24.38.1", "24.40.0", "24.42.2"]),
        new("web", 0.14, 8000, 0.90, 0.8,
            [new("windows", null), new("macos", null), new("linux", null), new("chromeos", null)],
            ["2024.10.1", "2024.11.0", "2024.11.3"]),
        new("streaming_stick", 0.12, 16000, 1.20, 0.85,
            [new("roku", "Roku Express 4K"), new("roku", "Roku Ultra"), new("fireos", "Fire TV Stick 4K"), new("googletv", "Chromecast with Google TV")],
            ["11.2.0", "11.3.1", "11.4.0"]),
        new("tablet", 0.08, 5800, 1.00, 0.6,
            [new("ipados", "iPad Air"), new("ipados", "iPad 10th gen"), new("android", "Galaxy Tab S9"), new("fireos", "Fire HD 10")],
            ["24.38.1", "24.40.0", "24.42.2"]),
        new("console", 0.08, 16000, 0.85, 1.0,
            [new("playstation", "PS5"), new("playstation", "PS4 Pro"), new("xbox", "Xbox Series X")],
            ["3.8.0", "3.9.1"]),
    ];

    /// <summary>Zipf exponent of title popularity: t000001 is the most watched title.</summary>
    public const double TitleZipfExponent = 0.9;

    private readonly double[][] _countryCumulativeByRegion;
    private readonly Isp[][] _ispsByCountry;
    private readonly double[][] _ispCumulativeByCountry;
    private readonly Pop[][] _popsByRegion;
    private readonly double[] _deviceCumulative;
    private readonly DeviceInfo[][][] _deviceInfos;
    private readonly double[] _titleCumulative;
    private readonly GeoInfo[][][] _geoInfos;

    public DimensionCatalog(int titleCount = 1000)
    {
        if (titleCount is < 1 or > 999_999)
        {
            throw new ArgumentOutOfRangeException(nameof(titleCount), titleCount, "must be between 1 and 999999");
        }

        TitleIds = Enumerable.Range(1, titleCount).Select(i => $"t{i:D6}").ToArray();
        TitleDurationsMs = Enumerable.Range(1, titleCount).Select(TitleDurationMs).ToArray();
        _titleCumulative = Cumulative(Enumerable.Range(1, titleCount).Select(i => 1.0 / Math.Pow(i, TitleZipfExponent)));

        _countryCumulativeByRegion = Regions.Select(r => Cumulative(r.Countries.Select(c => Isps.Where(i => i.Country == c).Sum(i => i.Weight)))).ToArray();
        var countries = Regions.SelectMany(r => r.Countries).Distinct().ToArray();
        _ispsByCountry = countries.Select(c => Isps.Where(i => i.Country == c).ToArray()).ToArray();
        _ispCumulativeByCountry = _ispsByCountry.Select(list => Cumulative(list.Select(i => i.Weight))).ToArray();
        CountryIndex = countries.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        _popsByRegion = Regions.Select(r => Pops.Where(p => p.Region == r.Name).ToArray()).ToArray();

        // One shared instance per dimension combination, so beacons of a session share their records.
        _geoInfos = Regions.Select(r => r.Countries.Select(c => _ispsByCountry[CountryIndex[c]]
            .Select(isp => new GeoInfo(r.Name, c, isp.Name, isp.Asn)).ToArray()).ToArray()).ToArray();
        _deviceCumulative = Cumulative(DeviceTypes.Select(d => d.Weight));
        _deviceInfos = DeviceTypes.Select(d => d.Variants.Select(v => d.AppVersions
            .Select(a => new DeviceInfo(d.Name, v.Os, v.Model, a)).ToArray()).ToArray()).ToArray();
    }

    public IReadOnlyList<string> TitleIds { get; }

    /// <summary>Content length of each title (episodes and films).</summary>
    public IReadOnlyList<long> TitleDurationsMs { get; }

    public IReadOnlyDictionary<string, int> CountryIndex { get; }

    public IEnumerable<string> Countries => CountryIndex.Keys;

    public IEnumerable<string> Cdns => Pops.Select(p => p.Cdn).Distinct();

    public IEnumerable<string> OperatingSystems => DeviceTypes.SelectMany(d => d.Variants.Select(v => v.Os)).Distinct();

    public IEnumerable<string> AppVersions => DeviceTypes.SelectMany(d => d.AppVersions).Distinct();

    public IEnumerable<DeviceInfo> AllDevices => _deviceInfos.SelectMany(a => a.SelectMany(b => b));

    public int PickTitle(ref SimRandom rng) => rng.Pick(_titleCumulative);

    public int PickDeviceType(ref SimRandom rng) => rng.Pick(_deviceCumulative);

    public DeviceInfo PickDevice(int deviceType, ref SimRandom rng)
    {
        var variants = _deviceInfos[deviceType];
        var versions = variants[rng.NextInt(variants.Length)];
        // Most viewers run one of the two newest versions.
        var v = rng.NextDouble() switch
        {
            < 0.55 => versions.Length - 1,
            < 0.85 => Math.Max(0, versions.Length - 2),
            _ => rng.NextInt(versions.Length),
        };
        return versions[v];
    }

    /// <summary>Picks a region with probability proportional to the given weights (e.g. current load).</summary>
    public static int PickRegion(ReadOnlySpan<double> weights, ref SimRandom rng)
    {
        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var x = rng.NextDouble() * total;
        for (var i = 0; i < weights.Length - 1; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    public (GeoInfo Geo, Isp Isp) PickGeo(int region, ref SimRandom rng)
    {
        var c = rng.Pick(_countryCumulativeByRegion[region]);
        var country = Regions[region].Countries[c];
        var countryIndex = CountryIndex[country];
        var i = rng.Pick(_ispCumulativeByCountry[countryIndex]);
        return (_geoInfos[region][c][i], _ispsByCountry[countryIndex][i]);
    }

    public Pop PickPop(int region, ref SimRandom rng)
    {
        var pops = _popsByRegion[region];
        // The first POP of a region is its main site and takes half of the traffic.
        return rng.Chance(0.5) ? pops[0] : pops[rng.NextInt(pops.Length)];
    }

    private static long TitleDurationMs(int rank)
    {
        // Deterministic per title: roughly 70% episodes (22–60 min) and 30% films (85–160 min).
        var h = SimRandom.Mix((ulong)rank * 0x9E3779B97F4A7C15UL);
        var u = (h & 0xFFFF) / 65536.0;
        var minutes = (h >> 16) % 10 < 7 ? 22 + u * 38 : 85 + u * 75;
        return (long)(minutes * 60_000);
    }

    private static double[] Cumulative(IEnumerable<double> weights)
    {
        var list = new List<double>();
        var sum = 0.0;
        foreach (var w in weights)
        {
            sum += w;
            list.Add(sum);
        }

        return list.ToArray();
    }
}
