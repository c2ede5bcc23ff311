namespace Analytics.Alerts.Detectors.Seasonal;

/// <summary>
/// The typical value of each slot of a cycle (an hour of the day, an hour of the week): the median of the
/// slot's mean over the last few cycles. Medians over cycles ignore one odd day; interpolating between
/// slot centres keeps a smooth daily curve from looking like a staircase.
/// </summary>
internal sealed class SeasonProfile
{
    private readonly int _slots;
    private readonly int _cycles;
    private readonly long _slotMs;
    private readonly float[] _values;
    private readonly byte[] _filled;

    // Each slot's median, recomputed when the slot gets a new cycle: derived, so not saved.
    private readonly float[] _medians;
    private readonly byte[] _next;
    private long _openSlot = long.MinValue;
    private double _openSum;
    private int _openCount;

    public SeasonProfile(int slots, int cycles, long cycleMs)
    {
        _slots = slots;
        _cycles = cycles;
        _slotMs = cycleMs / slots;
        _values = new float[slots * cycles];
        _filled = new byte[slots];
        _medians = new float[slots];
        _next = new byte[slots];
    }

    /// <summary>Slot of a timestamp (Unix ms); weeks start on Monday 00:00 UTC (the epoch was a Thursday).</summary>
    public int SlotOf(long timestampMs)
    {
        var slot = (Math.DivRem(timestampMs, _slotMs, out var rest) - (rest < 0 ? 1 : 0) + ((3L * 86_400_000 / _slotMs) % _slots)) % _slots;
        return (int)(slot < 0 ? slot + _slots : slot);
    }

    /// <summary>
    /// Adds a point to its slot. When the point falls in a later slot than the open one, the open slot's
    /// mean is recorded first and that slot's index is returned (otherwise −1), so the point itself never
    /// enters the medians it is compared with.
    /// </summary>
    public int Observe(long timestampMs, double value)
    {
        var slot = Math.DivRem(timestampMs, _slotMs, out var rest) - (rest < 0 ? 1 : 0);
        var closed = -1;
        if (slot != _openSlot)
        {
            if (_openCount > 0)
            {
                closed = SlotOf(_openSlot * _slotMs);
                Add(closed, _openSum / _openCount);
            }

            _openSlot = slot;
            _openSum = 0;
            _openCount = 0;
        }

        _openSum += value;
        _openCount++;
        return closed;
    }

    /// <summary>Records one cycle's mean of a slot, replacing the oldest once the slot holds its cycles.</summary>
    public void Add(int slot, double mean)
    {
        _values[(slot * _cycles) + _next[slot]] = (float)mean;
        _next[slot] = (byte)((_next[slot] + 1) % _cycles);
        if (_filled[slot] < _cycles)
        {
            _filled[slot]++;
        }

        _medians[slot] = ComputeMedian(slot);
    }

    /// <summary>
    /// The expected value at a time, interpolated between the two nearest slot centres, when both have at
    /// least <paramref name="minCycles"/> cycles; otherwise NaN.
    /// </summary>
    public double Expected(long timestampMs, int minCycles)
    {
        var slot = SlotOf(timestampMs);
        var position = (double)(((timestampMs % _slotMs) + _slotMs) % _slotMs) / _slotMs;
        var other = position < 0.5 ? (slot + _slots - 1) % _slots : (slot + 1) % _slots;
        var weight = position < 0.5 ? 0.5 - position : position - 0.5;
        var here = Median(slot, minCycles);
        var there = Median(other, minCycles);
        if (double.IsNaN(there))
        {
            return here;
        }

        return double.IsNaN(here) ? double.NaN : ((1 - weight) * here) + (weight * there);
    }

    public double Median(int slot, int minCycles)
        => _filled[slot] < minCycles || _filled[slot] == 0 ? double.NaN : _medians[slot];

    private float ComputeMedian(int slot)
    {
        int n = _filled[slot];
        Span<float> v = stackalloc float[n];
        _values.AsSpan(slot * _cycles, n).CopyTo(v);
        v.Sort();
        return (n & 1) == 1 ? v[n / 2] : 0.5f * (v[(n / 2) - 1] + v[n / 2]);
    }

    public void Write(BinaryWriter writer)
    {
        writer.WriteAll(_values);
        writer.Write(_filled);
        writer.Write(_next);
        writer.Write(_openSlot);
        writer.Write(_openSum);
        writer.Write(_openCount);
    }

    public void Read(BinaryReader reader)
    {
        reader.ReadInto(_values);
        reader.ReadInto(_filled);
        reader.ReadInto(_next);
        for (var slot = 0; slot < _slots; slot++)
        {
            _medians[slot] = _filled[slot] == 0 ? 0 : ComputeMedian(slot);
        }

        _openSlot = reader.ReadInt64();
        _openSum = reader.ReadDouble();
        _openCount = reader.ReadInt32();
    }
}
