using System.Text.Json;
using Analytics.Benchmarks.Traffic;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>The JSON ceiling on one core: every token of every event read with <see cref="Utf8JsonReader"/>, nothing else done.</summary>
internal static class TokenScan
{
    /// <summary>Returns the number of tokens, so the reads cannot be optimized away.</summary>
    public static long Run(EventCorpus corpus)
    {
        long tokens = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            var reader = new Utf8JsonReader(corpus.Value(i));
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }
}
