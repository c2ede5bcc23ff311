using System.CommandLine;

namespace Analytics.Cli.Tests.Commands;

/// <summary>What one in-process run of the CLI returned and printed.</summary>
internal readonly record struct CliResult(int Code, string Output, string Error);

/// <summary>Runs the CLI in-process with its output and errors captured, as the command tests do.</summary>
internal static class CliRun
{
    public static async Task<CliResult> InvokeAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = await Program.CreateRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
