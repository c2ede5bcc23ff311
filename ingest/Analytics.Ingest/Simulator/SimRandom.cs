using System.Numerics;

namespace Analytics.Ingest.Simulator;

/// <summary>
/// xoshiro256** with the distributions the player model needs. Our own generator rather than
/// <see cref="Random"/> so that a seed gives the same traffic on every .NET version, and so that
/// each session can own a cheap independent stream (see <see cref="ForStream"/>).
/// </summary>
internal struct SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>An independent stream for (seed, stream, index), e.g. one per session.</summary>
    public static SimRandom ForStream(ulong seed, ulong stream, ulong index)
        => new(Mix(seed ^ Mix(stream + 0x632BE59BD9B4E019UL) ^ Mix(index ^ 0x8CB92BA72F3D8DD7UL)));

    /// <summary>A bijection on 64-bit values (SplitMix64's finaliser): distinct inputs give distinct outputs.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>Uniform in [min, max] (both inclusive).</summary>
    public long NextLong(long min, long max) => min + (long)(NextDouble() * (max - min + 1));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public double Normal()
    {
        // Box-Muller; the second variate is dropped to keep the struct small.
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Lognormal given its median and the sigma of the underlying normal.</summary>
    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

    /// <summary>Index drawn from a cumulative weight table (last entry = total).</summary>
    public int Pick(double[] cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        var i = Array.BinarySearch(cumulative, x);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, cumulative.Length - 1);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }
}
