using Analytics.Alerts.OnCall;
using Analytics.Alerts.Routing;

namespace Analytics.Alerts.Tests.Routing;

public sealed class RouteTests
{
    private const string Receivers = """
        receivers:
          - name: default
            log: {}
          - name: pager
            log: {}
          - name: cdn-team
            log: {}
          - name: eu
            log: {}
        """;

    [Theory]
    [InlineData("severity=\"P0\"", "P0", true)]
    [InlineData("severity = P0", "P0", true)]
    [InlineData("severity!=\"P0\"", "P0", false)]
    [InlineData("severity=~\"P0|P1\"", "P1", true)]
    [InlineData("severity=~\"P\"", "P1", false)] // anchored, as in Alertmanager
    [InlineData("severity!~\"P2|P3\"", "P1", true)]
    [InlineData("team=\"\"", "P1", true)] // a missing label is the empty text
    public void Matchers_follow_alertmanager(string text, string severity, bool expected)
    {
        var matcher = Matcher.TryParse(text, out var error);
        Assert.Null(error);
        Assert.Equal(expected, matcher!.Matches(new Dictionary<string, string> { ["severity"] = severity }));
    }

    [Theory]
    [InlineData("severity", "is not a matcher")]
    [InlineData("1abc=\"x\"", "is not a matcher")]
    [InlineData("severity=~\"(\"", "not a valid regex")]
    public void Bad_matchers_say_why(string text, string reason)
    {
        Assert.Null(Matcher.TryParse(text, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_first_matching_route_wins_unless_it_continues_and_unmatched_fall_back_to_the_parent()
    {
        var route = Parse("""
            route:
              receiver: default
              routes:
                - matchers: ['severity=~"P0|P1"']
                  receiver: pager
                  continue: true
                - matchers: ['cdn="oca"']
                  receiver: cdn-team
                  routes:
                    - matchers: ['region="eu"']
                      receiver: eu
                - matchers: ['cdn=~".+"']
                  receiver: eu
            """);

        Assert.Equal(["default"], route.Select(Labels("P3")));
        Assert.Equal(["pager"], route.Select(Labels("P1"))); // a matching child (even one that continues) replaces the parent
        Assert.Equal(["pager", "cdn-team"], route.Select(Labels("P0", ("cdn", "oca"))));
        Assert.Equal(["eu"], route.Select(Labels("P2", ("cdn", "oca"), ("region", "eu"))));

        // cdn=oca matched and did not continue, so the third route is not tried.
        Assert.Equal(["cdn-team"], route.Select(Labels("P2", ("cdn", "oca"))));
        Assert.Equal(["eu"], route.Select(Labels("P2", ("cdn", "akamai"))));
    }

    [Fact]
    public void A_route_without_a_receiver_inherits_its_parents()
    {
        var route = Parse("""
            route:
              receiver: default
              routes:
                - matchers: ['cdn="oca"']
                  routes:
                    - matchers: ['pop="iad-1"']
                      receiver: cdn-team
            """);

        Assert.Equal(["default"], route.Select(Labels("P1", ("cdn", "oca"), ("pop", "lhr-1"))));
        Assert.Equal(["cdn-team"], route.Select(Labels("P1", ("cdn", "oca"), ("pop", "iad-1"))));
    }

    [Theory]
    [InlineData("route:\n  routes: []", "the root route needs a receiver")]
    [InlineData("route:\n  receiver: nobody", "route names receiver \"nobody\", which is not in receivers")]
    [InlineData("route:\n  receiver: default\n  matchers: ['a=\"b\"']", "route.matchers: the root route matches every incident")]
    [InlineData("route:\n  receiver: default\n  routes:\n    - matchers: ['sev']\n      receiver: pager", "route.routes[0].matchers[0]: \"sev\" is not a matcher")]
    [InlineData("route:\n  receiver: default\n  routes:\n    - receivr: pager", "unknown key \"receivr\" in route.routes[0]; did you mean \"receiver\"?")]
    [InlineData("route:\n  receiver: default\n  routes:\n    - receiver: pager\n      receivers: [eu]", "route.routes[0].receivers: give receiver or receivers, not both")]
    public void Wrong_routes_are_errors_naming_the_key(string yaml, string message)
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", yaml + "\n" + Receivers);
        Assert.Null(config);
        Assert.Contains(problems, p => p.IsError && p.Message.Contains(message, StringComparison.Ordinal));
    }

    private static Route Parse(string yaml)
    {
        var (config, problems) = OnCallFile.Parse("oncall.yaml", yaml + "\n" + Receivers);
        Assert.True(config is not null, string.Join("\n", problems));
        return config.Route;
    }

    private static Dictionary<string, string> Labels(string severity, params (string Name, string Value)[] more)
    {
        var labels = new Dictionary<string, string> { ["severity"] = severity };
        foreach (var (name, value) in more)
        {
            labels[name] = value;
        }

        return labels;
    }
}
