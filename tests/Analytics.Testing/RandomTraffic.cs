using Analytics.Ingest.Events;
using Analytics.Testing.Reference;

namespace Analytics.Testing;

/// <summary>A message delivered to one partition: its encoded bytes and, if valid, the beacon.</summary>
internal sealed record DeliveredMessage(int Partition, long DeliveryTs, byte[] Key, byte[] Value, PlaybackBeacon? Beacon)
{
    public ReferenceMessage ToReference() => new(Partition, Beacon);
}

/// <summary>
/// Small, adversarial traffic for property tests of the session core: sessions take random walks over
/// every beacon type (including transitions a real player would not make), and arrive shuffled by
/// delays on both sides of the watermark and the allowed lateness, with duplicates and junk.
/// </summary>
internal static class RandomTraffic
{
    private static readonly string[] Regions = ["us-east", "eu-west", "apac"];
    private static readonly string[] Cdns = ["oca", "akamai"];
    private static readonly string[] Devices = ["tv", "mobile", "web"];
    private static readonly int[] Ladder = [235, 750, 1750, 3000, 5800];

    public sealed record Settings
    {
        public int Sessions { get; init; } = 20;

        public int Partitions { get; init; } = 2;

        public long StartTs { get; init; } = 1_764_201_600_000;

        public int MaxBeaconsPerSession { get; init; } = 40;

        public double OutOfOrder { get; init; } = 0.2;

        public long MaxOutOfOrderMs { get; init; } = 9_000;

        public double Late { get; init; } = 0.05;

        public double TooLate { get; init; } = 0.02;

        public double Duplicates { get; init; } = 0.05;

        public double Junk { get; init; } = 0.02;

        /// <summary>Probability that a step waits past the session timeout (so the session times out).</summary>
        public double LongGap { get; init; } = 0.02;
    }

    public static List<DeliveredMessage> Generate(int seed, Settings s)
    {
        var rng = new Random(seed);
        var beacons = new List<PlaybackBeacon>();
        for (var i = 0; i < s.Sessions; i++)
        {
            var sessionId = $"s{seed}-{i}";
            var device = new DeviceInfo(Devices[rng.Next(Devices.Length)], "os", null, $"1.{rng.Next(3)}");
            var geo = new GeoInfo(Regions[rng.Next(Regions.Length)], "XX", $"isp{rng.Next(3)}", null);
            var cdn = Cdns[rng.Next(Cdns.Length)];
            var title = $"t{rng.Next(5)}";
            var t = s.StartTs + rng.Next(0, 120_000);
            var n = rng.Next(1, s.MaxBeaconsPerSession);
            for (var j = 0; j < n; j++)
            {
                var type = j == 0 && rng.NextDouble() < 0.85 ? EventType.PlayRequest : RandomType(rng);
                var kbps = Ladder[rng.Next(Ladder.Length)];
                beacons.Add(new PlaybackBeacon
                {
                    EventId = $"{sessionId}-e{j}",
                    SessionId = sessionId,
                    Type = type,
                    TimestampMs = t,
                    Device = device,
                    Geo = geo,
                    Cdn = cdn,
                    Pop = cdn + "-1",
                    TitleId = title,
                    PlayheadMs = type is EventType.Heartbeat or EventType.Seek ? rng.Next(0, 1_000_000) : null,
                    BitrateKbps = type is EventType.FirstFrame or EventType.Heartbeat or EventType.BitrateChange ? kbps : null,
                    Bytes = type == EventType.Heartbeat ? rng.Next(0, 5_000_000) : null,
                    CacheHit = type == EventType.Heartbeat ? rng.NextDouble() < 0.9 : null,
                    ErrorCode = type == EventType.Error ? $"E{rng.Next(3)}" : null,
                    Fatal = type == EventType.Error ? rng.NextDouble() < 0.3 : null,
                });
                t += rng.NextDouble() < s.LongGap ? rng.Next(60_000, 90_000) : rng.Next(0, 12_000);
            }
        }

        using var encoder = new EventEncoder();
        var messages = new List<(long Delivery, int Order, DeliveredMessage Message)>();
        var order = 0;
        foreach (var b in beacons)
        {
            var partition = (int)(StableHash.Hash64(b.SessionId) % (ulong)s.Partitions);
            var value = encoder.EncodeToArray(b);
            var key = System.Text.Encoding.UTF8.GetBytes(b.SessionId);
            var delay = Delay(rng, s);
            messages.Add((b.TimestampMs + delay, order++, new DeliveredMessage(partition, b.TimestampMs + delay, key, value, b)));
            if (rng.NextDouble() < s.Duplicates)
            {
                var d2 = delay + rng.Next(0, 20_000);
                messages.Add((b.TimestampMs + d2, order++, new DeliveredMessage(partition, b.TimestampMs + d2, key, value, b)));
            }

            if (rng.NextDouble() < s.Junk)
            {
                var junk = value.AsSpan(0, value.Length / 2).ToArray();
                messages.Add((b.TimestampMs + delay, order++, new DeliveredMessage(partition, b.TimestampMs + delay, key, junk, null)));
            }
        }

        return messages.OrderBy(m => m.Delivery).ThenBy(m => m.Order).Select(m => m.Message).ToList();
    }

    private static long Delay(Random rng, Settings s)
    {
        var x = rng.NextDouble();
        if (x < s.TooLate)
        {
            return rng.Next(200_000, 400_000);
        }

        if (x < s.TooLate + s.Late)
        {
            return rng.Next(15_000, 110_000);
        }

        return x < s.TooLate + s.Late + s.OutOfOrder ? rng.NextInt64(0, s.MaxOutOfOrderMs) : 0;
    }

    private static EventType RandomType(Random rng)
    {
        // Weighted towards what players send most, but every type appears.
        var x = rng.Next(100);
        return x switch
        {
            < 8 => EventType.FirstFrame,
            < 45 => EventType.Heartbeat,
            < 53 => EventType.RebufferStart,
            < 61 => EventType.RebufferEnd,
            < 69 => EventType.BitrateChange,
            < 75 => EventType.Seek,
            < 81 => EventType.Pause,
            < 87 => EventType.Resume,
            < 93 => EventType.Error,
            < 97 => EventType.End,
            _ => EventType.PlayRequest,
        };
    }
}
