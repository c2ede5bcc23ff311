using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// The parent links of the delivery hierarchy (a POP belongs to one CDN, a country to one region), learnt
/// from observed slices: any slice or row that names both a child and its parent teaches the link. Lets
/// containment see that <c>cdn=oca</c> holds <c>pop=iad-2</c> although the POP's slice does not say so.
/// </summary>
internal sealed class Topology
{
    private static readonly (string Child, string Parent)[] Links = [("pop", "cdn"), ("country", "region")];
    private readonly Dictionary<(string Dimension, string Value), KeyValuePair<string, string>> _parents = [];

    public void Observe(Slice slice)
    {
        foreach (var (child, parent) in Links)
        {
            if (slice[child] is { } c && slice[parent] is { } p && !string.IsNullOrEmpty(c) && !string.IsNullOrEmpty(p))
            {
                _parents[(child, c)] = new(parent, p);
            }
        }
    }

    public void Observe(IEnumerable<SliceRow> rows)
    {
        foreach (var row in rows)
        {
            Observe(row.Slice);
        }
    }

    public KeyValuePair<string, string>? ParentOf(string dimension, string value)
        => _parents.TryGetValue((dimension, value), out var parent) ? parent : null;

    /// <summary>The slice with the parents its values imply added: <c>pop=iad-2</c> becomes <c>cdn=oca,pop=iad-2</c>.</summary>
    public Slice Expand(Slice slice)
    {
        var dims = slice.Dimensions.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var grew = true;
        while (grew)
        {
            grew = false;
            foreach (var (k, v) in dims.ToList())
            {
                if (ParentOf(k, v) is { } parent && dims.TryAdd(parent.Key, parent.Value))
                {
                    grew = true;
                }
            }
        }

        return dims.Count == slice.Dimensions.Count ? slice : new Slice(dims);
    }

    /// <summary>Whether <paramref name="outer"/> holds all the traffic of <paramref name="inner"/>, parents included.</summary>
    public bool Contains(Slice outer, Slice inner) => outer.Contains(Expand(inner));

    /// <summary>Whether the slices name different values for a dimension they share (after expansion): no traffic in common.</summary>
    public bool Disjoint(Slice a, Slice b)
    {
        var x = Expand(a);
        var y = Expand(b);
        return x.Dimensions.Any(d => y[d.Key] is { } other && other != d.Value);
    }
}
