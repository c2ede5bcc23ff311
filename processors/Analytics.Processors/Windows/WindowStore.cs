using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;

namespace Analytics.Processors.Windows;

/// <summary>
/// One row's state inside a window: its accumulator (the cell is one, so an update touches one object)
/// and whether it must be (re-)emitted.
/// </summary>
internal sealed class WindowCell : QoeAccumulator
{
    public WindowCell(Window window)
    {
        Window = window;
    }

    /// <summary>The window holding the cell, so a cached cell can tell whether it still covers a time.</summary>
    public Window Window { get; }

    /// <summary>Whether a row for this cell has been written, so a change must be written again.</summary>
    public bool Emitted { get; set; }

    /// <summary>Changed since it was last written, in a window that has already fired.</summary>
    public bool Dirty { get; set; }
}

internal sealed class Window
{
    public Window(long start, long end, int cubeCount)
    {
        Start = start;
        End = end;
        Cells = new Dictionary<CubeKey, WindowCell>[cubeCount];
        for (var c = 0; c < cubeCount; c++)
        {
            Cells[c] = [];
        }
    }

    public long Start { get; }

    public long End { get; }

    public bool Fired { get; set; }

    /// <summary>Dropped from the store: cells cached by dimension combinations must not be written to any more.</summary>
    public bool Purged { get; private set; }

    public Dictionary<CubeKey, WindowCell>[] Cells { get; }

    /// <summary>Whether a cell cached for this window can take a contribution at <paramref name="t"/>.</summary>
    public bool Covers(long t) => t >= Start && t < End && !Purged;

    /// <summary>Marks the window dropped and lets its cells go, except those still cached by some combination.</summary>
    public void Purge()
    {
        Purged = true;
        for (var c = 0; c < Cells.Length; c++)
        {
            Cells[c] = [];
        }

        Dirty.Clear();
    }

    /// <summary>Cells changed after the window fired, waiting for the next sweep to write their correction.</summary>
    public List<(int Cube, CubeKey Key, WindowCell Cell)> Dirty { get; } = [];
}

/// <summary>Receives window rows as windows fire or are corrected. The accumulator must be read at once.</summary>
internal interface IWindowRowSink
{
    void WindowRow(int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction);
}

/// <summary>
/// The open windows of one partition, per size. A window fires when the watermark passes its end and
/// stays in memory after that, until the partition says no late beacon can change it any more.
/// </summary>
internal sealed class WindowStore
{
    private readonly WindowSizes _sizes;
    private readonly int _cubeCount;
    private readonly int[][] _cubesBySize;
    private readonly int[] _firstSlot;
    private readonly int _slots;
    private readonly Dictionary<long, Window>[] _windows;
    private readonly Window?[] _recent;
    private readonly long[] _purgedThrough;

    // cubesBySize: per window size, the indexes of the cubes computed at that size.
    public WindowStore(WindowSizes sizes, int cubeCount, int[][] cubesBySize)
    {
        _sizes = sizes;
        _cubeCount = cubeCount;
        _cubesBySize = cubesBySize;
        _firstSlot = new int[sizes.Count];
        for (var s = 0; s < sizes.Count; s++)
        {
            _firstSlot[s] = _slots;
            _slots += cubesBySize[s].Length;
        }
        _windows = sizes.Sizes.Select(_ => new Dictionary<long, Window>()).ToArray();
        _recent = new Window?[sizes.Count];
        _purgedThrough = sizes.Sizes.Select(_ => long.MinValue).ToArray();
    }

    public WindowSizes Sizes => _sizes;

    /// <summary>Contributions that arrived for a window already dropped; non-zero means a bug, and is reported.</summary>
    public long LostContributions { get; private set; }

    public int OpenWindowCount => _windows.Sum(w => w.Count);

    public IEnumerable<Window> WindowsOfSize(int sizeIndex) => _windows[sizeIndex].Values;

    /// <summary>Adds a contribution at time <paramref name="t"/> to the window of every size.</summary>
    public void Apply(in Contribution c, long t, int sign, SessionDims dims)
    {
        for (var s = 0; s < _sizes.Count; s++)
        {
            ApplyToSize(s, c, t, sign, dims);
        }
    }

