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
}
