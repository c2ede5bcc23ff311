using Analytics.Ingest.Events;

namespace Analytics.Processors.Dimensions;

/// <summary>A dimension aggregates can be sliced by; the value is the ClickHouse column name.</summary>
internal enum Dimension : byte
{
    Region,
    Country,
    Cdn,
    Pop,
    Isp,
    DeviceType,
    Os,
    AppVersion,
    TitleId,
}

internal static class Dimensions
{
    public static string ColumnName(this Dimension d) => d switch
    {
        Dimension.Region => "region",
        Dimension.Country => "country",
        Dimension.Cdn => "cdn",
        Dimension.Pop => "pop",
        Dimension.Isp => "isp",
        Dimension.DeviceType => "device_type",
        Dimension.Os => "os",
        Dimension.AppVersion => "app_version",
        Dimension.TitleId => "title_id",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static string ValueOf(this Dimension d, in EventDimensions e) => d switch
    {
        Dimension.Region => e.Region,
        Dimension.Country => e.Country,
        Dimension.Cdn => e.Cdn,
        Dimension.Pop => e.Pop,
        Dimension.Isp => e.Isp,
        Dimension.DeviceType => e.DeviceType,
        Dimension.Os => e.Os,
        Dimension.AppVersion => e.AppVersion,
        Dimension.TitleId => e.TitleId,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };
}
