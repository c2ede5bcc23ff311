using Analytics.Common;
using Analytics.Processors.Hosting;

namespace Analytics.Noc.Wall;

/// <summary>The NOC wall: a live page over the store, served by <c>analytics demo</c> and <c>analytics serve</c>.</summary>
internal sealed record NocWallOptions
{
    public const string Component = "Noc";

    /// <summary>Serve the wall at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>TCP port; 0 picks a free one. When the port is taken the wall moves to a free one and says so.</summary>
    public int Port { get; init; } = 8124;

    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>Must be set to bind anything but a loopback address: the wall has no TLS and no login.</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>How often the page gets a new snapshot over server-sent events: the 10 s windows' pace.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How much history the charts show, at 10 s.</summary>
    public TimeSpan SeriesLength { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most open incidents listed, the most severe first.</summary>
    public int MaxIncidents { get; init; } = 20;

    public NocWallOptions Validate()
    {
        ListenAddress.Validate(Component, Port, BindAddress, AllowNonLoopback, "the wall has no TLS and no login");

        if (RefreshInterval < TimeSpan.FromSeconds(1) || RefreshInterval > TimeSpan.FromMinutes(5))
        {
            throw new OptionsValidationException(Component, nameof(RefreshInterval), "must be between 1s and 5m", Durations.Format((long)RefreshInterval.TotalMilliseconds));
        }

        if (SeriesLength < TimeSpan.FromMinutes(1) || SeriesLength > TimeSpan.FromHours(24) || SeriesLength.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new OptionsValidationException(Component, nameof(SeriesLength), "must be whole seconds between 1m and 24h", Durations.Format((long)SeriesLength.TotalMilliseconds));
        }

        if (MaxIncidents is < 1 or > 500)
        {
            throw new OptionsValidationException(Component, nameof(MaxIncidents), "must be between 1 and 500", MaxIncidents);
        }

        return this;
    }
}
