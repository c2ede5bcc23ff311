using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Analytics.Testing.Reference;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Processors.Tests.Sessions;

/// <summary>The session state machine does not care in which order beacons arrive, as long as none is too late.</summary>
public sealed class SessionOrderPropertyTests
{
    private const long T = 1_764_201_600_000;
    private static readonly ProcessorOptions Options = new() { Cubes = ["delivery", "content"] };
    private static readonly EventType[] Types = EventTypes.All.ToArray();

    [Fact]
    public void Any_arrival_order_within_the_allowed_lateness_gives_the_rows_of_in_order_arrival()
    {
        // A session: beacon types with gaps (some past the timeout), and for each beacon a delivery delay.
        var beacon = from type in Gen.Elements(Types)
                     from gapMs in Gen.Frequency((9, Gen.Choose(0, 12_000)), (1, Gen.Choose(55_000, 70_000)))
                     from delayMs in Gen.Frequency((6, Gen.Constant(0)), (3, Gen.Choose(0, 9_000)), (1, Gen.Choose(10_000, 110_000)))
                     select (type, gapMs, delayMs);
        var sessions = Gen.ListOf(Gen.NonEmptyListOf(beacon).Select(b => b.ToArray())).Select(s => s.Take(6).ToArray());

        Prop.ForAll(Arb.From(sessions), generated =>
        {
            var messages = Build(generated);
            var inOrder = messages.OrderBy(m => m.Beacon!.TimestampMs).ToList();
            var (shuffledOut, shuffled) = ProcessorHarness.Run(messages, Options);
            var (orderedOut, _) = ProcessorHarness.Run(inOrder, Options);
            var reference = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
            var tooLate = shuffled.Values.Sum(p => p.Counters.TooLate);

            // Delays stay within the lateness, so nothing is dropped and order cannot matter.
            return tooLate == 0
                && Same(orderedOut.Merged(), shuffledOut.Merged())
                && RowComparer.Compare(reference.Rows, shuffledOut.Merged()).Count == 0;
        }).QuickCheckThrowOnFailure();
    }

    private static List<DeliveredMessage> Build((EventType Type, int GapMs, int DelayMs)[][] sessions)
    {
        var messages = new List<(long Delivery, DeliveredMessage Message)>();
        for (var s = 0; s < sessions.Length; s++)
        {
            var t = T + (s * 7_000);
            var id = $"s{s}";
            for (var i = 0; i < sessions[s].Length; i++)
            {
                var (type, gap, delay) = sessions[s][i];
                t += gap;
                var b = Beacons.Make(id, type, t, bytes: type == EventType.Heartbeat ? 1_000 * (i + 1) : null, fatal: type == EventType.Error ? i % 3 == 0 : null);
                messages.Add((t + delay, new DeliveredMessage(0, t + delay, System.Text.Encoding.UTF8.GetBytes(id), Beacons.Encode(b), b)));
            }
        }

        // Delivery order; the delays above keep every beacon within the 10 s + 2 min the processor tolerates.
        return messages.OrderBy(m => m.Delivery).Select(m => m.Message).ToList();
    }

    private static bool Same(Dictionary<ExpectedKey, QoeAccumulator> a, Dictionary<ExpectedKey, QoeAccumulator> b)
        => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other)
            && kv.Value.Result() == other.Result() && kv.Value.StartTime.Keys.SequenceEqual(other.StartTime.Keys)
            && kv.Value.Bitrate == other.Bitrate && kv.Value.PlayingMs == other.PlayingMs && kv.Value.RebufferMs == other.RebufferMs);
}
