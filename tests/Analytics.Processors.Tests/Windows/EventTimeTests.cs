using Analytics.Processors.Windows;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Processors.Tests.Windows;

public sealed class EventTimeTests
{
    [Theory]
    [InlineData(1_764_201_600_000, 60_000, 1_764_201_600_000)]
    [InlineData(1_764_201_659_999, 60_000, 1_764_201_600_000)]
    [InlineData(1_764_201_660_000, 60_000, 1_764_201_660_000)]
    [InlineData(-1, 10_000, -10_000)]
    public void Floor_gives_the_start_of_the_window_containing_t(long t, long size, long start)
        => Assert.Equal(start, EventTime.Floor(t, size));

    [Fact]
    public void Every_instant_belongs_to_exactly_one_window_and_it_contains_it()
    {
        Prop.ForAll(
            Arb.From(Gen.Choose(0, int.MaxValue).Select(x => 1_700_000_000_000L + x)),
            Arb.From(Gen.Elements(1_000L, 10_000L, 60_000L, 3_600_000L)),
            (t, size) =>
            {
                var start = EventTime.Floor(t, size);
                return start <= t && t < start + size && start % size == 0
                    && EventTime.Floor(start, size) == start
                    && EventTime.Ceiling(t, size) - t < size;
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Window_sizes_sweep_at_their_greatest_common_divisor()
    {
        var sizes = new WindowSizes([TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10)]);
        Assert.Equal(10_000, sizes.PaneMs);
        Assert.Equal(["10s", "1m"], sizes.Labels);
        Assert.Equal(5_000, new WindowSizes([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10)]).PaneMs);
        Assert.Equal("1h", WindowSizes.Label(3_600_000));
        Assert.Equal("1d", WindowSizes.Label(86_400_000));
    }
}
