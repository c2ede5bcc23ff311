using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Analytics.Processors.ClickHouse;

/// <summary>An error reported by ClickHouse: its numeric code, its symbolic name when known, and the bare message.</summary>
internal readonly record struct ClickHouseError(int Code, string? Name, string Message);

/// <summary>
/// ClickHouse error codes and error texts. Servers and chDB report errors as text:
/// modern ones as <c>Code: 60. DB::Exception: Unknown table … (UNKNOWN_TABLE) (version 26.7.2.1)</c>,
/// 18.x as <c>Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception</c>.
/// chDB nests the same prefix and suffix several times. Codes come from system.errors of ClickHouse 26.7.
/// </summary>
internal static partial class ClickHouseErrors
{
    public const int UnsupportedMethod = 1;
    public const int BadArguments = 36;
    public const int NotImplemented = 48;
    public const int UnknownTable = 60;
    public const int SyntaxError = 62;
    public const int UnknownDatabase = 81;
    public const int UnknownCompressionMethod = 89;
    public const int Readonly = 164;
    public const int UnknownUser = 192;
    public const int WrongPassword = 193;
    public const int RequiredPassword = 194;
    public const int EmptyQuery = 211;
    public const int AuthenticationFailed = 516;

    private static readonly FrozenDictionary<int, string> Names = new Dictionary<int, string>
    {
        [1] = "UNSUPPORTED_METHOD",
        [3] = "UNEXPECTED_END_OF_FILE",
        [6] = "CANNOT_PARSE_TEXT",
        [8] = "THERE_IS_NO_COLUMN",
        [15] = "DUPLICATE_COLUMN",
        [25] = "CANNOT_PARSE_ESCAPE_SEQUENCE",
        [26] = "CANNOT_PARSE_QUOTED_STRING",
        [27] = "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
        [36] = "BAD_ARGUMENTS",
        [37] = "UNKNOWN_ELEMENT_IN_AST",
        [38] = "CANNOT_PARSE_DATE",
        [41] = "CANNOT_PARSE_DATETIME",
        [44] = "ILLEGAL_COLUMN",
        [46] = "UNKNOWN_FUNCTION",
        [47] = "UNKNOWN_IDENTIFIER",
        [48] = "NOT_IMPLEMENTED",
        [50] = "UNKNOWN_TYPE",
        [53] = "TYPE_MISMATCH",
        [56] = "UNKNOWN_STORAGE",
        [57] = "TABLE_ALREADY_EXISTS",
        [60] = "UNKNOWN_TABLE",
        [62] = "SYNTAX_ERROR",
        [63] = "UNKNOWN_AGGREGATE_FUNCTION",
        [72] = "CANNOT_PARSE_NUMBER",
        [73] = "UNKNOWN_FORMAT",
        [76] = "CANNOT_OPEN_FILE",
        [78] = "UNKNOWN_TYPE_OF_QUERY",
        [80] = "INCORRECT_QUERY",
        [81] = "UNKNOWN_DATABASE",
        [82] = "DATABASE_ALREADY_EXISTS",
        [89] = "UNKNOWN_COMPRESSION_METHOD",
        [95] = "CANNOT_READ_FROM_SOCKET",
        [96] = "CANNOT_WRITE_TO_SOCKET",
        [115] = "UNKNOWN_SETTING",
        [117] = "INCORRECT_DATA",
        [123] = "UNKNOWN_TYPE_OF_AST_NODE",
        [152] = "UNKNOWN_DIRECTION_OF_SORTING",
        [159] = "TIMEOUT_EXCEEDED",
        [164] = "READONLY",
        [167] = "TOO_DEEP_AST",
        [168] = "TOO_BIG_AST",
        [173] = "CANNOT_ALLOCATE_MEMORY",
        [192] = "UNKNOWN_USER",
        [193] = "WRONG_PASSWORD",
        [194] = "REQUIRED_PASSWORD",
        [201] = "QUOTA_EXCEEDED",
        [202] = "TOO_MANY_SIMULTANEOUS_QUERIES",
        [203] = "NO_FREE_CONNECTION",
        [209] = "SOCKET_TIMEOUT",
        [210] = "NETWORK_ERROR",
        [211] = "EMPTY_QUERY",
        [216] = "QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING",
        [223] = "UNEXPECTED_AST_STRUCTURE",
        [225] = "NO_ZOOKEEPER",
        [229] = "QUERY_IS_TOO_LARGE",
        [241] = "MEMORY_LIMIT_EXCEEDED",
        [242] = "TABLE_IS_READ_ONLY",
        [243] = "NOT_ENOUGH_SPACE",
        [252] = "TOO_MANY_PARTS",
        [279] = "ALL_CONNECTION_TRIES_FAILED",
        [285] = "TOO_FEW_LIVE_REPLICAS",
        [286] = "UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE",
        [289] = "REPLICA_IS_NOT_IN_QUORUM",
        [319] = "UNKNOWN_STATUS_OF_INSERT",
        [321] = "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
        [336] = "UNKNOWN_DATABASE_ENGINE",
        [369] = "ALL_REPLICAS_ARE_STALE",
        [376] = "CANNOT_PARSE_UUID",
        [381] = "HTTP_LENGTH_REQUIRED",
        [394] = "QUERY_WAS_CANCELLED",
        [427] = "CANNOT_COMPILE_REGEXP",
        [439] = "CANNOT_SCHEDULE_TASK",
        [441] = "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING",
        [497] = "ACCESS_DENIED",
        [511] = "UNKNOWN_ROLE",
        [512] = "SET_NON_GRANTED_ROLE",
        [516] = "AUTHENTICATION_FAILED",
        [675] = "CANNOT_PARSE_IPV4",
        [676] = "CANNOT_PARSE_IPV6",
        [745] = "SERVER_OVERLOADED",
        [779] = "UNSUPPORTED_MEDIA_TYPE",
        [999] = "KEEPER_EXCEPTION",
        [1000] = "POCO_EXCEPTION",
        [1001] = "STD_EXCEPTION",
        [1002] = "UNKNOWN_EXCEPTION",
    }.ToFrozenDictionary();

