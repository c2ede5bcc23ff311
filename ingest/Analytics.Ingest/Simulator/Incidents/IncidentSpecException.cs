namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>An incident spec that cannot be parsed; <see cref="Problem"/> says what to write instead.</summary>
internal sealed class IncidentSpecException : IngestException
{
    public IncidentSpecException(string spec, string problem)
        : base($"incident \"{spec}\": {problem}")
    {
        Spec = spec;
        Problem = problem;
    }

    public string Spec { get; }

    public string Problem { get; }

    public override bool IsTransient => false;
}
