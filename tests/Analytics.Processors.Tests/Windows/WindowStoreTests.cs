using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Tests.Windows;

/// <summary>The cells a dimension combination caches must behave as the lookup by key does.</summary>
public sealed class WindowStoreTests
{
    private const long Start = 1_764_201_600_000;

    [Fact]
    public void Combinations_with_the_same_cube_key_share_one_cell_and_one_row()
    {
        var (store, catalog) = Create();
        var a = catalog.Intern(Dims("isp-1", "title-1"));
        var b = catalog.Intern(Dims("isp-1", "title-2"));
        store.Apply(Contribution.Attempt, Start + 1_000, +1, a);
        store.Apply(Contribution.Attempt, Start + 2_000, +1, b);
        store.Apply(Contribution.Attempt, Start + 3_000, +1, a);

        var rows = Fire(store, Start + 60_000);

        var delivery = Assert.Single(rows, r => r.Cube == 0);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(new long[] { 1, 2 }, rows.Where(r => r.Cube == 1).Select(r => r.Attempts).Order());
    }

    [Fact]
    public void A_cached_cell_of_a_later_window_is_not_reused_for_an_earlier_time()
    {
        var (store, catalog) = Create();
        var a = catalog.Intern(Dims("isp-1", "title-1"));
        store.Apply(Contribution.Attempt, Start + 61_000, +1, a);
        store.Apply(Contribution.Attempt, Start + 1_000, +1, a);

        var rows = Fire(store, Start + 120_000).Where(r => r.Cube == 0).ToList();

        Assert.Equal(new[] { (Start, 1L), (Start + 60_000, 1L) }, rows.Select(r => (r.WindowStart, r.Attempts)).Order());
    }

    [Fact]
    public void A_purged_window_takes_no_more_contributions_through_a_cached_cell()
    {
        var (store, catalog) = Create();
        var a = catalog.Intern(Dims("isp-1", "title-1"));
        store.Apply(Contribution.Attempt, Start + 1_000, +1, a);
        var fired = new Rows();
        store.Sweep(Start + 60_000, Start + 60_000, fired);

        store.Apply(Contribution.Attempt, Start + 2_000, +1, a);
        var after = new Rows();
        store.Sweep(Start + 120_000, Start + 120_000, after);

        Assert.Equal(2, fired.Count);
        Assert.Empty(after);
        Assert.Equal(1, store.LostContributions);
        Assert.Equal(0, store.OpenWindowCount);
    }

    private static (WindowStore Store, DimensionCatalog Catalog) Create()
    {
        Cube[] cubes = [Cube.Delivery, Cube.Content];
        var sizes = new WindowSizes([TimeSpan.FromMinutes(1)]);
        return (new WindowStore(sizes, cubes.Length, [[0, 1]]), new DimensionCatalog(cubes));
    }

    private static List<(int Cube, long WindowStart, long Attempts)> Fire(WindowStore store, long boundary)
    {
        var rows = new Rows();
        store.Sweep(boundary, long.MinValue, rows);
        return rows;
    }

    private static EventDimensions Dims(string isp, string title)
        => new("tv", "tvos", "m1", "1.0", "eu", "FR", isp, 3215, "cdn-a", "par", title);

    private sealed class Rows : List<(int Cube, long WindowStart, long Attempts)>, IWindowRowSink
    {
        public void WindowRow(int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
            => Add((cube, windowStart, acc.Attempts));
    }
}
