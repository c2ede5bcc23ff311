namespace Analytics.Processors.Dimensions;

/// <summary>
/// A grouping set: the dimensions one family of fact tables is keyed by. Slicing by every dimension
/// at once would make one row per session (title × ISP × POP × app version…), so each cube keeps
/// the dimensions that are analysed together (docs/schema.md explains the choice).
/// </summary>
internal sealed class Cube
{
    public Cube(string name, params Dimension[] dimensions)
    {
        Name = name;
        Dimensions = dimensions;
    }

    /// <summary>Network and delivery: where a problem sits on the path from CDN to viewer.</summary>
    public static Cube Delivery { get; } = new("delivery", Dimension.Region, Dimension.Country, Dimension.Cdn, Dimension.Pop, Dimension.Isp, Dimension.DeviceType);

    /// <summary>Client software: releases and platforms.</summary>
    public static Cube Client { get; } = new("client", Dimension.Region, Dimension.Country, Dimension.DeviceType, Dimension.Os, Dimension.AppVersion);

    /// <summary>Content: titles, which are many, with only the region beside them.</summary>
    public static Cube Content { get; } = new("content", Dimension.Region, Dimension.TitleId);

    public static IReadOnlyList<Cube> All { get; } = [Delivery, Client, Content];

    public string Name { get; }

    public Dimension[] Dimensions { get; }

    public static Cube Parse(string name) => All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"unknown cube \"{name}\"; known cubes: {string.Join(", ", All.Select(c => c.Name))}", nameof(name));

    public string TableName(string windowLabel) => $"qoe_{Name}_{windowLabel}";

    public override string ToString() => Name;
}
