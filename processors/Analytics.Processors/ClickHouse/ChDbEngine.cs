using System.Runtime.InteropServices;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// The one chDB engine of this process. chDB keeps one storage path per process: any number of connections may be
/// open on it at once, and another path can be opened only after all of them are closed. This registry enforces
/// that with a clear error instead of chDB's silent null.
/// </summary>
/// <remarks>
/// chdb_shutdown is deliberately never called: measured on 26.7, after it no chdb_connect succeeds again in the
/// process, so closing the last connection (which releases the path) is the clean way to stop.
/// </remarks>
internal static class ChDbEngine
{
    private static readonly Lock Gate = new();
    private static string? _path;
    private static int _openConnections;
    private static bool _signalHandlersDisabled;

    /// <summary>The storage path in use, or null when no connection is open.</summary>
    public static string? OpenPath
    {
        get
        {
            lock (Gate)
            {
                return _path;
            }
        }
    }

    /// <summary>Opens a connection; returns chDB's connection handle (a <c>chdb_connection*</c>).</summary>
    public static IntPtr Connect(string fullPath, bool readOnly)
    {
        lock (Gate)
        {
            if (_path is not null && !string.Equals(_path, fullPath, StringComparison.Ordinal))
            {
                throw new ChDbException(
                    $"chDB is already open at {_path} in this process ({_openConnections} connection(s)); it cannot open {fullPath} "
                    + "as well. chDB keeps one storage path per process: close every connection first, or use the same path.");
            }

            ChDbNative.EnsureLoaded();
            Directory.CreateDirectory(fullPath);
            var connection = ConnectPreservingSignals(fullPath, readOnly);
            if (connection == IntPtr.Zero)
            {
                throw new ChDbException(
                    $"chDB could not open {fullPath}. Check that the directory is writable and not used by another process "
                    + "(chDB locks it), and see chDB's message on stderr.");
            }

            _path = fullPath;
            _openConnections++;
            return connection;
        }
    }

    public static void Close(IntPtr connection)
    {
        lock (Gate)
        {
            ChDbNative.CloseConnection(connection);
            if (--_openConnections == 0)
            {
                _path = null;
            }
        }
    }

    private static unsafe IntPtr ConnectPreservingSignals(string fullPath, bool readOnly)
    {
        string[] args = readOnly
            ? ["clickhouse", $"--path={fullPath}", "--readonly=1"]
            : ["clickhouse", $"--path={fullPath}"];
        var argv = stackalloc IntPtr[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            argv[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
        }

        try
        {
            if (!_signalHandlersDisabled)
            {
                ChDbNative.SetSignalHandlersEnabled(0);
                _signalHandlersDisabled = true;
            }

            var dispositions = SignalDispositions.IsSupported ? SignalDispositions.Capture() : null;
            var connection = ChDbNative.Connect(args.Length, argv);
            dispositions?.RestoreChanged();
            return connection;
        }
        finally
        {
            for (var i = 0; i < args.Length; i++)
            {
                Marshal.FreeCoTaskMem(argv[i]);
            }
        }
    }
}
