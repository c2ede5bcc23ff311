using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Pipeline;

public sealed class CheckpointScheduleTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_partition_is_checkpointed_soon_after_assignment_then_every_interval()
    {
        var schedule = new CheckpointSchedule(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), _time);
        int[] owned = [0];

        Assert.Empty(At(schedule, owned, 0));
        Assert.Empty(At(schedule, owned, 0.9));
        Assert.Equal([0], At(schedule, owned, 1.0));
        Assert.Empty(At(schedule, owned, 30.9));
        Assert.Equal([0], At(schedule, owned, 31.0));
    }

    [Fact]
    public void Each_partition_keeps_its_own_turn_and_a_partition_assigned_again_starts_over()
    {
        var schedule = new CheckpointSchedule(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), _time);

        At(schedule, [0], 0);
        Assert.Equal([0], At(schedule, [0], 1));
        At(schedule, [0, 1], 5);
        Assert.Equal([1], At(schedule, [0, 1], 6));
        Assert.Equal([0], At(schedule, [0, 1], 11));

        // Revoked, then assigned again: its first checkpoint comes soon again.
        At(schedule, [0], 12);
        At(schedule, [0, 1], 13);
        Assert.Equal([1], At(schedule, [0, 1], 14));
    }

    [Fact]
    public void An_interval_shorter_than_the_first_delay_wins()
    {
        var schedule = new CheckpointSchedule(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), _time);
        At(schedule, [3], 0);
        Assert.Equal([3], At(schedule, [3], 0.5));
    }

    private IReadOnlyList<int> At(CheckpointSchedule schedule, int[] owned, double seconds)
    {
        var start = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        _time.Advance(start.AddSeconds(seconds) - _time.GetUtcNow());
        return schedule.Due(owned, _time.GetTimestamp());
    }
}
