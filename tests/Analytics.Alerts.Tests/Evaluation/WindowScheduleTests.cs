using Analytics.Alerts.Evaluation;

namespace Analytics.Alerts.Tests.Evaluation;

public sealed class WindowScheduleTests
{
    private const long Minute = 60_000;
    private const long T0 = 1_764_201_600_000;

    [Fact]
    public void The_first_window_is_fixed_at_the_first_boundary_seen_so_it_comes_due_later()
    {
        var schedule = new WindowSchedule([Minute]);

        Assert.Empty(schedule.Due(T0 + 20_000, lookbackMs: 0));
        Assert.Empty(schedule.Due(T0 + 50_000, lookbackMs: 0));
        Assert.Equal([(Minute, T0)], schedule.Due(T0 + Minute + 5_000, lookbackMs: 0));
    }

    [Fact]
    public void Due_windows_are_those_ending_by_the_boundary_oldest_first_across_sizes_and_each_is_judged_once()
    {
        var schedule = new WindowSchedule([10_000, Minute]);
        schedule.StartAt(T0);

        var due = schedule.Due(T0 + Minute, lookbackMs: 0);

        Assert.Equal(7, due.Count);
        Assert.Equal((Minute, T0), due[^1]);
        Assert.True(due.Zip(due.Skip(1)).All(p => p.First.StartMs + p.First.SizeMs <= p.Second.StartMs + p.Second.SizeMs));
        foreach (var (size, start) in due)
        {
            schedule.Judged(size, start);
        }

        Assert.Empty(schedule.Due(T0 + Minute, lookbackMs: 0));
    }

    [Fact]
    public void A_restored_schedule_resumes_where_it_was_and_a_long_stop_restarts_at_the_lookback()
    {
        var schedule = new WindowSchedule([Minute]);
        schedule.StartAt(T0);
        foreach (var (size, start) in schedule.Due(T0 + (3 * Minute), lookbackMs: 0))
        {
            schedule.Judged(size, start);
        }

        var restored = new WindowSchedule([Minute]);
        restored.Restore(schedule.Save());

        Assert.Equal([(Minute, T0 + (3 * Minute))], restored.Due(T0 + (4 * Minute), lookbackMs: 0));
        var late = restored.Due(T0 + (600 * Minute), lookbackMs: 2 * Minute, maxCatchUpMs: 60 * Minute);
        Assert.Equal([(Minute, T0 + (598 * Minute)), (Minute, T0 + (599 * Minute))], late);
    }

    [Fact]
    public void Nothing_after_the_stop_is_due()
    {
        var schedule = new WindowSchedule([Minute]);
        schedule.StartAt(T0);
        schedule.StopAt(T0 + (2 * Minute));

        Assert.Equal([(Minute, T0), (Minute, T0 + Minute)], schedule.Due(T0 + (10 * Minute), lookbackMs: 0));
    }
}
