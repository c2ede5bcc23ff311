using Analytics.IntegrationTests.ClickHouse;

/// <summary>
/// Lets this test assembly double as a tiny child-process host: started with DOTNET_STARTUP_HOOKS pointing at itself
/// and <see cref="ChDbChildProcess.ModeVariable"/> set, it runs that mode before the (empty) generated Main and exits.
/// Without the variable it does nothing. The runtime requires this exact type name in the global namespace.
/// </summary>
#pragma warning disable CA1050 // Startup hooks must be in the global namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(ChDbChildProcess.ModeVariable) is { Length: > 0 } mode)
        {
            Environment.Exit(ChDbChildProcess.RunChild(mode));
        }
    }
}