    /// <summary>
    /// Codes worth retrying unchanged: the network between or inside servers, timeouts, overload (too many queries,
    /// too many parts, memory), and replication/Keeper hiccups. Everything else (syntax, unknown objects, types,
    /// parse errors, auth, read-only) fails the same way on every attempt.
    /// </summary>
    private static readonly FrozenSet<int> Transient = new[]
    {
        95, // CANNOT_READ_FROM_SOCKET
        96, // CANNOT_WRITE_TO_SOCKET
        159, // TIMEOUT_EXCEEDED
        173, // CANNOT_ALLOCATE_MEMORY
        202, // TOO_MANY_SIMULTANEOUS_QUERIES
        203, // NO_FREE_CONNECTION
        209, // SOCKET_TIMEOUT
        210, // NETWORK_ERROR
        225, // NO_ZOOKEEPER
        241, // MEMORY_LIMIT_EXCEEDED
        242, // TABLE_IS_READ_ONLY (a replica lost Keeper)
        252, // TOO_MANY_PARTS
        279, // ALL_CONNECTION_TRIES_FAILED
        285, // TOO_FEW_LIVE_REPLICAS
        286, // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
        289, // REPLICA_IS_NOT_IN_QUORUM
        319, // UNKNOWN_STATUS_OF_INSERT
        369, // ALL_REPLICAS_ARE_STALE
        439, // CANNOT_SCHEDULE_TASK
        745, // SERVER_OVERLOADED
        999, // KEEPER_EXCEPTION
    }.ToFrozenSet();

    private static readonly FrozenSet<int> AuthCodes = new[] { UnknownUser, WrongPassword, RequiredPassword, AuthenticationFailed }.ToFrozenSet();

    public static bool IsTransient(int code) => Transient.Contains(code);

    public static bool IsAuthentication(int code) => AuthCodes.Contains(code);

    /// <summary>The symbolic name of a code this project knows about, or null.</summary>
    public static string? NameOf(int code) => Names.GetValueOrDefault(code);

