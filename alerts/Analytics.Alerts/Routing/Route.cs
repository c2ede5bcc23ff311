namespace Analytics.Alerts.Routing;

/// <summary>
/// A node of the route tree, as in Alertmanager: an incident matching all <see cref="Matchers"/> goes down
/// to the first child that matches it (and on to later ones while a matching child has <see cref="Continue"/>);
/// when no child takes it, this node's <see cref="Receivers"/> do. The root matches everything.
/// </summary>
/// <param name="Matchers">All must match (none: everything matches).</param>
/// <param name="Receivers">Receiver names; inherited from the parent when not given.</param>
/// <param name="Continue">Whether later siblings are tried after this one matched.</param>
/// <param name="Routes">Children, tried in order.</param>
/// <param name="Position">Where it was written, e.g. <c>alerts/oncall.yaml:12</c>.</param>
internal sealed record Route(
    IReadOnlyList<Matcher> Matchers,
    IReadOnlyList<string> Receivers,
    bool Continue,
    IReadOnlyList<Route> Routes,
    Rules.SourcePosition Position)
{
    /// <summary>The receivers an incident with these labels goes to, each once, in the tree's order.</summary>
    public IReadOnlyList<string> Select(IReadOnlyDictionary<string, string> labels)
    {
        var found = new List<string>();
        Walk(this, labels, found);
        return [.. found.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Every receiver name the tree uses, for the config check.</summary>
    public IEnumerable<(string Receiver, Rules.SourcePosition Position)> Named()
        => Receivers.Select(r => (r, Position)).Concat(Routes.SelectMany(c => c.Named()));

    private static bool Walk(Route node, IReadOnlyDictionary<string, string> labels, List<string> found)
    {
        if (!node.Matchers.All(m => m.Matches(labels)))
        {
            return false;
        }

        var taken = false;
        foreach (var child in node.Routes)
        {
            if (Walk(child, labels, found))
            {
                taken = true;
                if (!child.Continue)
                {
                    break;
                }
            }
        }

        if (!taken)
        {
            found.AddRange(node.Receivers);
        }

        return true;
    }
}
