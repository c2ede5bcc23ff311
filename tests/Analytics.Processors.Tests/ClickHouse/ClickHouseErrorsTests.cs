using Analytics.Processors.ClickHouse;

namespace Analytics.Processors.Tests.ClickHouse;

public sealed class ClickHouseErrorsTests
{
    [Fact]
    public void Parses_a_modern_server_error()
    {
        Assert.True(ClickHouseErrors.TryParse(
            "Code: 60. DB::Exception: Unknown table expression identifier 'nosuch' in scope SELECT * FROM nosuch. (UNKNOWN_TABLE) (version 24.8.4.13 (official build))\n",
            out var error));

        Assert.Equal(new ClickHouseError(60, "UNKNOWN_TABLE", "Unknown table expression identifier 'nosuch' in scope SELECT * FROM nosuch"), error);
    }

    [Fact]
    public void Parses_an_18_16_error_and_names_known_codes()
    {
        Assert.True(ClickHouseErrors.TryParse(
            "Code: 193, e.displayText() = DB::Exception: Wrong password for user analytics, e.what() = DB::Exception\n", out var error));

        Assert.Equal(new ClickHouseError(193, "WRONG_PASSWORD", "Wrong password for user analytics"), error);
    }

    [Fact]
    public void Parses_an_18_16_error_with_a_line_break_before_the_tail()
    {
        Assert.True(ClickHouseErrors.TryParse(
            "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \" before: zz\"}: (at row 1)\n, e.what() = DB::Exception\n",
            out var error));

        Assert.Equal(27, error.Code);
        Assert.Equal("Cannot parse input: expected \" before: zz\"}: (at row 1)", error.Message);
    }

    [Fact]
    public void Unwraps_the_nested_errors_chdb_reports()
    {
        Assert.True(ClickHouseErrors.TryParse(
            "Code: 164. DB::Exception: Code: 164. DB::Exception: Cannot modify 'max_threads' setting in readonly mode. (READONLY) (version 26.7.2.1). (READONLY)",
            out var error));

        Assert.Equal(new ClickHouseError(164, "READONLY", "Cannot modify 'max_threads' setting in readonly mode"), error);
    }

    [Fact]
    public void An_unknown_code_keeps_the_name_the_server_sent_or_none()
    {
        Assert.True(ClickHouseErrors.TryParse("Code: 4242. DB::Exception: Something new. (BRAND_NEW_ERROR)", out var named));
        Assert.True(ClickHouseErrors.TryParse("Code: 4243, e.displayText() = DB::Exception: Old and odd, e.what() = DB::Exception", out var unnamed));

        Assert.Equal("BRAND_NEW_ERROR", named.Name);
        Assert.Null(unnamed.Name);
        Assert.Equal("Old and odd", unnamed.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("Ok.\n")]
    [InlineData("Code: x. DB::Exception: no number")]
    public void Text_that_is_not_a_clickhouse_error_is_not_parsed(string? text) => Assert.False(ClickHouseErrors.TryParse(text, out _));

    [Fact]
    public void Formatted_errors_parse_back_to_the_same_error()
    {
        var error = new ClickHouseError(62, "SYNTAX_ERROR", "Syntax error: failed at position 1 (SELEC)");

        var text = ClickHouseErrors.Format(error, "26.7.2.1");

        Assert.Equal("Code: 62. DB::Exception: Syntax error: failed at position 1 (SELEC). (SYNTAX_ERROR) (version 26.7.2.1)", text);
        Assert.True(ClickHouseErrors.TryParse(text, out var parsed));
        Assert.Equal(error, parsed);
    }

    [Theory]
    [InlineData(159, true)] // TIMEOUT_EXCEEDED
    [InlineData(202, true)] // TOO_MANY_SIMULTANEOUS_QUERIES
    [InlineData(209, true)] // SOCKET_TIMEOUT
    [InlineData(210, true)] // NETWORK_ERROR
    [InlineData(241, true)] // MEMORY_LIMIT_EXCEEDED
    [InlineData(252, true)] // TOO_MANY_PARTS
    [InlineData(60, false)] // UNKNOWN_TABLE
    [InlineData(62, false)] // SYNTAX_ERROR
    [InlineData(164, false)] // READONLY
    [InlineData(193, false)] // WRONG_PASSWORD
    [InlineData(516, false)] // AUTHENTICATION_FAILED
    public void Only_overload_network_and_timeout_codes_are_transient(int code, bool transient)
    {
        Assert.Equal(transient, ClickHouseErrors.IsTransient(code));
        Assert.Equal(transient, new ClickHouseServerException(new ClickHouseError(code, null, "x"), "test").IsTransient);
    }

    [Theory]
    [InlineData(62, 400)]
    [InlineData(27, 400)]
    [InlineData(60, 404)]
    [InlineData(81, 404)]
    [InlineData(194, 401)]
    [InlineData(516, 403)]
    [InlineData(48, 501)]
    [InlineData(159, 408)]
    [InlineData(164, 500)]
    [InlineData(241, 500)]
    public void Http_statuses_follow_clickhouse(int code, int status) => Assert.Equal(status, ClickHouseErrors.HttpStatusOf(code));

    [Fact]
    public void Server_exception_messages_tell_the_user_what_to_check()
    {
        var auth = new ClickHouseServerException(new ClickHouseError(516, "AUTHENTICATION_FAILED", "bad"), "http://h:8123 (db analytics)");
        var table = new ClickHouseServerException(new ClickHouseError(60, "UNKNOWN_TABLE", "no table x"), "chdb:/data");

        Assert.Contains("ANALYTICS_ClickHouse__Http__User and ANALYTICS_ClickHouse__Http__Password", auth.Message);
        Assert.Contains("http://h:8123", auth.Message);
        Assert.Contains("code 60 (UNKNOWN_TABLE): no table x.", table.Message);
        Assert.Contains("schema migrations", table.Message);
    }
}
