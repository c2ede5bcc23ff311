using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

public sealed class TrafficGeneratorTests
{
    private static readonly SimulatorOptions Small = SimulatedRuns.KnobOptions with { ConcurrentSessions = 200, Duration = null, MaxEvents = 20_000 };

    [Fact]
    public void The_same_seed_gives_the_same_bytes()
    {
        var a = TrafficGenerator.Generate(Small).ToList();
        var b = TrafficGenerator.Generate(Small).ToList();

        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].DeliveryTimeMs, b[i].DeliveryTimeMs);
            Assert.Equal(a[i].Kind, b[i].Kind);
            Assert.Equal(a[i].Key, b[i].Key);
            Assert.Equal(a[i].Value, b[i].Value);
        }
    }

    [Fact]
    public void Enumerating_a_generated_sequence_twice_replays_it()
    {
        var messages = TrafficGenerator.Generate(Small with { MaxEvents = 2_000 });

        Assert.Equal(messages.Select(m => m.Value), messages.Select(m => m.Value));
    }

    [Fact]
    public void A_generator_runs_once()
    {
        var generator = new TrafficGenerator(Small);
        _ = generator.Messages().Take(10).ToList();

        Assert.Throws<InvalidOperationException>(generator.Messages);
    }

    [Fact]
    public void Another_seed_gives_other_traffic()
    {
        var a = TrafficGenerator.Generate(Small with { MaxEvents = 2_000 }).Select(m => m.Beacon?.SessionId).ToHashSet();
        var b = TrafficGenerator.Generate(Small with { MaxEvents = 2_000, Seed = Small.Seed + 1 }).Select(m => m.Beacon?.SessionId).ToHashSet();

        a.IntersectWith(b);
        Assert.DoesNotContain(a, id => id is not null);
    }

    [Fact]
    public void Messages_come_in_delivery_time_order()
    {
        var messages = SimulatedRuns.Knobs;

        for (var i = 1; i < messages.Count; i++)
        {
            Assert.True(messages[i - 1].DeliveryTimeMs <= messages[i].DeliveryTimeMs, $"message {i} goes back in time: {messages[i - 1]} then {messages[i]}");
        }
    }

    [Fact]
    public void Every_valid_message_decodes_to_its_ground_truth()
    {
        var decoder = new EventDecoder();
        foreach (var m in SimulatedRuns.Knobs.Where(m => m.IsValid))
        {
            var decoded = decoder.DecodeBeacon(m.Value);
            Assert.True(decoded == m.Beacon, $"{m}: {decoder.Error}");
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(m.Beacon!.SessionId), m.Key);
            Assert.Equal(InvalidEventReason.None, m.ExpectedReason);
        }
    }

    [Fact]
    public void Every_malformed_message_fails_with_its_expected_reason()
    {
        var messages = TrafficGenerator.Generate(Small with { MaxEvents = 6_000, MalformedFraction = 1 }).ToList();
        var malformed = messages.Where(m => m.Kind == DeliveryKind.Malformed).ToList();
        var decoder = new EventDecoder();

        foreach (var m in malformed)
        {
            Assert.Null(m.Beacon);
            Assert.False(decoder.TryDecode(m.Value, out _), $"{m} was accepted");
            Assert.Equal((m.ExpectedReason, m.ExpectedField), (decoder.Error.Reason, decoder.Error.Field));
        }

        Assert.Equal(InvalidEventReasons.All.Order(), malformed.Select(m => m.ExpectedReason).Distinct().Order());
        Assert.Equal(6_000, malformed.Count);
    }

    [Fact]
    public void Oversize_malformed_messages_can_be_left_out()
    {
        var messages = TrafficGenerator.Generate(Small with { MaxEvents = 3_000, MalformedFraction = 1, IncludeOversizeMalformed = false }).ToList();

        Assert.Equal(3_000, messages.Count(m => m.Kind == DeliveryKind.Malformed));
        Assert.DoesNotContain(messages, m => m.ExpectedReason == InvalidEventReason.TooLarge);
        Assert.All(messages, m => Assert.True(m.Value.Length < 4096));
    }

    [Fact]
    public void Malformed_messages_are_extra_and_carry_their_session_key()
    {
        var knobs = SimulatedRuns.Knobs;
        var bySequence = knobs.Where(m => m.IsValid && m.Kind != DeliveryKind.Duplicate).ToDictionary(m => m.Sequence);

        foreach (var m in knobs.Where(m => m.Kind == DeliveryKind.Malformed))
        {
            var source = bySequence[m.Sequence];
            Assert.Equal(source.Key, m.Key);
            Assert.Equal(source.Beacon!.TimestampMs, m.DeliveryTimeMs);
        }
    }

    [Fact]
    public void Delivery_knobs_never_change_or_lose_a_valid_beacon()
    {
        var clean = TrafficGenerator.Generate(SimulatedRuns.KnobOptions with
        {
            OutOfOrderFraction = 0,
            LateFraction = 0,
            TooLateFraction = 0,
            DuplicateFraction = 0,
            MalformedFraction = 0,
        }).ToList();
        var originals = SimulatedRuns.Knobs.Where(m => m.IsValid && m.Kind != DeliveryKind.Duplicate).OrderBy(m => m.Sequence).ToList();

        Assert.All(clean, m => Assert.Equal(DeliveryKind.Normal, m.Kind));
        Assert.Equal(clean.Count, originals.Count);
        for (var i = 0; i < clean.Count; i++)
        {
            Assert.Equal(clean[i].Sequence, originals[i].Sequence);
            Assert.Equal(clean[i].Value, originals[i].Value);
        }
    }

    [Fact]
    public void Knob_rates_and_delays_match_the_options()
    {
        var o = SimulatedRuns.KnobOptions;
        var messages = SimulatedRuns.Knobs;
        var originals = messages.Where(m => m.IsValid && m.Kind != DeliveryKind.Duplicate).ToList();
        double n = originals.Count;
        Assert.InRange(n, 30_000, 45_000);

        Assert.InRange(originals.Count(m => m.Kind == DeliveryKind.OutOfOrder) / n, o.OutOfOrderFraction * 0.9, o.OutOfOrderFraction * 1.1);
        Assert.InRange(originals.Count(m => m.Kind == DeliveryKind.Late) / n, o.LateFraction * 0.85, o.LateFraction * 1.15);
        Assert.InRange(originals.Count(m => m.Kind == DeliveryKind.TooLate) / n, o.TooLateFraction * 0.8, o.TooLateFraction * 1.2);
        Assert.InRange(messages.Count(m => m.Kind == DeliveryKind.Duplicate) / n, o.DuplicateFraction * 0.85, o.DuplicateFraction * 1.15);
        Assert.InRange(messages.Count(m => m.Kind == DeliveryKind.Malformed) / n, o.MalformedFraction * 0.85, o.MalformedFraction * 1.15);

        foreach (var m in originals)
        {
            var (min, max) = m.Kind switch
            {
                DeliveryKind.Normal => (0, 0),
                DeliveryKind.OutOfOrder => (1, (long)o.MaxOutOfOrderDelay.TotalMilliseconds),
                DeliveryKind.Late => ((long)o.LateDelayMin.TotalMilliseconds, (long)o.LateDelayMax.TotalMilliseconds),
                DeliveryKind.TooLate => ((long)o.TooLateDelayMin.TotalMilliseconds, (long)o.TooLateDelayMax.TotalMilliseconds),
                _ => throw new InvalidOperationException($"unexpected kind {m.Kind}"),
            };
            Assert.InRange(m.DelayMs, min, max);
        }
    }

    [Fact]
    public void Duplicates_are_the_same_bytes_sent_shortly_after_the_original()
    {
        var messages = SimulatedRuns.Knobs;
        var originals = messages.Where(m => m.IsValid && m.Kind != DeliveryKind.Duplicate).ToDictionary(m => m.Sequence);

        foreach (var dup in messages.Where(m => m.Kind == DeliveryKind.Duplicate))
        {
            var original = originals[dup.Sequence];
            Assert.Same(original.Beacon, dup.Beacon);
            Assert.Equal(original.Value, dup.Value);
            Assert.InRange(dup.DeliveryTimeMs - original.DeliveryTimeMs, 1, (long)SimulatedRuns.KnobOptions.MaxDuplicateDelay.TotalMilliseconds);
        }
    }

    [Fact]
    public void Event_ids_are_unique_and_session_ids_name_one_session()
    {
        var originals = SimulatedRuns.Clean.Select(m => m.Beacon!).ToList();

        Assert.Equal(originals.Count, originals.Select(b => b.EventId).Distinct().Count());
        Assert.All(originals, b => Assert.Matches("^[0-9a-f]{16}$", b.EventId));
        Assert.All(SimulatedRuns.CleanSessions, s => Assert.Single(s, b => b.Type == EventType.PlayRequest));
    }

    [Fact]
    public void MaxEvents_counts_original_beacons()
    {
        var generator = new TrafficGenerator(Small with { MaxEvents = 5_000 });
        var messages = generator.Messages().ToList();

        Assert.Equal(5_000, messages.Count(m => m.IsValid && m.Kind != DeliveryKind.Duplicate));
        Assert.Equal(5_000, generator.ValidEvents);
        Assert.Equal(messages.Count(m => m.Kind == DeliveryKind.Duplicate), generator.DuplicateMessages);
        Assert.Equal(messages.Count(m => m.Kind == DeliveryKind.Malformed), generator.MalformedMessages);
    }

    [Fact]
    public void Duration_bounds_event_times_but_delayed_messages_still_arrive()
    {
        var options = SimulatedRuns.KnobOptions;
        var end = SimulatorOptions.DefaultStartTimeMs + (long)options.Duration!.Value.TotalMilliseconds;
        var messages = SimulatedRuns.Knobs;

        Assert.All(messages.Where(m => m.IsValid), m => Assert.InRange(m.Beacon!.TimestampMs, SimulatorOptions.DefaultStartTimeMs, end - 1));
        Assert.Contains(messages, m => m.Kind == DeliveryKind.TooLate && m.DeliveryTimeMs > end);
    }

    [Fact]
    public void Initial_sessions_ramp_up_over_the_ramp_period()
    {
        var options = new SimulatorOptions { Seed = 5, ConcurrentSessions = 1000, RampUp = TimeSpan.FromSeconds(20), Duration = TimeSpan.FromMinutes(1) };
        var start = SimulatorOptions.DefaultStartTimeMs;
        var requests = TrafficGenerator.Generate(options).Where(m => m.Beacon!.Type == EventType.PlayRequest).Select(m => m.Beacon!.TimestampMs - start).ToList();

        // The initial 1000, plus replacements for the few that fail or give up at once.
        Assert.InRange(requests.Count(t => t < 20_000), 1000, 1060);
        Assert.InRange(requests.Count(t => t < 5_000), 200, 300);
        Assert.InRange(requests.Count(t => t >= 20_000), 1, 100);
    }

    [Fact]
    public void A_target_event_rate_gives_about_that_rate()
    {
        var options = new SimulatorOptions { Seed = 9, EventsPerSecond = 500, Duration = TimeSpan.FromMinutes(4), FollowDiurnalCurve = false };
        var start = SimulatorOptions.DefaultStartTimeMs;

        var generator = new TrafficGenerator(options);
        var steady = generator.Messages().Count(m => m.Beacon!.TimestampMs - start >= 60_000);

        Assert.InRange(steady / 180.0, 450, 550);
        Assert.InRange(generator.LiveSessions, 4000, 4400);
    }
}
