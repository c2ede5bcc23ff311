using Analytics.Common;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

public sealed class SimulatorOptionsTests
{
    private static readonly (string Key, SimulatorOptions Options)[] InvalidCases =
    [
        ("ConcurrentSessions", new SimulatorOptions { ConcurrentSessions = 10, EventsPerSecond = 100 }),
        ("ConcurrentSessions", new SimulatorOptions { ConcurrentSessions = 0 }),
        ("EventsPerSecond", new SimulatorOptions { EventsPerSecond = 0 }),
        ("EventsPerSecond", new SimulatorOptions { EventsPerSecond = double.NaN }),
        ("StartTimeMs", new SimulatorOptions { StartTimeMs = 0 }),
        ("Duration", new SimulatorOptions { Duration = TimeSpan.Zero }),
        ("MaxEvents", new SimulatorOptions { MaxEvents = 0 }),
        ("RampUp", new SimulatorOptions { RampUp = TimeSpan.FromSeconds(-1) }),
        ("TitleCount", new SimulatorOptions { TitleCount = 0 }),
        ("OutOfOrderFraction", new SimulatorOptions { OutOfOrderFraction = -0.1 }),
        ("LateFraction", new SimulatorOptions { LateFraction = 1.5 }),
        ("TooLateFraction", new SimulatorOptions { TooLateFraction = double.NaN }),
        ("DuplicateFraction", new SimulatorOptions { DuplicateFraction = 2 }),
        ("MalformedFraction", new SimulatorOptions { MalformedFraction = -1 }),
        ("OutOfOrderFraction + LateFraction + TooLateFraction", new SimulatorOptions { OutOfOrderFraction = 0.5, LateFraction = 0.4, TooLateFraction = 0.2 }),
        ("MaxOutOfOrderDelay", new SimulatorOptions { MaxOutOfOrderDelay = TimeSpan.Zero }),
        ("LateDelayMax", new SimulatorOptions { LateDelayMin = TimeSpan.FromSeconds(30), LateDelayMax = TimeSpan.FromSeconds(20) }),
        ("TooLateDelayMax", new SimulatorOptions { TooLateDelayMax = TimeSpan.FromMinutes(1) }),
        ("MaxDuplicateDelay", new SimulatorOptions { MaxDuplicateDelay = TimeSpan.FromSeconds(-5) }),
        ("Pacing", new SimulatorOptions { Pacing = (SimulationPacing)7 }),
        ("Speed", new SimulatorOptions { Speed = 0 }),
        ("ProgressInterval", new SimulatorOptions { ProgressInterval = TimeSpan.Zero }),
    ];

    public static TheoryData<int> Invalid => new(Enumerable.Range(0, InvalidCases.Length));

    [Fact]
    public void Defaults_are_valid_and_clean()
    {
        var o = new SimulatorOptions();
        o.Validate();

        Assert.Equal(0, o.OutOfOrderFraction + o.LateFraction + o.TooLateFraction + o.DuplicateFraction + o.MalformedFraction);
        Assert.Equal(TimeSpan.FromSeconds(8), o.MaxOutOfOrderDelay);
        Assert.Equal(SimulatorOptions.DefaultConcurrentSessions, o.ResolveConcurrentSessions());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_rule_names_the_key_and_the_bad_value(int index)
    {
        var (key, options) = InvalidCases[index];
        var ex = Assert.Throws<OptionsValidationException>(options.Validate);

        Assert.Equal(SimulatorOptions.Component, ex.Component);
        Assert.Equal(key, ex.Key);
        Assert.Contains("got ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Rule, ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public void The_generator_validates_its_options()
    {
        Assert.Throws<OptionsValidationException>(() => new TrafficGenerator(new SimulatorOptions { MaxEvents = -1 }));
        Assert.Throws<OptionsValidationException>(() => TrafficGenerator.Generate(new SimulatorOptions { Speed = -1 }));
    }

    [Fact]
    public void An_event_rate_converts_to_concurrency()
    {
        Assert.Equal(8696, new SimulatorOptions { EventsPerSecond = 1000 }.ResolveConcurrentSessions());
        Assert.Equal(1, new SimulatorOptions { EventsPerSecond = 0.01 }.ResolveConcurrentSessions());
        Assert.Equal(42, new SimulatorOptions { ConcurrentSessions = 42 }.ResolveConcurrentSessions());
    }
}
