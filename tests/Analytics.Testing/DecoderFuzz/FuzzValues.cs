namespace Analytics.Testing.DecoderFuzz;

/// <summary>
/// JSON fragments at the edges of the beacon contract, as byte strings (one char per byte, so
/// invalid UTF-8 can be written). Each is a value in some member's place or a piece of one.
/// </summary>
internal static class FuzzValues
{
    public static readonly string[] Numbers =
    [
        "0", "-0", "1", "2", "-1", "01", "00", "-01", "1.0", "1.5", "-0.0", "0.0", "1e3", "1E3", "1e+3", "1e-3", "1e400",
        "-", "1.", ".5", "+1", "1_000", "0x10", "NaN", "Infinity", "-Infinity",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "99999999999999999999999", "123456789012345678", "1234567890123456789",
        "4294967295", "4294967296", "1000000", "1000001", "999999",
        "946684800000", "946684799999", "4102444799999", "4102444800000", "1764201600000",
        "1099511627776", "1099511627777", "2147483647", "2147483648",
    ];

    public static readonly string[] Strings =
    [
        "\"\"", "\"a\"", "\"" + new string('a', 128) + "\"", "\"" + new string('a', 129) + "\"",
        "\"\\u0061\"", "\"\\\"\"", "\"a\\nb\"", "\"a\\/b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"",
        "\"\\u00e9\"", "\"\\x41\"", "\"\\u12\"", "\"\\\"", "\"abc", "\"a\tb\"", "\"a\u0001b\"", "\"a\u007fb\"",
        "\"\u00c3\u00a9\"", "\"\u00f0\u009f\u0098\u0080\"", "\"\u00e4\u00b8\u00ad\u00e6\u0096\u0087\"",
        "\"\u00ff\"", "\"\u00c3\"", "\"\u00c0\u00af\"", "\"\u00ed\u00a0\u0080\"", "\"\u00f4\u0090\u0080\u0080\"", "\"\u0080\"",
        "\"heartbeat\"", "\"HEARTBEAT\"", "\"error\"", "\"play_request\"", "\"first_frame\"", "\"seek\"",
        "\"bitrate_change\"", "\"end\"", "\"unknown\"", "\"1\"", "\"true\"", "\"null\"", "\"" + new string('\u00e9', 64) + "\"",
    ];

    public static readonly string[] Literals = ["true", "false", "null", "True", "nul", "truex", "fals", "nulll", "tru e"];

    public static readonly string[] Containers =
    [
        "{}", "[]", "[1,2]", "{\"a\":1}", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\":}", "[", "{", "]", "}",
        "{\"v\":1}", "[\"x\",{\"y\":[true,null]}]", "{\"a\":{\"b\":\"\\u00e9\"}}", "[01]", "[1 2]", "{\"a\" 1}", "{1:2}",
    ];

    /// <summary>Whitespace JSON allows, and some it does not.</summary>
    public static readonly string[] Gaps = [" ", "\t", "\n", "\r\n", "  ", " \n\t ", "\f", "\v", "\u00a0"];

    /// <summary>Valid additions to a string value.</summary>
    public static readonly string[] Unicode = ["\u00c3\u00a9", "\u00f0\u009f\u0098\u0080", "\u00e4\u00b8\u00ad", "\\u00e9", "\\n", "\\\"", "\\/", "\\ud83d\\ude00"];

    /// <summary>Bytes appended after the object.</summary>
    public static readonly string[] Trailers = [" ", "\n", "}", "{}", " x", "\u0000", ",", "//c", "/*c*/", "1", "\u00ef\u00bb\u00bf"];

    /// <summary>Bytes a byte flip writes: JSON punctuation, digits, letters, high bytes.</summary>
    public const string FlipBytes = "{}[]\":,\\ \t\n0123456789-+.eEtfnulrsa\u0000\u0080\u00ff\u00c3";

    /// <summary>A nested value <paramref name="depth"/> containers deep.</summary>
    public static string Nested(int depth, bool arrays) => arrays
        ? new string('[', depth) + "1" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>The JSON name of a key in an escaped but equal form, e.g. "t\u0073".</summary>
    public static string Escaped(string name, int at)
    {
        var i = at % name.Length;
        return name[..i] + $"\\u{(int)name[i]:x4}" + name[(i + 1)..];
    }
}
