using System.Text;

namespace Analytics.Cli.WebhookSink;

/// <summary>The sink's output: one line per request, never wider than 80 columns, with no control characters from the body.</summary>
internal static class SinkLine
{
    public const int Width = 80;

    /// <summary>E.g. <c>14:02:31 trigger      P1 INC-3f9a2c VSF 46 % at oca/iad-2  signature ok</c>: the title is cut to fit.</summary>
    public static string Delivery(DateTimeOffset at, SinkDelivery delivery, string verdict)
    {
        var head = $"{at:HH:mm:ss} {Field(delivery.Action, 12),-12} {Field(delivery.Severity, 8),-2} {Field(delivery.Id, 16),-10} ";
        var tail = "  " + verdict;
        var room = Width - head.Length - tail.Length;
        return Fit(head + Cut(Clean(delivery.Title), Math.Max(0, room)) + tail);
    }

    /// <summary>A request that was not taken, e.g. <c>14:02:31 401 POST /: signature does not match…</c>.</summary>
    public static string Refused(DateTimeOffset at, int status, string method, string path, string reason)
        => Fit($"{at:HH:mm:ss} {status} {Field(method, 7)} {Field(path, 24)}: {Clean(reason)}");

    private static string Field(string text, int max) => Cut(Clean(text), max);

    private static string Fit(string line) => Cut(line, Width);

    private static string Cut(string text, int max)
        => text.Length <= max ? text : max <= 1 ? text[..max] : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary>One line of printable text: a body must not move the cursor or colour the terminal.</summary>
    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        return clean.ToString().Trim();
    }
}
