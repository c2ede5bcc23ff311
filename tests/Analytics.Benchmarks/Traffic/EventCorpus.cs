using Analytics.Benchmarks.Harness;
using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.Traffic;

/// <summary>
/// Simulated Kafka messages held in memory for timing: the values as JSON lines packed into a few large
/// chunks (millions of small arrays or message objects would give the GC a heap to trace that no real
/// consumer has), plus per message its key, record timestamp and partition. Read-only once built.
/// </summary>
internal sealed class EventCorpus
{
    private const int ChunkBytes = 32 << 20;

    private readonly byte[][] _chunks;
    private readonly int[] _chunkUsed;
    private readonly ushort[] _chunkOf;
    private readonly int[] _start;
    private readonly int[] _length;
    private readonly int[] _keyOf;
    private readonly byte[][] _keys;
    private readonly long[] _recordTs;
    private readonly byte[] _partitionOf;

    private EventCorpus(Builder b, int partitions)
    {
        _chunks = [.. b.Chunks];
        _chunkUsed = [.. b.ChunkUsed];
        if (_chunks.Length > 0)
        {
            Array.Resize(ref _chunks[^1], _chunkUsed[^1]);
        }

        _chunkOf = b.ChunkOf;
        _start = b.Start;
        _length = b.Length;
        _keyOf = b.KeyOf;
        _keys = [.. b.Keys];
        _recordTs = b.RecordTs;
        Count = b.Count;
        Partitions = partitions;
        ValueBytes = b.ValueBytes;
        FirstEventTimeMs = b.FirstTs;
        LastEventTimeMs = b.LastTs;

        // Kafka's producer picks the partition from the key; the consumer never computes it.
        var keyPartition = _keys.Select(k => (byte)(StableHash.Hash64(k) % (ulong)partitions)).ToArray();
        _partitionOf = new byte[Count];
        for (var i = 0; i < Count; i++)
        {
            _partitionOf[i] = keyPartition[_keyOf[i]];
        }
    }

    public int Count { get; }

    public int Partitions { get; }

    /// <summary>Bytes of the JSON values, without line separators.</summary>
    public long ValueBytes { get; }

    /// <summary>Distinct Kafka keys, i.e. sessions.</summary>
    public int Sessions => _keys.Length;

    public long FirstEventTimeMs { get; }

    public long LastEventTimeMs { get; }

    /// <summary>What the corpus itself occupies: chunks plus per-message arrays.</summary>
    public long FootprintBytes => _chunks.Sum(c => (long)c.Length) + ((long)Count * (2 + 4 + 4 + 4 + 8 + 1)) + _keys.Sum(k => 24L + k.Length);

    public ReadOnlySpan<byte> Value(int i) => new(_chunks[_chunkOf[i]], _start[i], _length[i]);

    public ReadOnlySpan<byte> Key(int i) => _keys[_keyOf[i]];

    public long RecordTimestampMs(int i) => _recordTs[i];

    public int Partition(int i) => _partitionOf[i];

    /// <summary>Messages of the seeded simulator in delivery order; progress every tenth.</summary>
    public static EventCorpus Generate(SimulatorOptions simulator, int count, int partitions)
    {
        if (partitions is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "must be between 1 and 255");
        }

        var b = new Builder(count);
        var step = Math.Max(1, count / 10);
        foreach (var m in TrafficGenerator.Generate(simulator with { MaxEvents = count }))
        {
            if (b.Count == count)
            {
                break;
            }

            b.Add(m);
            if (b.Count % step == 0)
            {
                Progress.Report($"generated {Units.Count(b.Count)} / {Units.Count(count)} events ({Units.Megabytes(b.ValueBytes)} of JSON)");
            }
        }

        if (b.Count < count)
        {
            throw new InvalidOperationException($"The simulator stopped after {b.Count} events, fewer than the {count} asked for; give it a longer duration.");
        }

        return new EventCorpus(b, partitions);
    }

    /// <summary>Writes the values as JSON lines (JSONEachRow), straight from the chunks.</summary>
    public void WriteJsonLines(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        for (var c = 0; c < _chunks.Length; c++)
        {
            file.Write(_chunks[c], 0, _chunkUsed[c]);
        }
    }

    private sealed class Builder
    {
        private readonly Dictionary<byte[], int> _keyIndex = new(ReferenceEqualityComparer.Instance);

        public Builder(int capacity)
        {
            ChunkOf = new ushort[capacity];
            Start = new int[capacity];
            Length = new int[capacity];
            KeyOf = new int[capacity];
            RecordTs = new long[capacity];
        }

        public List<byte[]> Chunks { get; } = [];

        public List<int> ChunkUsed { get; } = [];

        public List<byte[]> Keys { get; } = [];

        public ushort[] ChunkOf { get; }

        public int[] Start { get; }

        public int[] Length { get; }

        public int[] KeyOf { get; }

        public long[] RecordTs { get; }

        public int Count { get; private set; }

        public long ValueBytes { get; private set; }

        public long FirstTs { get; private set; } = long.MaxValue;

        public long LastTs { get; private set; } = long.MinValue;

        public void Add(SimulatedMessage m)
        {
            var value = m.Value;
            if (Chunks.Count == 0 || ChunkUsed[^1] + value.Length + 1 > ChunkBytes)
            {
                Chunks.Add(new byte[ChunkBytes]);
                ChunkUsed.Add(0);
            }

            var c = Chunks.Count - 1;
            var at = ChunkUsed[c];
            value.CopyTo(Chunks[c], at);
            Chunks[c][at + value.Length] = (byte)'\n';
            ChunkUsed[c] = at + value.Length + 1;

            // A session's messages share one key array.
            if (!_keyIndex.TryGetValue(m.Key, out var key))
            {
                key = Keys.Count;
                Keys.Add(m.Key);
                _keyIndex.Add(m.Key, key);
            }

            var i = Count++;
            ChunkOf[i] = checked((ushort)c);
            Start[i] = at;
            Length[i] = value.Length;
            KeyOf[i] = key;
            RecordTs[i] = m.DeliveryTimeMs;
            ValueBytes += value.Length;
            var ts = m.Beacon?.TimestampMs ?? m.DeliveryTimeMs;
            FirstTs = Math.Min(FirstTs, ts);
            LastTs = Math.Max(LastTs, ts);
        }
    }
}
