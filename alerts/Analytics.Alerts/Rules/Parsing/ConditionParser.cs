using Analytics.Alerts.Detectors;
using Analytics.Alerts.Metrics;
using Analytics.Common;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Rules.Parsing;

/// <summary>Reads a rule's <c>condition:</c> (one of threshold, anomaly, week_over_week, absence) and checks its levels.</summary>
internal sealed class ConditionParser(YamlContext yaml)
{
    public static IReadOnlyList<string> Kinds { get; } = ["threshold", "anomaly", "week_over_week", "absence"];

    public RuleCondition? Parse(YamlNode node, MetricDefinition? metric, long windowMs)
    {
        var entries = yaml.Map(node, "a condition", [.. Kinds]);
        if (entries is null)
        {
            return null;
        }

        if (entries.Count != 1)
        {
            yaml.Error(node, $"a condition has exactly one of {string.Join(", ", Kinds)}");
            return null;
        }

        var (kind, body) = entries.First();
        return kind switch
        {
            "threshold" => Threshold(body, windowMs),
            "anomaly" => Anomaly(body, metric, windowMs),
            "week_over_week" => WeekOverWeek(body, windowMs),
            _ => Absence(body, windowMs),
        };
    }

    private ThresholdCondition? Threshold(YamlNode node, long windowMs)
    {
        var e = yaml.Map(node, "a threshold", "above", "below", "clear_below", "clear_above", "for");
        if (e is null)
        {
            return null;
        }

        var above = e.ContainsKey("above");
        if (above == e.ContainsKey("below"))
        {
            yaml.Error(node, "a threshold has exactly one of above or below");
            return null;
        }

        var (fireKey, clearKey, wrongClear) = above ? ("above", "clear_below", "clear_above") : ("below", "clear_above", "clear_below");
        if (e.TryGetValue(wrongClear, out var wrong))
        {
            yaml.Error(wrong, $"{wrongClear} does not go with {fireKey}: use {clearKey}, the level on the healthy side");
            return null;
        }

        var fire = yaml.Number(e[fireKey], fireKey);
        var clear = e.TryGetValue(clearKey, out var c) ? yaml.Number(c, clearKey) : fire;
        var windows = For(e, windowMs);
        if (fire is not { } f || clear is not { } cl || windows is not { } n)
        {
            return null;
        }

        if (above ? cl > f : cl < f)
        {
            yaml.Error(c!, $"{clearKey} {YamlContext.Show(cl)} is on the breaching side of {fireKey} {YamlContext.Show(f)}; "
                + $"the clear level must be {(above ? "at or below" : "at or above")} the fire level");
            return null;
        }

        return new ThresholdCondition(above, f, cl, n);
    }

    private AnomalyCondition? Anomaly(YamlNode node, MetricDefinition? metric, long windowMs)
    {
        var e = yaml.Map(node, "an anomaly condition", "detector", "score_above", "clear_below", "for");
        if (e is null)
        {
            return null;
        }

        var name = e.TryGetValue("detector", out var d) ? yaml.Text(d, "detector") : "rate";
        if (name is not null && !DetectorCatalog.Names.Contains(name, StringComparer.Ordinal))
        {
            yaml.Error(d!, $"unknown detector \"{name}\"; did you mean \"{Suggest.Nearest(name, DetectorCatalog.Names)}\"? (known: {string.Join(", ", DetectorCatalog.Names)})");
            return null;
        }

        if (name is not null && metric is not null && DetectorCatalog.Create(name) is IRatioDetector && metric.Ratio is not { IsProportion: true })
        {
            yaml.Error(d ?? node, $"detector {name} reads counts of a proportion, and {metric.Name} is not one; use a value detector such as seasonal");
            return null;
        }

        if (!e.TryGetValue("score_above", out var s))
        {
            yaml.Error(node, "an anomaly condition needs score_above, a score in (0, 1] such as 0.99");
            return null;
        }

        var score = yaml.Number(s, "score_above");
        var clear = e.TryGetValue("clear_below", out var c) ? yaml.Number(c, "clear_below") : score;
        var windows = For(e, windowMs);
        if (name is null || score is not { } sc || clear is not { } cl || windows is not { } n)
        {
            return null;
        }

        if (sc is <= 0 or > 1)
        {
            yaml.Error(s, $"score_above {YamlContext.Show(sc)} is outside (0, 1]: detector scores are in [0, 1]");
            return null;
        }

        if (cl > sc || cl < 0)
        {
            yaml.Error(c!, $"clear_below {YamlContext.Show(cl)} must be between 0 and score_above {YamlContext.Show(sc)}");
            return null;
        }

        return new AnomalyCondition(name, sc, cl, n);
    }

