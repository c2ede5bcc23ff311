using Analytics.Processors.Sketches;
using BenchmarkDotNet.Attributes;

namespace Analytics.Benchmarks.Micro;

/// <summary>The start-time sketch: adding a value, reading a quantile, merging two window cells.</summary>
public class DdSketchBenchmarks
{
    private const int Values = 1024;

    private double[] _values = null!;
    private DdSketch _warm = null!;
    private DdSketch _a = null!;
    private DdSketch _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Video start times: log-normal around 1.3 s, as the simulator draws them.
        var rng = new Random(11);
        _values = Enumerable.Range(0, Values).Select(_ => Math.Exp(Math.Log(1300) + (0.55 * Normal(rng)))).ToArray();
        _warm = Filled(_values);
        _a = Filled(_values.Take(Values / 2));
        _b = Filled(_values.Skip(Values / 2));
    }

    [Benchmark(OperationsPerInvoke = Values)]
    public long Add()
    {
        foreach (var v in _values)
        {
            _warm.Add(v);
        }

        return _warm.Count;
    }

    [Benchmark]
    public double Quantile95() => _warm.Quantile(0.95);

    [Benchmark]
    public int MergeTwo()
    {
        var s = new DdSketch();
        s.Merge(_a);
        s.Merge(_b);
        return s.BucketCount;
    }

    private static DdSketch Filled(IEnumerable<double> values)
    {
        var s = new DdSketch();
        foreach (var v in values)
        {
            s.Add(v);
        }

        return s;
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
