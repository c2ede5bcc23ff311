using Analytics.Ingest.Events;

namespace Analytics.Ingest.Tests.Events;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_values_share_one_instance()
    {
        var pool = new StringPool();

        var a = pool.GetOrAdd("us-east"u8);
        var b = pool.GetOrAdd("us-east"u8);

        Assert.Equal("us-east", a);
        Assert.Same(a, b);
        Assert.Equal(1, pool.Count);
        Assert.Same(string.Empty, pool.GetOrAdd([]));
    }

    [Fact]
    public void A_full_pool_still_returns_values_but_keeps_no_more()
    {
        var pool = new StringPool(maxEntries: 16);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"v{i}", pool.GetOrAdd(System.Text.Encoding.UTF8.GetBytes($"v{i}")));
        }

        Assert.Equal(16, pool.Count);
        Assert.Equal(84, pool.Overflows);
        Assert.Same(pool.GetOrAdd("v3"u8), pool.GetOrAdd("v3"u8));
    }

    [Fact]
    public void Stable_hash_is_fixed_across_runs()
    {
        // Checkpoints keep these hashes: a change here breaks deduplication after an upgrade.
        Assert.Equal(0xE1543C3CC8E00A81UL, StableHash.Hash64("3f9c1a7e0b2d4c55"u8));
        Assert.Equal(0xD8A310150DF90781UL, StableHash.Hash64([]));
        Assert.Equal(StableHash.Hash64("3f9c1a7e0b2d4c55"u8), StableHash.Hash64("3f9c1a7e0b2d4c55"));
        Assert.NotEqual(StableHash.Hash64("a"u8), StableHash.Hash64("b"u8));
        Assert.NotEqual(StableHash.Hash64("abcdefgh1"u8), StableHash.Hash64("abcdefgh2"u8));
        Assert.NotEqual(StableHash.Hash64([]), StableHash.Hash64([0]));
    }
}
