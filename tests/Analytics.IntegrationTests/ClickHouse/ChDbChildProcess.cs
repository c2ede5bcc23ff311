using System.Diagnostics;
using System.Runtime.InteropServices;
using Analytics.Processors.ClickHouse;

namespace Analytics.IntegrationTests.ClickHouse;

/// <summary>
/// Runs chDB in a child process (this test assembly, through <see cref="StartupHook"/>), for what one process cannot
/// show: reopening a data directory after a restart, and signal delivery once chDB is loaded.
/// </summary>
internal static class ChDbChildProcess
{
    public const string ModeVariable = "ANALYTICS_TEST_CHILD";
    public const string PathVariable = "ANALYTICS_TEST_CHILD_PATH";
    public const int ExitOnSigterm = 42;
    public const int ExitOnSigint = 43;
    private const int Sigint = 2;
    private const int Sigterm = 15;

    public sealed record Result(int ExitCode, string Output);

    /// <summary>Starts this assembly as a child in <paramref name="mode"/>.</summary>
    public static Process Start(string mode, string dataPath)
    {
        var assembly = typeof(ChDbChildProcess).Assembly.Location;
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host, ["exec", assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[ModeVariable] = mode;
        start.Environment[PathVariable] = dataPath;
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the child process.");
    }

    /// <summary>Runs a child to completion and returns its exit code and output (stdout then stderr).</summary>
    public static async Task<Result> RunAsync(string mode, string dataPath)
    {
        using var process = Start(mode, dataPath);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return new Result(process.ExitCode, await stdout + await stderr);
    }

    public static void Signal(Process process, int signal)
    {
        if (Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static int RunChild(string mode)
    {
        var path = Environment.GetEnvironmentVariable(PathVariable)!;
        try
        {
            return mode switch
            {
                "write" => Write(path).GetAwaiter().GetResult(),
                "read" => Read(path).GetAwaiter().GetResult(),
                "signals" => WaitForSignal(path).GetAwaiter().GetResult(),
                _ => 2,
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static async Task<int> Write(string path)
    {
        await using var chdb = await ChDbConnection.OpenAsync(new ChDbOptions { Path = path });
        await chdb.ExecuteAsync("CREATE DATABASE IF NOT EXISTS persisted");
        await chdb.ExecuteAsync("CREATE TABLE IF NOT EXISTS persisted.t (id UInt32, m Map(Int16, Int64)) ENGINE = MergeTree ORDER BY id");
        await chdb.InsertAsync("persisted.t", "JSONEachRow", "{\"id\":1,\"m\":{\"200\":5}}\n{\"id\":2,\"m\":{\"-3\":7}}\n"u8.ToArray());
        Console.WriteLine("written");
        return 0;
    }

    private static async Task<int> Read(string path)
    {
        await using var chdb = await ChDbConnection.OpenAsync(new ChDbOptions { Path = path });
        Console.WriteLine(await chdb.QueryTextAsync("SELECT id, m FROM persisted.t ORDER BY id", "JSONEachRow"));
        return 0;
    }

    /// <summary>
    /// Opens chDB the way the demo does, with a SIGTERM handler registered before and a Ctrl-C handler after, then
    /// waits; exits through whichever handler fires, after closing chDB cleanly.
    /// </summary>
    private static async Task<int> WaitForSignal(string path)
    {
        // A shell that starts jobs in the background hands them SIGINT ignored; undo that so Ctrl-C is testable.
        if (SignalDispositions.CurrentHandler(Sigint) == 1)
        {
            ResetToDefault(Sigint);
        }

        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            received.TrySetResult(ExitOnSigterm);
        });

        var before = Enumerable.Range(1, 64).Select(SignalDispositions.CurrentHandler).ToArray();
        var chdb = await ChDbConnection.OpenAsync(new ChDbOptions { Path = path });
        var changed = Enumerable.Range(1, 64).Where(s => SignalDispositions.CurrentHandler(s) != before[s - 1]).ToList();
        Console.WriteLine($"changed-by-chdb: {(changed.Count == 0 ? "none" : string.Join(',', changed))}");
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            received.TrySetResult(ExitOnSigint);
        };
        Console.WriteLine($"version {await chdb.QueryTextAsync("SELECT version()")}".TrimEnd());

        // The runtime turns a null dereference into NullReferenceException through its SIGSEGV handler.
        try
        {
            var nothing = Environment.GetEnvironmentVariable("ANALYTICS_TEST_UNSET_VARIABLE");
            Console.WriteLine(nothing!.Length);
        }
        catch (NullReferenceException)
        {
            Console.WriteLine("null-reference-caught");
        }

        Console.WriteLine($"handlers SIGINT={SignalDispositions.CurrentHandler(Sigint)} SIGTERM={SignalDispositions.CurrentHandler(Sigterm)}");
        Console.WriteLine("ready");
        var code = await received.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await chdb.DisposeAsync();
        Console.WriteLine($"clean-exit {code}");
        return code;
    }

    private static void ResetToDefault(int signal) => SetHandler(signal, IntPtr.Zero);

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this project does not allow.
    [DllImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc.so.6", EntryPoint = "signal")]
    private static extern IntPtr SetHandler(int signal, IntPtr handler);
#pragma warning restore SYSLIB1054
}
