using System.Text.Json;

namespace Analytics.Cli.Commands;

/// <summary>
/// The running demo (or serve) advertises its query endpoint in a file inside the store, so that
/// `analytics query` reaches the live store over HTTP instead of opening it a second time.
/// </summary>
internal static class EndpointFile
{
    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, "endpoint.json");

    public static void Write(string dataDirectory, Uri url)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = url.ToString(), ["pid"] = Environment.ProcessId });
        File.WriteAllText(PathFor(dataDirectory), json);
    }

    public static void Delete(string dataDirectory)
    {
        try
        {
            File.Delete(PathFor(dataDirectory));
        }
        catch (IOException)
        {
            // Only advisory: a stale file is detected by its failing /ping.
        }
    }

    public static Uri? Read(string dataDirectory)
    {
        var path = PathFor(dataDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return Uri.TryCreate(doc.RootElement.GetProperty("url").GetString(), UriKind.Absolute, out var url) ? url : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or IOException)
        {
            return null;
        }
    }
}
