using System.Globalization;
using Analytics.Common;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// A recurring maintenance window, in UTC: <c>daily 02:00 2h</c> or <c>weekly sat,sun 01:30 90m</c>.
/// A window may run past midnight; it belongs to the day it starts on.
/// </summary>
internal sealed record MaintenanceSchedule(IReadOnlySet<DayOfWeek> Days, TimeSpan Start, TimeSpan Duration)
{
    private static readonly DayOfWeek[] EveryDay = Enum.GetValues<DayOfWeek>();

    public bool Covers(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        // Today's window, or one that started on an earlier day and is still running.
        for (var back = 0; back <= (int)Math.Ceiling(Duration.TotalDays); back++)
        {
            var day = utc.Date.AddDays(-back);
            var start = day + Start;
            if (Days.Contains(day.DayOfWeek) && utc >= start && utc < start + Duration)
            {
                return true;
            }
        }

        return false;
    }

    public static MaintenanceSchedule Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (days, rest) = parts switch
        {
            ["daily", .. var r] => (EveryDay.ToHashSet(), r),
            ["weekly", var list, .. var r] => (list.Split(',').Select(d => ParseDay(text, d)).ToHashSet(), r),
            _ => throw new SilenceFormatException(text, "is not a schedule (expected \"daily HH:MM DURATION\" or \"weekly mon,sat HH:MM DURATION\")"),
        };
        if (rest.Length != 2 || !TimeSpan.TryParseExact(rest[0], "hh\\:mm", CultureInfo.InvariantCulture, out var start))
        {
            throw new SilenceFormatException(text, "needs a start time HH:MM and a duration after the days");
        }

        var duration = ParseDuration(rest[1]);
        return new MaintenanceSchedule(days, start, duration);
    }

    /// <summary>A positive duration as operators type it (2h, 90m); a silence error otherwise.</summary>
    public static TimeSpan ParseDuration(string text) => Durations.TryParse(text, out TimeSpan d) && d > TimeSpan.Zero
        ? d
        : throw new SilenceFormatException(text, $"is not a positive duration (e.g. {Durations.Examples})");

    public override string ToString()
    {
        var days = Days.Count == 7 ? "daily" : "weekly " + string.Join(',', Days.Order().Select(d => d.ToString()[..3].ToLowerInvariant()));
        return $"{days} {Start:hh\\:mm} {Durations.Format(Duration)}";
    }

    private static DayOfWeek ParseDay(string text, string day)
    {
        foreach (var d in EveryDay)
        {
            if (day.Length >= 3 && d.ToString().StartsWith(day, StringComparison.OrdinalIgnoreCase))
            {
                return d;
            }
        }

        throw new SilenceFormatException(text, $"names the day \"{day}\"; use mon, tue, wed, thu, fri, sat, sun");
    }
}
