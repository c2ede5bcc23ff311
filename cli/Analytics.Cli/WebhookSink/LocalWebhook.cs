using System.Security.Cryptography;
using Analytics.Common;

namespace Analytics.Cli.WebhookSink;

/// <summary>
/// The shared secret of the local webhook sink: a file of 32 random bytes in hex, made on first use
/// (readable by its owner only), that both <c>analytics webhook-sink</c> and a <c>webhook:</c> receiver's
/// <c>secret_file</c> read.
/// </summary>
internal static class LocalWebhook
{
    public const string SecretFileName = "webhook-secret";

    /// <summary>$ANALYTICS_HOME, or <c>.data</c> (what the ./analytics script sets it to in a checkout).</summary>
    public static string Home => Environment.GetEnvironmentVariable("ANALYTICS_HOME") is { Length: > 0 } home ? home : ".data";

    /// <summary>
    /// Readies what the default on-call file's local webhook needs: <c>ANALYTICS_HOME</c> (which its
    /// <c>secret_file</c> names) and the secret file in it, shared with <c>analytics webhook-sink</c>.
    /// </summary>
    public static void PrepareDefault()
    {
        if (Environment.GetEnvironmentVariable("ANALYTICS_HOME") is null or "")
        {
            Environment.SetEnvironmentVariable("ANALYTICS_HOME", Home);
        }

        EnsureSecret(Home);
    }

    /// <summary>Makes <c>{home}/webhook-secret</c> unless it exists, and returns its full path.</summary>
    public static string EnsureSecret(string home) => Ensure(Path.Combine(home, SecretFileName)).Path;

    /// <summary>Makes the secret file at <paramref name="path"/> unless it exists; returns its full path and whether it was made now.</summary>
    public static (string Path, bool Created) Ensure(string path)
    {
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return (path, false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var file = new StreamWriter(path, options);
            file.WriteLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (the demo and the sink starting together) made it first: use theirs.
            return (path, false);
        }

        return (path, true);
    }

    /// <summary>The secret in the file, trimmed; an <see cref="OptionsValidationException"/> naming <paramref name="option"/> when it cannot be read or is empty.</summary>
    public static string Read(string path, string option = "--secret-file")
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OptionsValidationException("webhook-sink", option, $"cannot be read ({ex.Message}); give a readable file", path);
        }

        return text.Length > 0 ? text : throw new OptionsValidationException("webhook-sink", option, "is empty; delete it to have a new secret made, or write one in it", path);
    }
}
