using System.Runtime.InteropServices;

namespace Analytics.Cli;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation, so commands stop cleanly (flush, checkpoint, commit).
/// A second signal exits at once.
/// </summary>
internal sealed class Shutdown : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public Shutdown(Action<string>? notify = null)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref _signals) > 1)
            {
                Console.Error.WriteLine("analytics: second signal, exiting now without a clean shutdown.");
                Environment.Exit(130);
            }

            notify?.Invoke($"{context.Signal}: shutting down cleanly (flushing, checkpointing, committing); signal again to force.");
            _cts.Cancel();
        }
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Also stop when <paramref name="other"/> is cancelled (e.g. a --duration).</summary>
    public CancellationToken Link(CancellationToken other) => CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, other).Token;

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _cts.Dispose();
    }
}