    /// <summary>
    /// The HTTP status a ClickHouse server answers with for an error code
    /// (after ClickHouse's src/Server/HTTP/exceptionCodeToHTTPStatus.cpp): 401/403 for auth, 400 for bad SQL or data,
    /// 404 for unknown objects, 500 otherwise.
    /// </summary>
    public static int HttpStatusOf(int code) => code switch
    {
        RequiredPassword => 401,
        UnknownUser or WrongPassword or AuthenticationFailed or 512 or 497 => 403,
        36 or 427 or 6 or 25 or 26 or 38 or 41 or 72 or 441 or 675 or 676 or 27 or 376 or 15 or 44 or 37 or 123 or 8
            or 167 or 168 or 223 or SyntaxError or 117 or 53 or 321 => 400,
        UnknownTable or 46 or 47 or 50 or 56 or UnknownDatabase or 115 or 152 or 63 or 73 or 336 or 78 or 511 => 404,
        229 => 413,
        NotImplemented => 501,
        209 or 76 or 439 => 503,
        381 => 411,
        159 => 408,
        779 => 415,
        _ => 500,
    };

    /// <summary>Parses an error text that starts with <c>Code: N</c>. Returns false for anything else (an HTML proxy page, say).</summary>
    public static bool TryParse(string? text, out ClickHouseError error)
    {
        error = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var head = Head().Match(text);
        if (!head.Success || !int.TryParse(head.Groups[1].ValueSpan, out var code))
        {
            return false;
        }

        // Peel decorations off both ends until none is left: chDB nests "Code: N. DB::Exception:" prefixes and
        // ". (NAME) (version …)" suffixes several times.
        var message = text[head.Length..].Trim();
        string? name = null;
        int before;
        do
        {
            before = message.Length;
            message = WhatSuffix().Replace(message, string.Empty);
            message = VersionSuffix().Replace(message, string.Empty);
            var suffix = NameSuffix().Match(message);
            var candidate = suffix.Success ? suffix.Groups[1].Value : null;
            if (candidate is not null && (name is null ? IsErrorName(candidate) : candidate == name))
            {
                name = candidate;
                message = message[..suffix.Index];
            }

            message = Prefix().Replace(message.TrimEnd().TrimEnd('.').TrimEnd(), string.Empty);
        }
        while (message.Length != before && message.Length > 0);

        error = new ClickHouseError(code, name ?? NameOf(code), message);
        return true;
    }

    // Error names are SCREAMING_SNAKE_CASE; a bare upper-case word counts only if we know it (READONLY), so that
    // a message ending in "(SELEC)" keeps its tail.
    private static bool IsErrorName(string candidate) => candidate.Contains('_', StringComparison.Ordinal) || Names.Values.Contains(candidate);

    /// <summary>Formats an error the way ClickHouse 2x servers do, for clients that parse it.</summary>
    public static string Format(ClickHouseError error, string version)
        => $"Code: {error.Code}. DB::Exception: {error.Message}. ({error.Name ?? "UNKNOWN_EXCEPTION"}) (version {version})";

    [GeneratedRegex(@"^\s*Code:\s*(\d+)\s*[.,]\s*(?:e\.displayText\(\)\s*=\s*)?")]
    private static partial Regex Head();

    [GeneratedRegex(@"^(?:(?:DB::)?Exception:\s*|Code:\s*\d+\s*[.,]\s*(?:e\.displayText\(\)\s*=\s*)?)+")]
    private static partial Regex Prefix();

    [GeneratedRegex(@",\s*e\.what\(\)\s*=\s*[\w:]+\s*$")]
    private static partial Regex WhatSuffix();

    // "(version 24.8.4.13 (official build))" has one nested pair of parentheses.
    [GeneratedRegex(@"\s*\(version [^()]*(?:\([^()]*\))?[^()]*\)\s*\.?\s*$")]
    private static partial Regex VersionSuffix();

    [GeneratedRegex(@"\s*\(([A-Z][A-Z0-9_]+)\)\s*\.?\s*$")]
    private static partial Regex NameSuffix();
}
