using Analytics.Processors.Sketches;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Processors.Tests.Sketches;

public sealed class DdSketchTests
{
    [Fact]
    public void Quantiles_are_within_the_relative_accuracy_of_the_exact_order_statistic()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp(rng.NextDouble() * 10) * 10).ToArray();
        var sketch = new DdSketch();
        foreach (var v in values)
        {
            sketch.Add(v);
        }

        var sorted = values.Order().ToArray();
        foreach (var q in new[] { 0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 })
        {
            var exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            Assert.InRange(sketch.Quantile(q), exact * (1 - DdSketch.RelativeAccuracy), exact * (1 + DdSketch.RelativeAccuracy));
        }
    }

    [Fact]
    public void An_empty_sketch_has_no_quantile_and_removing_what_was_added_empties_it()
    {
        var sketch = new DdSketch();
        Assert.True(double.IsNaN(sketch.Quantile(0.5)));
        sketch.Add(1200);
        sketch.Add(800);
        sketch.Remove(1200);
        Assert.Equal(1, sketch.Count);
        Assert.InRange(sketch.Quantile(0.5), 792, 808);
        sketch.Remove(800);
        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.BucketCount);
    }

    [Fact]
    public void Values_below_one_count_as_one()
    {
        var sketch = new DdSketch();
        sketch.Add(0);
        sketch.Add(0.3);
        Assert.Equal(1, sketch.Quantile(0.5));
    }

    [Fact]
    public void Quantile_refuses_a_q_outside_zero_to_one()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new DdSketch().Quantile(1.5));

    [Fact]
    public void Merging_is_associative_and_commutative_and_equals_one_sketch_of_everything()
    {
        Prop.ForAll(
            Arb.From(Gen.ListOf(Gen.Choose(1, 600_000)).Select(l => l.ToArray())),
            Arb.From(Gen.ListOf(Gen.Choose(1, 600_000)).Select(l => l.ToArray())),
            Arb.From(Gen.ListOf(Gen.Choose(1, 600_000)).Select(l => l.ToArray())),
            (a, b, c) =>
            {
                var ab_c = Of(a);
                ab_c.Merge(Of(b));
                ab_c.Merge(Of(c));
                var c_ba = Of(c);
                var ba = Of(b);
                ba.Merge(Of(a));
                c_ba.Merge(ba);
                var all = Of([.. a, .. b, .. c]);
                return SameBuckets(ab_c, c_ba) && SameBuckets(ab_c, all);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Merged_sketch_quantiles_stay_within_the_bound()
    {
        Prop.ForAll(
            Arb.From(Gen.NonEmptyListOf(Gen.Choose(1, 600_000)).Select(l => l.ToArray())),
            Arb.From(Gen.ListOf(Gen.Choose(1, 600_000)).Select(l => l.ToArray())),
            Arb.From(Gen.Elements(0.5, 0.9, 0.95, 0.99)),
            (a, b, q) =>
            {
                var merged = Of(a);
                merged.Merge(Of(b));
                var sorted = a.Concat(b).Order().ToArray();
                var exact = (double)sorted[(int)Math.Floor(q * (sorted.Length - 1))];
                return Math.Abs(merged.Quantile(q) - exact) <= (DdSketch.RelativeAccuracy * exact) + 1e-9;
            }).QuickCheckThrowOnFailure();
    }

    private static DdSketch Of(IEnumerable<int> values)
    {
        var s = new DdSketch();
        foreach (var v in values)
        {
            s.Add(v);
        }

        return s;
    }

    private static bool SameBuckets(DdSketch x, DdSketch y)
        => x.Count == y.Count && x.Keys.SequenceEqual(y.Keys) && x.Counts.SequenceEqual(y.Counts);
}
