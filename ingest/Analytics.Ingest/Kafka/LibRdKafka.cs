using System.Reflection;
using System.Runtime.InteropServices;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// Points Confluent.Kafka at Debian's librdkafka. Confluent.Kafka 1.9.3 asks for a library named
/// "librdkafka" that the librdkafka.redist package would ship; Debian's librdkafka1 ships only
/// librdkafka.so.1. Its own Library.Load cannot be used either: it dlopens "libdl", and Debian 12
/// has only libdl.so.2.
/// </summary>
internal static class LibRdKafka
{
    public const string SonameEnvironmentVariable = "ANALYTICS_LIBRDKAFKA";
    private const string DefaultSoname = "librdkafka.so.1";
    private static readonly Lock Gate = new();
    private static IntPtr _handle;

    /// <summary>The loaded library's handle, for our own P/Invoke calls (mock cluster, fault injection).</summary>
    public static IntPtr Handle
    {
        get
        {
            EnsureLoaded();
            return _handle;
        }
    }

    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
            {
                return;
            }

            var name = Environment.GetEnvironmentVariable(SonameEnvironmentVariable) is { Length: > 0 } custom ? custom : DefaultSoname;
            if (!NativeLibrary.TryLoad(name, out _handle))
            {
                throw new KafkaException(
                    $"Could not load {name}. Install Debian's librdkafka1 (run ./analytics setup, or apt-get install -y librdkafka1), "
                    + $"or set {SonameEnvironmentVariable} to the library's path.",
                    isTransient: false);
            }

            NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
            NativeLibrary.SetDllImportResolver(typeof(LibRdKafka).Assembly, ResolveOwn);
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName.Contains("rdkafka", StringComparison.Ordinal) ? _handle : IntPtr.Zero;

    private static IntPtr ResolveOwn(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == NativeName ? _handle : IntPtr.Zero;

    /// <summary>The library name our own DllImports use; resolved to the loaded librdkafka.</summary>
    public const string NativeName = "rdkafka-native";
}
