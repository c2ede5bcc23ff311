using Analytics.Benchmarks.Harness;
using Microsoft.Extensions.Logging;

namespace Analytics.Benchmarks.Kafka;

/// <summary>The processor's warnings and errors as progress lines on stderr; the rest would drown the figures.</summary>
internal sealed class ProgressLogger : ILogger
{
    public static readonly ProgressLogger Instance = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Progress.Report($"processor {logLevel}: {formatter(state, exception)}");
        }
    }
}
