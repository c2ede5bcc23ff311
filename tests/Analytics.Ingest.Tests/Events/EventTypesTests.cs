using Analytics.Ingest.Events;

namespace Analytics.Ingest.Tests.Events;

public sealed class EventTypesTests
{
    [Fact]
    public void Beacons_of_the_same_millisecond_follow_the_order_docs_metrics_md_defines()
    {
        string[] documented =
        [
            "play_request", "first_frame", "seek", "rebuffer_start", "rebuffer_end", "bitrate_change",
            "pause", "resume", "heartbeat", "error", "end",
        ];

        Assert.Equal(documented, EventTypes.All.OrderBy(t => t.SameMillisecondRank()).Select(t => t.ToWire()));
        Assert.Equal(EventTypes.Count, EventTypes.All.Select(t => t.SameMillisecondRank()).Distinct().Count());
    }
}
