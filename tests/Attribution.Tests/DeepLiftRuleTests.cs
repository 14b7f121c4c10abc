using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// The DeepLIFT rules of the non-element-wise layers, one output at a time: seeding the multiplier of output j alone,
/// Σᵢ mᵢ·Δxᵢ must equal Δy_j, with Δy_j from the layer's own forward kernel.
/// </summary>
public sealed class DeepLiftRuleTests
{
    [Fact]
    public void AMaxThatRisesGoesToTheInputsWinnerWithItsSecantSlope()
    {
        // Window (2, 5) against reference (2, 1): the max rises 2 → 5; the winner, element 1, rose by 4.
        var dx = MaxMultipliers([2, 5], [2, 1], dy: 1);
        Assert.Equal(new double[] { 0, 0.75 }, dx);
    }

    [Fact]
    public void AMaxThatFallsWhileTheInputsWinnerStandsStillGoesToTheReferencesWinner()
    {
        // Window (5, 0) against (5, 6): the input's winner did not move (Δx = 0) but the max fell by 1; element 1,
        // the reference's winner, fell by 6 and carries it: multiplier 1/6, contribution −1.
        var dx = MaxMultipliers([5, 0], [5, 6], dy: 2);
        Assert.Equal(0, dx[0]);
        Assert.Equal(2.0 / 6, dx[1], 15);
    }

    [Fact]
    public void AProductPassesEachFactorTheOtherFactorsMeanAndSumsExactly()
    {
        // y = a ⊙ b with shared (one row) and per-sample references: m_a·Δa + m_b·Δb = Δ(ab) per element.
        const int batch = 3, size = 4;
        var a = BruteForce.RandomVector(batch * size, 21, 2);
        var b = BruteForce.RandomVector(batch * size, 22, 2);
        foreach (int referenceBatch in new[] { 1, batch })
        {
            var ar = BruteForce.RandomVector(referenceBatch * size, 23 + referenceBatch, 2);
            var br = BruteForce.RandomVector(referenceBatch * size, 25 + referenceBatch, 2);
            var dy = Enumerable.Repeat(1.0, batch * size).ToArray();
            var da = new double[batch * size];
            var db = new double[batch * size];
            ProductRule.Apply<double>(a, b, ar, br, dy, da, db);
            for (int i = 0; i < batch * size; i++)
            {
                int r = referenceBatch == 1 ? i % size : i;
                Assert.Equal((b[i] + br[r]) / 2, da[i], 15);
                double change = a[i] * b[i] - ar[r] * br[r];
                Assert.Equal(change, da[i] * (a[i] - ar[r]) + db[i] * (b[i] - br[r]), 12);
            }

            // a ⊙ a: both multipliers land in one gradient and sum to Δ(a²).
            var dSquare = new double[batch * size];
            ProductRule.Apply<double>(a, a, ar, ar, dy, dSquare, dSquare);
            for (int i = 0; i < batch * size; i++)
            {
                int r = referenceBatch == 1 ? i % size : i;
                Assert.Equal(a[i] * a[i] - ar[r] * ar[r], dSquare[i] * (a[i] - ar[r]), 12);
            }
        }
    }

    [Fact]
    public void AnUnchangedWindowPassesTheGradient() =>
        Assert.Equal(new double[] { 0, 3 }, MaxMultipliers([1, 4], [1, 4], dy: 3));

    [Fact]
    public void EveryPoolingWindowPassesItsWholeChangeWithMultipliersBetweenZeroAndOne()
    {
        // Overlapping 3×3 windows, stride 2, shared and per-sample references.
        const int batch = 2, channels = 2, size = 7, kernel = 3, stride = 2, outSide = 3;
        int inputSize = channels * size * size, outputSize = channels * outSide * outSide;
        var x = BruteForce.RandomVector(batch * inputSize, 11, 2);
        foreach (int referenceBatch in new[] { 1, batch })
        {
            var xr = BruteForce.RandomVector(referenceBatch * inputSize, 12 + referenceBatch, 2);
            var (y, argmax) = MaxPool(x, batch, channels, size, kernel, stride, outputSize);
            var (yr, argmaxR) = MaxPool(xr, referenceBatch, channels, size, kernel, stride, outputSize);
            for (int o = 0; o < batch * outputSize; o++)
            {
                var dy = new double[batch * outputSize];
                dy[o] = 1;
                var dx = new double[batch * inputSize];
                MaxRescaleRule.Apply<double>(x, y, argmax, xr, yr, argmaxR, dy, dx, batch);
                int b = o / outputSize, r = referenceBatch == 1 ? 0 : b;
                double contributed = 0;
                for (int i = 0; i < inputSize; i++)
                {
                    double m = dx[b * inputSize + i];
                    Assert.InRange(m, 0, 1);
                    contributed += m * (x[b * inputSize + i] - xr[r * inputSize + i]);
                }

                double change = y[o] - yr[r * outputSize + o % outputSize];
                Assert.True(Math.Abs(contributed - change) <= 1e-15 * Math.Max(1, Math.Abs(change)), $"window {o}: {contributed} vs Δy {change}");
            }
        }
    }

