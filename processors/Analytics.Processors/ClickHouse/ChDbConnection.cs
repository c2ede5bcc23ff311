using System.Runtime.InteropServices;
using System.Text;

namespace Analytics.Processors.ClickHouse;

/// <summary>
/// A connection to the embedded chDB engine (ClickHouse 26.7 in-process). One statement runs at a time per
/// connection: callers queue on an async lock and the native call runs on a pool thread. Several connections may be
/// open on the same path (e.g. a writer and a read-only one for analysts); see <see cref="ChDbEngine"/>.
/// </summary>
/// <remarks>
/// A connection is a session: <c>USE db</c> sticks to it. A statement that has started cannot be cancelled (chDB's
/// blocking API has no cancel); the token is honoured while waiting for the lock.
/// </remarks>
internal sealed class ChDbConnection : IClickHouseConnection
{
    // An empty format makes chDB reuse the previous statement's format, so output-less calls name one explicitly.
    private const string DiscardFormat = "TabSeparated";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IntPtr _connection;
    private int _disposed;

    private ChDbConnection(IntPtr connection, string fullPath, bool readOnly)
    {
        _connection = connection;
        DataPath = fullPath;
        IsReadOnly = readOnly;
        Description = readOnly ? $"chdb:{fullPath} (read-only)" : $"chdb:{fullPath}";
    }

    public string Description { get; }

    /// <summary>The engine's data directory (absolute).</summary>
    public string DataPath { get; }

    public bool IsReadOnly { get; }

    /// <summary>Opens a connection; the first one in the process starts the engine (about 150 ms, plus loading the library).</summary>
    public static ChDbConnection Open(ChDbOptions options)
    {
        options.Validate();
        var fullPath = options.FullPath;
        return new ChDbConnection(ChDbEngine.Connect(fullPath, options.ReadOnly), fullPath, options.ReadOnly);
    }

    /// <inheritdoc cref="Open"/>
    public static Task<ChDbConnection> OpenAsync(ChDbOptions options, CancellationToken ct = default)
        => Task.Run(() => Open(options), ct);

    public Task ExecuteAsync(string sql, CancellationToken ct = default)
        => RunAsync(Encoding.UTF8.GetBytes(sql), DiscardFormat, wantOutput: false, ct);

    public Task<byte[]> QueryAsync(string sql, string format, CancellationToken ct = default)
        => RunAsync(Encoding.UTF8.GetBytes(sql), ClickHouseSql.RequireFormat(format), wantOutput: true, ct);

    /// <remarks>
    /// The rows go through a temporary file and <c>FROM INFILE</c>: chDB cuts binary rows passed inline
    /// in the statement short, and parses even JSON rows from a file about 2.5 times faster. Rows are
    /// not collapsed at insert (<c>optimize_on_insert = 0</c>, 30 % less insert CPU): a Replacing table
    /// keeps duplicates across inserts until a merge anyway, so every reader already uses FINAL.
    /// </remarks>
    public async Task InsertAsync(string table, string format, ReadOnlyMemory<byte> data, CancellationToken ct = default)
    {
        ClickHouseSql.RequireTable(table);
        ClickHouseSql.RequireFormat(format);
        Directory.CreateDirectory(InsertDirectory);
        var path = System.IO.Path.Combine(InsertDirectory, $"{Guid.NewGuid():N}.rows");
        try
        {
            await File.WriteAllBytesAsync(path, data, ct);
            await ExecuteAsync($"INSERT INTO {table} FROM INFILE {ClickHouseSql.Quote(path)} SETTINGS optimize_on_insert = 0 FORMAT {format}", ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Where inserts stage their rows; per process, so concurrent processes never share a file.</summary>
    private static string InsertDirectory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"analytics-chdb-inserts-{Environment.ProcessId}");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Waits for a running statement; statements queued behind it then see the connection disposed.
        await _gate.WaitAsync();
        try
        {
            ChDbEngine.Close(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> RunAsync(ArraySegment<byte> statement, string format, bool wantOutput, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            ct.ThrowIfCancellationRequested();
            return await Task.Run(() => Run(statement, format, wantOutput), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    private unsafe byte[] Run(ArraySegment<byte> statement, string format, bool wantOutput)
    {
        var formatBytes = Encoding.ASCII.GetBytes(format);
        IntPtr result;
        fixed (byte* query = statement.AsSpan())
        fixed (byte* fmt = formatBytes)
        {
            result = ChDbNative.Query(*(IntPtr*)_connection, query, (nuint)statement.Count, fmt, (nuint)formatBytes.Length);
        }

        if (result == IntPtr.Zero)
        {
            throw new ChDbException($"chDB returned no result at all for a statement on {Description}; the engine may be shutting down.");
        }

        try
        {
            var error = ChDbNative.ResultError(result);
            if (error != IntPtr.Zero)
            {
                var text = Marshal.PtrToStringUTF8(error) ?? string.Empty;
                throw ClickHouseErrors.TryParse(text, out var parsed)
                    ? new ClickHouseServerException(parsed, Description)
                    : new ChDbException($"chDB failed on {Description}: {text}");
            }

            var buffer = ChDbNative.ResultBuffer(result);
            var length = ChDbNative.ResultLength(result);
            if (!wantOutput || buffer == IntPtr.Zero || length == 0)
            {
                return [];
            }

            var output = GC.AllocateUninitializedArray<byte>(checked((int)length));
            new ReadOnlySpan<byte>((void*)buffer, output.Length).CopyTo(output);
            return output;
        }
        finally
        {
            ChDbNative.DestroyResult(result);
        }
    }
}
