using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>Pooling against a naive reference on shapes that cross the kernels' chunk and vector boundaries.</summary>
public sealed class PoolingTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        // batch, channels, height, width, kernel, stride
        { 3, 5, 28, 28, 2, 2 }, { 40, 5, 28, 28, 2, 2 }, { 2, 3, 13, 17, 3, 1 }, { 300, 2, 20, 40, 20, 4 }, { 2, 4, 11, 9, 3, 2 }, { 1, 2, 20, 18, 16, 2 }, { 2, 1, 7, 40, 5, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxAndAveragePoolingMatchTheNaiveLoops(int batch, int channels, int height, int width, int kernel, int stride)
    {
        var random = new Random(height * 100 + width);
        int oh = (height - kernel) / stride + 1, ow = (width - kernel) / stride + 1;
        int inSize = channels * height * width, outSize = channels * oh * ow;
        // Few distinct values, so that windows hold ties: the first maximum must win.
        double[] x = Enumerable.Range(0, batch * inSize).Select(_ => (double)random.Next(-5, 6)).ToArray();
        x[7] = double.NaN;

        double[] expectedMax = new double[batch * outSize], expectedMean = new double[batch * outSize];
        int[] expectedArg = new int[batch * outSize];
        int o = 0;
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < channels; c++)
        for (int r = 0; r < oh; r++)
        for (int q = 0; q < ow; q++, o++)
        {
            double max = double.NegativeInfinity, sum = 0;
            int arg = -1;
            for (int i = 0; i < kernel; i++)
            for (int j = 0; j < kernel; j++)
            {
                int at = c * height * width + (r * stride + i) * width + q * stride + j;
                double v = x[b * inSize + at];
                sum += v;
                if (arg < 0 || (!double.IsNaN(max) && (v > max || double.IsNaN(v))))
                {
                    max = v;
                    arg = at;
                }
            }

            expectedMax[o] = max;
            expectedArg[o] = arg;
            expectedMean[o] = sum / (kernel * kernel);
        }

        double[] y = new double[batch * outSize];
        int[] argmax = new int[batch * outSize];
        MaxPool2dKernel.Forward<double>(x, y, argmax, batch, channels, height, width, kernel, stride);
        Assert.Equal(expectedMax, y);
        Assert.Equal(expectedArg, argmax);

        float[] yF = new float[y.Length];
        MaxPool2dKernel.Forward<float>(x.Select(v => (float)v).ToArray(), yF, argmax, batch, channels, height, width, kernel, stride);
        Assert.Equal(expectedArg, argmax);

        AvgPool2dKernel.Forward<double>(x, y, batch, channels, height, width, kernel, stride);
        for (int i = 0; i < y.Length; i++)
        {
            if (double.IsNaN(expectedMean[i])) Assert.True(double.IsNaN(y[i]));
            else Assert.Equal(expectedMean[i], y[i], 1e-12);
        }

        // The average's backward is the adjoint of its forward: ⟨dy, A x⟩ = ⟨Aᵀ dy, x⟩ (NaN-free x here).
        double[] clean = x.Select(v => double.IsNaN(v) ? 0.5 : v).ToArray(), dy = y.Select(_ => random.NextDouble()).ToArray();
        AvgPool2dKernel.Forward<double>(clean, y, batch, channels, height, width, kernel, stride);
        double[] dx = new double[clean.Length];
        AvgPool2dKernel.Backward<double>(dy, dx, batch, channels, height, width, kernel, stride);
        Assert.Equal(dy.Zip(y, (a, b) => a * b).Sum(), dx.Zip(clean, (a, b) => a * b).Sum(), 1e-9);
    }

    [Fact]
    public void MaxOverTimeFindsTheFirstMaximumOfLongRows()
    {
        const int B = 2, C = 3, L = 100;
        double[] x = new double[B * C * L];
        for (int i = 0; i < x.Length; i++) x[i] = Math.Sin(i);
        x[1 * L + 40] = 5; x[1 * L + 70] = 5; // a tie in channel 1 of sample 0
        x[L * C + 2 * L + 3] = double.NaN;    // sample 1, channel 2
        double[] y = new double[B * C];
        int[] argmax = new int[B * C];
        MaxOverTimeKernel.Forward<double>(x, y, argmax, B, C, L);
        Assert.Equal(1 * L + 40, argmax[1]);
        Assert.Equal(5, y[1]);
        Assert.Equal(2 * L + 3, argmax[5]);
        Assert.True(double.IsNaN(y[5]));

        double[] mean = new double[B * C];
        GlobalAvgPoolKernel.Forward<double>(x.Select(v => double.IsNaN(v) ? 0 : v).ToArray(), mean, B, C, L);
        Assert.Equal(x.Take(L).Sum() / L, mean[0], 1e-12);
    }

    public static TheoryData<int, int, int, int> PairShapes => new()
    {
        // batch, channels, height, width: output rows of 1, 2, 3 (scalar), 4–7, 8–15, 16+ columns and partial
        // last vectors, odd heights and widths (the last row or column is dropped), enough planes to go parallel.
        { 2, 3, 2, 2 }, { 1, 2, 5, 5 }, { 2, 2, 7, 6 }, { 3, 2, 6, 9 }, { 2, 3, 9, 14 }, { 2, 2, 8, 17 }, { 3, 8, 28, 28 },
        { 2, 2, 6, 33 }, { 2, 3, 5, 64 }, { 1, 2, 4, 71 }, { 4, 16, 14, 14 }, { 20, 8, 28, 28 },
    };

    /// <summary>
    /// The 2×2, stride-2 fast path (float and double) against the naive loops: values from a small set with ties,
    /// signed zeros, infinities and NaNs (several in one window), forward values and arg-max, the backward scatter
    /// and the tangent gather.
    /// </summary>
    [Theory]
    [MemberData(nameof(PairShapes))]
    public void TwoByTwoPoolingMatchesTheNaiveLoops(int batch, int channels, int height, int width)
    {
        var random = new Random(batch * 1000 + height * 100 + width);
        double[] pool = [-2, -1, -0.0, 0, 1, 2, 3, double.PositiveInfinity, double.NegativeInfinity, double.NaN];
        double[] x = Enumerable.Range(0, batch * channels * height * width)
            .Select(_ => random.Next(12) == 0 ? pool[random.Next(pool.Length)] : random.Next(-3, 4)).ToArray();
        CheckPairs(x, batch, channels, height, width, random);
        CheckPairs(x.Select(v => (float)v).ToArray(), batch, channels, height, width, random);
    }

    private static void CheckPairs<T>(T[] x, int batch, int channels, int height, int width, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = height / 2, ow = width / 2, inSize = channels * height * width, outSize = channels * oh * ow;
        var expected = new T[batch * outSize];
        var expectedArg = new int[batch * outSize];
        int o = 0;
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < channels; c++)
        for (int r = 0; r < oh; r++)
        for (int q = 0; q < ow; q++, o++)
        {
            T max = T.Zero;
            int arg = -1;
            for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                int at = c * height * width + (2 * r + i) * width + 2 * q + j;
                T v = x[b * inSize + at];
                if (arg < 0 || (!T.IsNaN(max) && (v > max || T.IsNaN(v))))
                {
                    max = v;
                    arg = at;
                }
            }

            expected[o] = max;
            expectedArg[o] = arg;
        }

        var y = new T[batch * outSize];
        var argmax = new int[batch * outSize];
        MaxPool2dKernel.Forward<T>(x, y, argmax, batch, channels, height, width, 2, 2);
        Assert.Equal(expectedArg, argmax);
        for (int i = 0; i < y.Length; i++)
        {
            // Bit-for-bit: the winner itself is copied (so −0 and +0 stay apart).
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.CreateTruncating(expected[i])), BitConverter.DoubleToInt64Bits(double.CreateTruncating(y[i])));
        }

        // Backward: dx[winner] += dy onto a non-zero dx; tangent: ty = tx[winner].
        var dy = Enumerable.Range(0, y.Length).Select(_ => T.CreateTruncating(random.Next(1, 9))).ToArray();
        var dx = Enumerable.Range(0, x.Length).Select(_ => T.CreateTruncating(random.Next(-4, 5))).ToArray();
        var expectedDx = (T[])dx.Clone();
        var ty = new T[y.Length];
        var expectedTy = new T[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int sample = i / outSize * inSize;
            expectedDx[sample + expectedArg[i]] += dy[i];
            expectedTy[i] = dx[sample + expectedArg[i]];
        }

        MaxPool2dKernel.Tangent<T>(dx, argmax, ty, batch, channels, height, width, 2, 2);
        Assert.Equal(expectedTy, ty);
        MaxPool2dKernel.Backward<T>(dy, argmax, dx, batch, channels, height, width, 2, 2);
        Assert.Equal(expectedDx, dx);
    }

    [Fact]
    public void TangentRejectsAnArgMaxOutsideTheSample()
    {
        var error = Assert.Throws<ArgumentException>(() => MaxPool2dKernel.Tangent<float>(new float[16], [0, 16, 2, 3], new float[4], 1, 1, 4, 4, 2, 2));
        Assert.Equal("argmax", error.ParamName);
    }
}
