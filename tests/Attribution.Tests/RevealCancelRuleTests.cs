using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>The RevealCancel rule's own checks: shapes that do not fit are refused before anything is written.</summary>
public sealed class RevealCancelRuleTests
{
    [Fact]
    public void ShapesThatDoNotFitAreRefusedAndNothingIsWritten()
    {
        var x = new double[2 * 3];
        var weight = new double[4 * 3];
        var four = new double[4];
        var eight = new double[8];
        var dx = new double[6];
        dx.AsSpan().Fill(7);
        Assert.Throws<ArgumentException>(() => RevealCancelRule.Split<double>(x, new double[2], weight, four, eight, eight, eight, eight, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => RevealCancelRule.Split<double>(x, new double[3], new double[11], four, eight, eight, eight, eight, 2, 3, 4));
        Assert.Throws<ArgumentException>(() => RevealCancelRule.Split<double>(x, new double[3], weight, eight, eight, eight, eight, eight, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RevealCancelRule.Split<double>(x, new double[3], weight, four, eight, eight, eight, eight, 0, 3, 4));
        Assert.Throws<ArgumentException>(() => RevealCancelRule.Apply<double>(x, new double[3], weight, eight, four, eight, eight, eight, eight, eight, eight, new double[5], 2, 3, 4));
        Assert.All(dx, v => Assert.Equal(7.0, v));
    }

    [Fact]
    public void PartsOfTheChangeSplitThePreActivationsChange()
    {
        // One sample, shared reference: Δx = (1, −2, 0.5), w = (2, 1, −4): terms 2, −2, −2.
        double[] x = [1, -2, 0.5], reference = [0, 0, 0], weight = [2, 1, -4], zReference = [0.25];
        var plus = new double[1];
        var minus = new double[1];
        var pointPlus = new double[1];
        var pointMinus = new double[1];
        RevealCancelRule.Split<double>(x, reference, weight, zReference, plus, minus, pointPlus, pointMinus, 1, 3, 1);
        Assert.Equal(2.0, plus[0]);
        Assert.Equal(-4.0, minus[0]);
        Assert.Equal(2.25, pointPlus[0]);
        Assert.Equal(-3.75, pointMinus[0]);
    }
}
