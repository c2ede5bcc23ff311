using System.Runtime.InteropServices;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// A snapshot of every signal's disposition (sigaction), to put back what native code changed.
/// Why: chDB's engine start replaces handlers the .NET runtime owns. Measured with chDB 26.7 under .NET 10:
/// with its crash handlers on, chDB takes SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP/SIGABRT, so the next
/// NullReferenceException hangs the thread instead of being thrown; even with them off it takes SIGRTMIN, which the
/// runtime uses to interrupt threads for garbage collection. SIGINT and SIGTERM were left alone, but restoring every
/// changed disposition keeps Ctrl-C, SIGTERM and the runtime's own handlers working whatever a chDB version does.
/// </summary>
internal sealed unsafe class SignalDispositions
{
    // glibc's struct sigaction is 152 bytes on x86-64 and arm64; a larger slot keeps us independent of its layout.
    private const int SlotSize = 256;
    private static readonly Lazy<Libc> LibcFunctions = new(Libc.Load);
    private readonly byte[] _actions;
    private readonly int _maxSignal;

    private SignalDispositions(byte[] actions, int maxSignal)
    {
        _actions = actions;
        _maxSignal = maxSignal;
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    public static SignalDispositions Capture()
    {
        var libc = LibcFunctions.Value;
        var max = libc.SigRtMax();
        var actions = new byte[(max + 1) * SlotSize];
        fixed (byte* p = actions)
        {
            for (var signal = 1; signal <= max; signal++)
            {
                libc.SigAction(signal, null, p + (signal * SlotSize));
            }
        }

        return new SignalDispositions(actions, max);
    }

    /// <summary>Puts back every disposition that differs from the snapshot; returns the signals it restored.</summary>
    public IReadOnlyList<int> RestoreChanged()
    {
        var libc = LibcFunctions.Value;
        var restored = new List<int>();
        var current = stackalloc byte[SlotSize];
        fixed (byte* saved = _actions)
        {
            for (var signal = 1; signal <= _maxSignal; signal++)
            {
                new Span<byte>(current, SlotSize).Clear();
                libc.SigAction(signal, null, current);
                var before = saved + (signal * SlotSize);
                if (!new ReadOnlySpan<byte>(current, SlotSize).SequenceEqual(new ReadOnlySpan<byte>(before, SlotSize))
                    && libc.SigAction(signal, before, null) == 0)
                {
                    restored.Add(signal);
                }
            }
        }

        return restored;
    }

    /// <summary>The handler address installed for a signal now (0 = default, 1 = ignore); for tests and diagnostics.</summary>
    public static IntPtr CurrentHandler(int signal)
    {
        var slot = stackalloc byte[SlotSize];
        return LibcFunctions.Value.SigAction(signal, null, slot) == 0 ? *(IntPtr*)slot : IntPtr.Zero;
    }

    private sealed class Libc
    {
        private readonly delegate* unmanaged<int, byte*, byte*, int> _sigaction;
        private readonly delegate* unmanaged<int> _sigRtMax;

        private Libc(IntPtr handle)
        {
            _sigaction = (delegate* unmanaged<int, byte*, byte*, int>)NativeLibrary.GetExport(handle, "sigaction");
            _sigRtMax = (delegate* unmanaged<int>)NativeLibrary.GetExport(handle, "__libc_current_sigrtmax");
        }

        public static Libc Load() => new(NativeLibrary.Load("libc.so.6"));

        public int SigAction(int signal, byte* action, byte* previous) => _sigaction(signal, action, previous);

        public int SigRtMax() => _sigRtMax();
    }
}
