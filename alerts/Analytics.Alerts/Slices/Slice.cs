using System.Text;

namespace Analytics.Alerts.Slices;

/// <summary>
/// A set of dimension values that picks part of the traffic, e.g. <c>cdn=oca,pop=iad-2</c>; empty
/// is the whole service. Dimensions are kept sorted by name so equal slices compare and hash equal.
/// </summary>
internal sealed class Slice : IEquatable<Slice>
{
    private readonly KeyValuePair<string, string>[] _dims;
    private readonly string _text;

    public Slice(IEnumerable<KeyValuePair<string, string>> dims)
    {
        _dims = [.. dims.OrderBy(d => d.Key, StringComparer.Ordinal)];
        for (var i = 1; i < _dims.Length; i++)
        {
            if (_dims[i].Key == _dims[i - 1].Key)
            {
                throw new ArgumentException($"The dimension {_dims[i].Key} appears twice in a slice.", nameof(dims));
            }
        }

        var text = new StringBuilder();
        foreach (var (k, v) in _dims)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(k).Append('=').Append(v);
        }

        _text = text.Length == 0 ? "global" : text.ToString();
    }

    public static Slice Global { get; } = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> Dimensions => _dims;

    public IEnumerable<string> Names => _dims.Select(d => d.Key);

    public bool IsGlobal => _dims.Length == 0;

    /// <summary>Parses <c>cdn=oca,pop=iad-2</c> (or <c>global</c>).</summary>
    public static Slice Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "global")
        {
            return Global;
        }

        return new Slice(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            return eq <= 0
                ? throw new FormatException($"'{part}' is not dimension=value (in the slice '{text}').")
                : new KeyValuePair<string, string>(part[..eq].Trim(), part[(eq + 1)..].Trim());
        }));
    }

    public string? this[string dimension]
    {
        get
        {
            foreach (var (k, v) in _dims)
            {
                if (k == dimension)
                {
                    return v;
                }
            }

            return null;
        }
    }

    /// <summary>Whether every dimension value of this slice is also in <paramref name="other"/>: this slice contains the other's traffic.</summary>
    public bool Contains(Slice other) => _dims.All(d => other[d.Key] == d.Value);

    public bool Equals(Slice? other) => other is not null && other._text == _text;

    public override bool Equals(object? obj) => Equals(obj as Slice);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    public override string ToString() => _text;
}
