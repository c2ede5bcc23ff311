using System.Collections.Frozen;
using System.Reflection;

namespace Analytics.Noc.Wall;

/// <summary>The page's files, embedded in the assembly under "noc/" (see the csproj), with their content types.</summary>
internal sealed class StaticAssets
{
    private const string Prefix = "noc/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [""] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, (byte[] Body, string ContentType)> _files;

    private StaticAssets(FrozenDictionary<string, (byte[] Body, string ContentType)> files) => _files = files;

    public static StaticAssets Embedded { get; } = Load(typeof(StaticAssets).Assembly);

    /// <summary>The paths served, relative to Assets/, e.g. "wall.js" and "vendor/uplot/uPlot.iife.min.js".</summary>
    public IEnumerable<string> Paths => _files.Keys;

    public bool TryGet(string path, out byte[] body, out string contentType)
    {
        if (_files.TryGetValue(path, out var file))
        {
            (body, contentType) = file;
            return true;
        }

        (body, contentType) = ([], string.Empty);
        return false;
    }

    private static StaticAssets Load(Assembly assembly)
    {
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var path = name[Prefix.Length..].Replace('\\', '/');
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            files[path] = (copy.ToArray(), type);
        }

        return new StaticAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