    [Theory]
    [InlineData(false, 1.0)]
    [InlineData(true, 1.0)]
    [InlineData(false, 30.0)]
    [InlineData(true, 30.0)]
    public void EverySoftmaxOutputReceivesItsWholeChangeAndAShiftOfAllInputsContributesNothing(bool logarithmic, double scale)
    {
        const int batch = 3, size = 6;
        var x = BruteForce.RandomVector(batch * size, 21, scale);
        foreach (int referenceBatch in new[] { 1, batch })
        {
            var xr = BruteForce.RandomVector(referenceBatch * size, 22 + referenceBatch, scale);
            var y = Softmax(x, batch, size, logarithmic);
            var yr = Softmax(xr, referenceBatch, size, logarithmic);
            for (int o = 0; o < batch * size; o++)
            {
                var dy = new double[batch * size];
                dy[o] = 1;
                var dx = new double[batch * size];
                SoftmaxRescaleRule.Apply<double>(x, y, xr, yr, dy, dx, new double[batch * size], batch, size, logarithmic);
                int b = o / size, r = referenceBatch == 1 ? 0 : b;
                double contributed = 0, shift = 0;
                for (int i = 0; i < size; i++)
                {
                    contributed += dx[b * size + i] * (x[b * size + i] - xr[r * size + i]);
                    shift += dx[b * size + i];
                }

                double change = y[o] - yr[r * size + o % size];
                Assert.True(Math.Abs(contributed - change) <= 1e-13 * Math.Max(1, Math.Abs(change)), $"output {o}: {contributed} vs Δy {change}");
                Assert.True(Math.Abs(shift) <= 1e-14, $"output {o}: Σᵢ mᵢ = {shift}, not shift-invariant");
            }
        }
    }

    [Fact]
    public void LogSoftmaxsNormaliserWeightsAreAProbabilityVectorOnTheSegment()
    {
        // Seeding output j, the multipliers are e_j − w: w must be softmax at a point of the segment x′ → x whose
        // directional derivative is the secant of log Σ exp.
        const int size = 5;
        var x = BruteForce.RandomVector(size, 31, 3);
        var xr = BruteForce.RandomVector(size, 32, 3);
        var dy = new double[size];
        dy[2] = 1;
        var dx = new double[size];
        SoftmaxRescaleRule.Apply<double>(x, Softmax(x, 1, size, true), xr, Softmax(xr, 1, size, true), dy, dx, new double[size], 1, size, logarithmic: true);
        var w = dx.Select((m, i) => (i == 2 ? 1 : 0) - m).ToArray();
        Assert.All(w, v => Assert.InRange(v, 0, 1));
        Assert.Equal(1, w.Sum(), 14);
        double secant = LogSumExp(x) - LogSumExp(xr);
        Assert.Equal(secant, w.Select((v, i) => v * (x[i] - xr[i])).Sum(), 13);
        // Softmax at x′ + α(x − x′) for some α in [0, 1]: the log-ratios of w are affine in Δx with slope α.
        double alpha = (Math.Log(w[0] / w[1]) - (xr[0] - xr[1])) / ((x[0] - xr[0]) - (x[1] - xr[1]));
        Assert.InRange(alpha, 0, 1);
        for (int i = 2; i < size; i++)
            Assert.Equal(Math.Log(w[0] / w[i]), (xr[0] - xr[i]) + alpha * ((x[0] - xr[0]) - (x[i] - xr[i])), 10);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AtTheReferenceTheSoftmaxRuleIsTheGradient(bool logarithmic)
    {
        const int size = 4;
        var x = BruteForce.RandomVector(size, 41, 2);
        var y = Softmax(x, 1, size, logarithmic);
        var dy = BruteForce.RandomVector(size, 42, 1);
        var rule = new double[size];
        SoftmaxRescaleRule.Apply<double>(x, y, x, y, dy, rule, new double[size], 1, size, logarithmic);
        var gradient = new double[size];
        if (logarithmic) LogSoftmaxKernel.Backward<double>(y, dy, gradient, 1, size);
        else SoftmaxKernel.Backward<double>(y, dy, gradient, 1, size);
        for (int i = 0; i < size; i++) Assert.Equal(gradient[i], rule[i], 14);
    }

    private static double[] MaxMultipliers(double[] x, double[] xReference, double dy)
    {
        var (y, argmax) = MaxPool(x, 1, 1, x.Length, x.Length, 1, 1, length: true);
        var (yr, argmaxR) = MaxPool(xReference, 1, 1, x.Length, x.Length, 1, 1, length: true);
        var dx = new double[x.Length];
        MaxRescaleRule.Apply<double>(x, y, argmax, xReference, yr, argmaxR, [dy], dx, 1);
        return dx;
    }

    private static (double[] Max, int[] Argmax) MaxPool(double[] x, int batch, int channels, int side, int kernel, int stride, int outputSize, bool length = false)
    {
        var y = new double[batch * outputSize];
        var argmax = new int[batch * outputSize];
        if (length) MaxOverTimeKernel.Forward<double>(x, y, argmax, batch, channels, side);
        else MaxPool2dKernel.Forward<double>(x, y, argmax, batch, channels, side, side, kernel, stride);
        return (y, argmax);
    }

    private static double[] Softmax(double[] x, int batch, int size, bool logarithmic)
    {
        var y = new double[x.Length];
        if (logarithmic) LogSoftmaxKernel.Forward<double>(x, y, batch, size);
        else SoftmaxKernel.Forward<double>(x, y, batch, size);
        return y;
    }

    private static double LogSumExp(double[] x)
    {
        double max = x.Max();
        return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
    }
}