    public void ApplyToSize(int sizeIndex, in Contribution c, long t, int sign, SessionDims dims)
    {
        var cubes = _cubesBySize[sizeIndex];
        if (cubes.Length == 0)
        {
            return;
        }

        // Sessions of one combination write to the same cells for a whole window: the combination
        // keeps them, so only its first contribution to a window looks the cells up.
        var cache = dims.CachedCells ??= new WindowCell?[_slots];
        var slot = _firstSlot[sizeIndex];
        var window = cache[slot]?.Window;
        if (window is null || !window.Covers(t))
        {
            window = GetWindow(sizeIndex, t);
            if (window is null)
            {
                LostContributions++;
                return;
            }

            for (var i = 0; i < cubes.Length; i++)
            {
                var key = dims.Keys[cubes[i]];
                var cells = window.Cells[cubes[i]];
                if (!cells.TryGetValue(key, out var found))
                {
                    found = new WindowCell(window);
                    cells.Add(key, found);
                }

                cache[slot + i] = found;
            }
        }

        for (var i = 0; i < cubes.Length; i++)
        {
            var cube = cubes[i];
            var cell = cache[slot + i]!;
            c.ApplyTo(cell, sign);
            if (window.Fired && !cell.Dirty)
            {
                cell.Dirty = true;
                window.Dirty.Add((cube, dims.Keys[cube], cell));
            }
        }
    }

    /// <summary>Whether cubes are computed at a window size.</summary>
    public IReadOnlyList<int> CubesAt(int sizeIndex) => _cubesBySize[sizeIndex];

    /// <summary>
    /// Fires the windows ending at or before <paramref name="boundary"/>, writes corrections of fired
    /// windows, and drops windows ending at or before <paramref name="finalThrough"/>.
    /// </summary>
    public void Sweep(long boundary, long finalThrough, IWindowRowSink sink)
    {
        for (var s = 0; s < _sizes.Count; s++)
        {
            var windows = _windows[s];
            List<long>? purge = null;
            foreach (var w in windows.Values)
            {
                if (!w.Fired && w.End <= boundary)
                {
                    w.Fired = true;
                    for (var cube = 0; cube < _cubeCount; cube++)
                    {
                        foreach (var (key, cell) in w.Cells[cube])
                        {
                            if (!cell.IsZero)
                            {
                                sink.WindowRow(s, w.Start, cube, key, cell, correction: false);
                                cell.Emitted = true;
                            }
                        }
                    }
                }
                else if (w.Dirty.Count > 0)
                {
                    foreach (var (cube, key, cell) in w.Dirty)
                    {
                        cell.Dirty = false;
                        if (cell.Emitted || !cell.IsZero)
                        {
                            sink.WindowRow(s, w.Start, cube, key, cell, correction: cell.Emitted);
                            cell.Emitted = true;
                        }
                    }

                    w.Dirty.Clear();
                }

                if (w.End <= finalThrough)
                {
                    (purge ??= []).Add(w.Start);
                }
            }

            if (purge is not null)
            {
                foreach (var start in purge)
                {
                    windows.Remove(start, out var removed);
                    _purgedThrough[s] = Math.Max(_purgedThrough[s], removed!.End);
                    removed.Purge();
                    if (ReferenceEquals(_recent[s], removed))
                    {
                        _recent[s] = null;
                    }
                }
            }
        }
    }

    public IEnumerable<(int Cube, CubeKey Key)> LiveKeys()
    {
        foreach (var windows in _windows)
        {
            foreach (var w in windows.Values)
            {
                for (var c = 0; c < _cubeCount; c++)
                {
                    foreach (var key in w.Cells[c].Keys)
                    {
                        yield return (c, key);
                    }
                }
            }
        }
    }

    /// <summary>Restores a window from a checkpoint.</summary>
    public Window Restore(int sizeIndex, long start, bool fired)
    {
        var w = new Window(start, start + _sizes.Sizes[sizeIndex], _cubeCount) { Fired = fired };
        _windows[sizeIndex][start] = w;
        return w;
    }

    public long PurgedThrough(int sizeIndex) => _purgedThrough[sizeIndex];

    public void RestorePurgedThrough(int sizeIndex, long value) => _purgedThrough[sizeIndex] = value;

    private Window? GetWindow(int s, long t)
    {
        var size = _sizes.Sizes[s];
        var start = EventTime.Floor(t, size);
        var recent = _recent[s];
        if (recent is not null && recent.Start == start)
        {
            return recent;
        }

        if (!_windows[s].TryGetValue(start, out var w))
        {
            if (start + size <= _purgedThrough[s])
            {
                return null;
            }

            w = new Window(start, start + size, _cubeCount);
            _windows[s].Add(start, w);
        }

        _recent[s] = w;
        return w;
    }
}