    private WeekOverWeekCondition? WeekOverWeek(YamlNode node, long windowMs)
    {
        var e = yaml.Map(node, "a week_over_week condition", "drop_by", "rise_by", "clear_by", "for");
        if (e is null)
        {
            return null;
        }

        var drop = e.ContainsKey("drop_by");
        if (drop == e.ContainsKey("rise_by"))
        {
            yaml.Error(node, "a week_over_week condition has exactly one of drop_by or rise_by");
            return null;
        }

        var key = drop ? "drop_by" : "rise_by";
        var change = yaml.Number(e[key], key);
        var clear = e.TryGetValue("clear_by", out var c) ? yaml.Number(c, "clear_by") : change;
        var windows = For(e, windowMs);
        if (change is not { } ch || clear is not { } cl || windows is not { } n)
        {
            return null;
        }

        if (ch <= 0 || (drop && ch > 1))
        {
            yaml.Error(e[key], $"{key} {YamlContext.Show(ch)} must be a fraction of the baseline, {(drop ? "in (0, 1]" : "above 0")} (0.5 = 50 %)");
            return null;
        }

        if (cl < 0 || cl > ch)
        {
            yaml.Error(c!, $"clear_by {YamlContext.Show(cl)} must be between 0 and {key} {YamlContext.Show(ch)}: the healthy side");
            return null;
        }

        return new WeekOverWeekCondition(drop, ch, cl, n);
    }

    private AbsenceCondition? Absence(YamlNode node, long windowMs)
    {
        var e = yaml.Map(node, "an absence condition", "min_baseline", "below_fraction", "clear_fraction", "for");
        if (e is null)
        {
            return null;
        }

        var baseline = e.TryGetValue("min_baseline", out var b) ? yaml.Number(b, "min_baseline") : 1;
        var below = e.TryGetValue("below_fraction", out var f) ? yaml.Number(f, "below_fraction") : 0.1;
        var clear = e.TryGetValue("clear_fraction", out var c) ? yaml.Number(c, "clear_fraction") : Math.Max(0.5, below ?? 0);
        var windows = For(e, windowMs);
        if (baseline is not { } mb || below is not { } bf || clear is not { } cf || windows is not { } n)
        {
            return null;
        }

        if (mb <= 0)
        {
            yaml.Error(b!, "min_baseline must be above 0: the volume a slice must have had to be missed");
            return null;
        }

        if (bf is < 0 or >= 1 || cf < bf || cf > 1)
        {
            yaml.Error(c ?? f ?? node, $"need 0 <= below_fraction ({YamlContext.Show(bf)}) < 1 and below_fraction <= clear_fraction ({YamlContext.Show(cf)}) <= 1");
            return null;
        }

        return new AbsenceCondition(mb, bf, cf, n);
    }

    /// <summary><c>for</c>: a number of windows, or a duration that is a whole number of windows.</summary>
    private int? For(Dictionary<string, YamlNode> e, long windowMs)
    {
        if (!e.TryGetValue("for", out var node))
        {
            return 1;
        }

        var text = yaml.Text(node, "for");
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var windows) && windows is >= 1 and <= 10_000)
        {
            return windows;
        }

        if (Durations.TryParseMs(text, out var ms) && ms > 0 && ms % windowMs == 0 && ms / windowMs <= 10_000)
        {
            return (int)(ms / windowMs);
        }

        yaml.Error(node, $"for \"{text}\" is neither a number of windows (1 to 10000) nor a whole number of {Durations.Format(windowMs)} windows such as {Durations.Format(2 * windowMs)}");
        return null;
    }
}
