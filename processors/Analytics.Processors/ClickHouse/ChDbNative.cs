using System.Reflection;
using System.Runtime.InteropServices;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// The C API of chDB 26.7 (chdb.h) and where libchdb.so comes from: <see cref="LibraryEnvironmentVariable"/>, else
/// <c>.tools/chdb/libchdb.so</c> in the first directory above the application that has one (what
/// <c>./analytics setup</c> fetches).
/// </summary>
internal static partial class ChDbNative
{
    public const string LibraryEnvironmentVariable = "ANALYTICS_CHDB_LIB";

    /// <summary>The name our imports use; the resolver maps it to the located libchdb.so.</summary>
    private const string LibraryName = "analytics-chdb";
    private static readonly string RelativeLibraryPath = Path.Combine(".tools", "chdb", "libchdb.so");
    private static readonly Lock Gate = new();
    private static IntPtr _handle;
    private static string? _libraryPath;

    /// <summary>The path of the loaded library, once <see cref="EnsureLoaded"/> succeeded.</summary>
    public static string? LibraryPath => _libraryPath;

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
            {
                return;
            }

            var path = Locate();
            try
            {
                _handle = NativeLibrary.Load(path);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new ChDbException(
                    $"Could not load chDB from {path}: {e.Message}. Run ./analytics setup to fetch it again, "
                    + $"or set {LibraryEnvironmentVariable} to a working libchdb.so.",
                    e);
            }

            _libraryPath = path;
            NativeLibrary.SetDllImportResolver(typeof(ChDbNative).Assembly, Resolve);
        }
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(LibraryEnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new ChDbException(
                    $"{LibraryEnvironmentVariable} points to {configured}, which does not exist. "
                    + "Fix the variable or unset it and run ./analytics setup, which fetches chDB into .tools/chdb.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativeLibraryPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new ChDbException(
            $"chDB (libchdb.so) was not found: no {RelativeLibraryPath} above {AppContext.BaseDirectory}. "
            + $"Run ./analytics setup, which fetches it, or set {LibraryEnvironmentVariable} to its full path.");
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == LibraryName ? _handle : IntPtr.Zero;

    /// <summary><c>chdb_connection* chdb_connect(int argc, char** argv)</c>; null when the engine refuses.</summary>
    [LibraryImport(LibraryName, EntryPoint = "chdb_connect")]
    public static unsafe partial IntPtr Connect(int argc, IntPtr* argv);

    /// <summary><c>void chdb_close_conn(chdb_connection* conn)</c>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(IntPtr connection);

    /// <summary><c>chdb_result* chdb_query_n(chdb_connection conn, const char* query, size_t len, const char* format, size_t len)</c>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "chdb_query_n")]
    public static unsafe partial IntPtr Query(IntPtr connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_buffer")]
    public static partial IntPtr ResultBuffer(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_error")]
    public static partial IntPtr ResultError(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyResult(IntPtr result);

    /// <summary>
    /// <c>void chdb_set_signal_handlers_enabled(int)</c>: with 0 before the first connect, the engine installs no
    /// crash handlers (SIGSEGV, SIGFPE, …), which would otherwise take over .NET's. Measured on 26.7: calling it with 0
    /// also resets every handler chDB recorded to SIG_DFL, so it must not be called once chDB installed any.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "chdb_set_signal_handlers_enabled")]
    public static partial void SetSignalHandlersEnabled(int enabled);

    [LibraryImport(LibraryName, EntryPoint = "chdb_version")]
    public static partial IntPtr Version();
}
