using System.Text.Json;

namespace Analytics.Alerts.Scoring;

/// <summary>
/// One of NAB's application profiles: the weights of a true positive, a false positive, a missed window
/// and a true negative (the last is carried for completeness; NAB's score does not use it).
/// </summary>
internal sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight, double TnWeight)
{
    /// <summary>NAB's three profiles, as its <c>config/profiles.json</c> defines them.</summary>
    public static IReadOnlyList<NabProfile> Published { get; } =
    [
        new("standard", 1.0, 0.11, 1.0, 1.0),
        new("reward_low_FP_rate", 1.0, 0.22, 1.0, 1.0),
        new("reward_low_FN_rate", 1.0, 0.11, 2.0, 1.0),
    ];

    /// <summary>Reads a <c>profiles.json</c>: <c>{"standard": {"CostMatrix": {"tpWeight": 1.0, …}}, …}</c>.</summary>
    public static IReadOnlyList<NabProfile> Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new NabCorpusException(path, $"is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            var profiles = new List<NabProfile>();
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new NabCorpusException(path, "must hold an object of profiles");
            }

            foreach (var profile in document.RootElement.EnumerateObject())
            {
                if (!profile.Value.TryGetProperty("CostMatrix", out var matrix) || matrix.ValueKind != JsonValueKind.Object)
                {
                    throw new NabCorpusException(path, $"profile \"{profile.Name}\" has no CostMatrix object");
                }

                profiles.Add(new NabProfile(
                    profile.Name,
                    Weight(path, profile.Name, matrix, "tpWeight"),
                    Weight(path, profile.Name, matrix, "fpWeight"),
                    Weight(path, profile.Name, matrix, "fnWeight"),
                    Weight(path, profile.Name, matrix, "tnWeight")));
            }

            return profiles.Count > 0 ? profiles : throw new NabCorpusException(path, "defines no profile");
        }
    }

    private static double Weight(string path, string profile, JsonElement matrix, string name)
    {
        if (!matrix.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var weight)
            || !double.IsFinite(weight) || weight < 0)
        {
            throw new NabCorpusException(path, $"profile \"{profile}\" needs {name} as a number of 0 or more");
        }

        return weight;
    }
}
