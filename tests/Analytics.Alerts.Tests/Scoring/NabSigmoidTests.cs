using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

public sealed class NabSigmoidTests
{
    /// <summary>
    /// The scaled sigmoid 2/(1 + e^{5x}) − 1 at a few positions. The decimals are NAB's own (its docstring gives
    /// 0.98661 at −1 and 0.84828 at −0.5) to full precision; the function equals −tanh(5x/2) up to x = 3 and is
    /// −1 past it.
    /// </summary>
    [Theory]
    [InlineData(-1.0, 0.98661429815143031)]
    [InlineData(-0.5, 0.84828363995751311)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, -0.84828363995751289)]
    [InlineData(1.0, -0.98661429815143031)]
    [InlineData(3.0, -0.99999938819554610)]
    [InlineData(3.1, -1.0)]
    [InlineData(10.0, -1.0)]
    public void Scaled_sigmoid_matches_the_formula(double x, double expected)
    {
        var actual = NabFileLayout.ScaledSigmoid(x);
        var formula = x > 3.0 ? -1.0 : (2.0 / (1.0 + Math.Exp(5.0 * x))) - 1.0;

        Assert.Equal(expected, actual, Tolerance);
        Assert.Equal(formula, actual, Tolerance);
        if (x <= 3.0)
        {
            Assert.Equal(-Math.Tanh(2.5 * x), actual, Tolerance);
        }
    }

    [Fact]
    public void Only_positions_past_three_are_cut_to_minus_one()
    {
        // NAB v1 cuts at x > 3: exactly 3 still follows the curve, a hair above −1.
        Assert.True(NabFileLayout.ScaledSigmoid(3.0) > -1.0);
        Assert.Equal(-1.0, NabFileLayout.ScaledSigmoid(3.0 + 1e-9));
        Assert.Equal(-1.0, NabFileLayout.ScaledSigmoid(double.PositiveInfinity));
    }

    [Fact]
    public void Max_true_positive_is_the_sigmoid_at_minus_one()
        => Assert.Equal((2.0 / (1.0 + Math.Exp(-5.0))) - 1.0, NabFileLayout.MaxTruePositive, Tolerance);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(37)]
    public void A_detection_at_a_windows_first_row_earns_exactly_tpWeight(int width)
    {
        var layout = Layout(100, (50, 50 + width - 1));

        Assert.Equal(0, layout.Window[50]);
        foreach (var profile in Profiles)
        {
            Assert.Equal(profile.TpWeight, layout.Weighted(50, profile));
        }

        Assert.Equal(2.5, layout.Weighted(50, new NabProfile("double", 2.5, 0.11, 1.0, 1.0)), Tolerance);
        Assert.Equal(1.0, NabSweep.At(layout, Detections(100, 50), Standard, 0.5).Score);
    }

    [Fact]
    public void Later_rows_of_a_window_earn_less_and_the_last_row_less_than_the_first()
    {
        var layout = Layout(100, (50, 59));
        for (var row = 51; row <= 59; row++)
        {
            Assert.True(layout.Weighted(row, Standard) < layout.Weighted(row - 1, Standard));
            Assert.True(layout.Weighted(row, Standard) > 0);
        }

        // The last row of a 10-row window sits at x = −1/10.
        Assert.Equal(S(-0.1) / S(-1.0), layout.Weighted(59, Standard), Tolerance);
    }
}
