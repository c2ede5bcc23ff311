using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Tests.Rules;

namespace Analytics.Alerts.Tests.OnCall;

/// <summary>
/// Mangled on-call files (the example with lines dropped, doubled, swapped, cut short or given junk values)
/// never crash the parser: each is either a valid config or a list of errors with a position and a message.
/// </summary>
public sealed class OnCallFuzzTests
{
    private static readonly string[] Junk = ["", "[", "{", "- x", "~", "-1", "1e400", "NaN", "P9", "'", "\"\\u0000\"", "http://", "a=b", "severity=~\"(\"", "!!binary AAAA", "&a *a", new string('x', 5000)];

    [Fact]
    public void Thousands_of_mangled_files_give_a_config_or_positioned_errors_never_an_exception()
    {
        var lines = File.ReadAllLines(Path.Combine(RuleFiles.Root, "alerts", "oncall.example.yaml"));
        var random = new Random(20261129);
        var (valid, invalid) = (0, 0);
        for (var i = 0; i < 5_000; i++)
        {
            var mangled = Mangle(lines, random);
            IReadOnlyList<RuleProblem> problems;
            OnCallConfig? config;
            try
            {
                (config, problems) = OnCallFile.Parse("fuzz.yaml", string.Join('\n', mangled));
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} threw {ex}\n{string.Join('\n', mangled)}");
                return;
            }

            if (config is null)
            {
                invalid++;
                Assert.Contains(problems, p => p.IsError);
                Assert.All(problems, p => Assert.True(p.Line >= 0 && p.Message.Length > 0, $"case {i}: {p}"));
            }
            else
            {
                valid++;
                Assert.DoesNotContain(problems, p => p.IsError);
            }
        }

        // Both outcomes occur, so the mutations neither always break nor never touch the file.
        Assert.True(valid > 100 && invalid > 1000, $"{valid} valid, {invalid} invalid");
    }

    private static List<string> Mangle(string[] lines, Random random)
    {
        var result = lines.ToList();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(result.Count);
            switch (random.Next(6))
            {
                case 0:
                    result.RemoveAt(at);
                    break;
                case 1:
                    result.Insert(at, result[random.Next(result.Count)]);
                    break;
                case 2:
                    (result[at], result[^1]) = (result[^1], result[at]);
                    break;
                case 3:
                    result[at] = result[at][..random.Next(result[at].Length + 1)];
                    break;
                case 4 when result[at].Contains(':', StringComparison.Ordinal):
                    result[at] = result[at][..(result[at].IndexOf(':', StringComparison.Ordinal) + 1)] + " " + Junk[random.Next(Junk.Length)];
                    break;
                default:
                    result[at] = "  " + result[at];
                    break;
            }

            if (result.Count == 0)
            {
                break;
            }
        }

        return result;
    }
}
