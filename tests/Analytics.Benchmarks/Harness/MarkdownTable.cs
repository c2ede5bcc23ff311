using System.Text;

namespace Analytics.Benchmarks.Harness;

/// <summary>A markdown table padded to line up, so the same text reads well in a terminal and in docs.</summary>
internal sealed class MarkdownTable
{
    private readonly string[] _headers;
    private readonly bool[] _rightAligned;
    private readonly List<string[]> _rows = [];

    public MarkdownTable(params string[] headers)
    {
        _headers = headers.Select(h => h.TrimStart('>')).ToArray();
        _rightAligned = headers.Select(h => h.StartsWith('>')).ToArray();
    }

    public MarkdownTable Row(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public override string ToString()
    {
        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        Line(sb, _headers, widths);
        sb.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            sb.Append(_rightAligned[i] ? new string('-', widths[i] + 1) + ":|" : new string('-', widths[i] + 2) + "|");
        }

        sb.AppendLine();
        foreach (var row in _rows)
        {
            Line(sb, row, widths);
        }

        return sb.ToString();
    }

    private void Line(StringBuilder sb, string[] cells, int[] widths)
    {
        sb.Append('|');
        for (var i = 0; i < widths.Length; i++)
        {
            sb.Append(' ').Append(_rightAligned[i] ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i])).Append(" |");
        }

        sb.AppendLine();
    }
}
