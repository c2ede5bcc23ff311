namespace Analytics.Processors.ClickHouse;

/// <summary>Base of every failure talking to ClickHouse, embedded (chDB) or over HTTP.</summary>
internal abstract class ClickHouseException : ProcessorException
{
    protected ClickHouseException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>ClickHouse (a server or chDB) ran the statement and reported an error with a code.</summary>
internal sealed class ClickHouseServerException : ClickHouseException
{
    public ClickHouseServerException(ClickHouseError error, string connection, string? queryId = null, int? httpStatus = null)
        : base(Describe(error, connection))
    {
        Code = error.Code;
        Name = error.Name;
        ServerMessage = error.Message;
        Connection = connection;
        QueryId = queryId;
        HttpStatus = httpStatus;
    }

    /// <summary>ClickHouse's numeric error code, e.g. 60.</summary>
    public int Code { get; }

    /// <summary>ClickHouse's symbolic name, e.g. UNKNOWN_TABLE, when the server sent it or the code is known.</summary>
    public string? Name { get; }

    /// <summary>The server's message without the "Code: N. DB::Exception:" decoration.</summary>
    public string ServerMessage { get; }

    /// <summary>Where it failed: the connection's <see cref="IClickHouseConnection.Description"/>.</summary>
    public string Connection { get; }

    public string? QueryId { get; }

    /// <summary>The HTTP status the server answered with; null for chDB.</summary>
    public int? HttpStatus { get; }

    public ClickHouseError Error => new(Code, Name, ServerMessage);

    public override bool IsTransient => ClickHouseErrors.IsTransient(Code);

    private static string Describe(ClickHouseError error, string connection)
    {
        var hint = error.Code switch
        {
            _ when ClickHouseErrors.IsAuthentication(error.Code)
                => " Check the user and password (ANALYTICS_ClickHouse__Http__User and ANALYTICS_ClickHouse__Http__Password).",
            ClickHouseErrors.UnknownDatabase or ClickHouseErrors.UnknownTable
                => " Check the database and table names; the processor creates its tables when it starts (schema migrations).",
            ClickHouseErrors.Readonly => " This connection is read-only; write through the processor or a writable connection.",
            _ when ClickHouseErrors.IsTransient(error.Code) => " This is usually temporary; the operation may succeed if retried.",
            _ => string.Empty,
        };
        return $"ClickHouse at {connection} failed with code {error.Code} ({error.Name ?? "unknown"}): {error.Message}.{hint}";
    }
}

/// <summary>
/// The request never got a ClickHouse answer: connection refused or dropped, a timeout, or a non-ClickHouse HTTP
/// error such as a proxy's 502/503/504.
/// </summary>
internal sealed class ClickHouseTransportException : ClickHouseException
{
    public ClickHouseTransportException(string message, bool isTransient, int? httpStatus = null, Exception? inner = null)
        : base(message, inner)
    {
        IsTransient = isTransient;
        HttpStatus = httpStatus;
    }

    public int? HttpStatus { get; }

    public override bool IsTransient { get; }
}

/// <summary>The embedded chDB engine could not be loaded or opened.</summary>
internal sealed class ChDbException : ClickHouseException
{
    public ChDbException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public override bool IsTransient => false;
}

/// <summary>The schema in ClickHouse does not match the migrations in the code, or a migration failed.</summary>
internal sealed class SchemaMigrationException : ClickHouseException
{
    public SchemaMigrationException(string message, int? version, Exception? inner = null)
        : base(message, inner)
    {
        Version = version;
    }

    /// <summary>The migration concerned, when there is one.</summary>
    public int? Version { get; }

    public override bool IsTransient => InnerException is ClickHouseException { IsTransient: true };
}
