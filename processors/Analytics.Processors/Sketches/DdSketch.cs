namespace Analytics.Processors.Sketches;

/// <summary>
/// A DDSketch (Masson, Rim and Lee, VLDB 2019) for non-negative values such as video start times in ms.
/// Values fall into logarithmic buckets: bucket i holds (γ^(i-1), γ^i] with γ = (1+α)/(1-α), so the
/// bucket's representative 2γ^i/(γ+1) is within relative error α of every value in it.
/// Counts per bucket are plain integers, which makes the sketch exactly mergeable (bucket-wise sums)
/// and exactly retractable: merging in any order, across partitions, windows and rollups, gives the
/// same sketch, and ClickHouse can merge the stored form with sumMap.
/// Error bound: <see cref="Quantile"/> returns a value within relative error α of the exact order
/// statistic at rank ⌊q·(n−1)⌋ (0-based). Values below 1 are counted as 1.
/// </summary>
internal sealed class DdSketch
{
    /// <summary>The relative accuracy every stored sketch uses; ClickHouse's quantile UDF assumes it.</summary>
    public const double DefaultRelativeAccuracy = 0.01;

    private static readonly double DefaultGamma = (1 + DefaultRelativeAccuracy) / (1 - DefaultRelativeAccuracy);
    private static readonly double DefaultLogGamma = Math.Log(DefaultGamma);

    // Sorted by key; sketches of one window and dimension combination are small, so an
    // insertion-sorted pair of arrays beats a dictionary in memory and in merge speed.
    private short[] _keys;
    private long[] _counts;
    private int _length;
    private bool _frozen;

    public DdSketch()
    {
        _keys = [];
        _counts = [];
    }

    /// <summary>A shared sketch with nothing in it, which refuses changes: what an accumulator reports before its first sample.</summary>
    public static DdSketch Empty { get; } = new() { _frozen = true };

    public static double RelativeAccuracy => DefaultRelativeAccuracy;

    public static double Gamma => DefaultGamma;

    public long Count { get; private set; }

    public int BucketCount => _length;

    public bool IsEmpty => Count == 0;

    public static short KeyOf(double value)
    {
        if (value <= 1)
        {
            return 0;
        }

        var key = Math.Ceiling(Math.Log(value) / DefaultLogGamma);
        return (short)Math.Min(key, short.MaxValue);
    }

    public static double ValueOf(short key) => key == 0 ? 1 : 2 * Math.Pow(DefaultGamma, key) / (DefaultGamma + 1);

    public void Add(double value, long count = 1) => AddToBucket(KeyOf(value), count);

    public void Remove(double value, long count = 1) => AddToBucket(KeyOf(value), -count);

    public void Merge(DdSketch other)
    {
        for (var i = 0; i < other._length; i++)
        {
            AddToBucket(other._keys[i], other._counts[i]);
        }
    }

    /// <summary>Adds a signed count to a bucket; buckets that reach zero are removed.</summary>
    public void AddToBucket(short key, long count)
    {
        if (count == 0)
        {
            return;
        }

        if (_frozen)
        {
            throw new InvalidOperationException("the shared empty sketch cannot change; take the accumulator's own sketch");
        }

        var i = Array.BinarySearch(_keys, 0, _length, key);
        if (i >= 0)
        {
            _counts[i] += count;
            Count += count;
            if (_counts[i] == 0)
            {
                Array.Copy(_keys, i + 1, _keys, i, _length - i - 1);
                Array.Copy(_counts, i + 1, _counts, i, _length - i - 1);
                _length--;
            }

            return;
        }

        i = ~i;
        if (_length == _keys.Length)
        {
            var size = Math.Max(4, _length * 2);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _counts, size);
        }

        Array.Copy(_keys, i, _keys, i + 1, _length - i);
        Array.Copy(_counts, i, _counts, i + 1, _length - i);
        _keys[i] = key;
        _counts[i] = count;
        _length++;
        Count += count;
    }

    /// <summary>The estimate of the q-quantile, or NaN when empty.</summary>
    public double Quantile(double q)
    {
        if (q is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "must be within [0, 1]");
        }

        if (Count <= 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Floor(q * (Count - 1));
        long seen = 0;
        for (var i = 0; i < _length; i++)
        {
            seen += _counts[i];
            if (seen > rank)
            {
                return ValueOf(_keys[i]);
            }
        }

        return ValueOf(_keys[_length - 1]);
    }

    public IEnumerable<KeyValuePair<short, long>> Buckets()
    {
        for (var i = 0; i < _length; i++)
        {
            yield return new KeyValuePair<short, long>(_keys[i], _counts[i]);
        }
    }

    public ReadOnlySpan<short> Keys => _keys.AsSpan(0, _length);

    public ReadOnlySpan<long> Counts => _counts.AsSpan(0, _length);

    public DdSketch Clone()
    {
        var copy = new DdSketch
        {
            _keys = _keys.AsSpan(0, _length).ToArray(),
            _counts = _counts.AsSpan(0, _length).ToArray(),
            _length = _length,
            Count = Count,
        };
        return copy;
    }

    public void Clear()
    {
        _length = 0;
        Count = 0;
    }
}
