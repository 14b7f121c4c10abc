using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Convolutions against the direct loops, on shapes whose im2col matrices are large enough that the kernels
/// process the batch in groups of samples (with a shorter last group), including stride 2, odd and
/// non-square sizes and, for the bigger batches, a batch split over the compute pool.
/// </summary>
public sealed class ConvReferenceTests
{
    [Theory]
    [InlineData(1, 8, 14, 14, 16, 3, 1, 1)]
    [InlineData(7, 8, 15, 15, 16, 3, 1, 1)]
    [InlineData(9, 8, 15, 13, 16, 3, 1, 1)]
    [InlineData(6, 8, 29, 29, 16, 3, 2, 1)]
    [InlineData(11, 3, 31, 27, 5, 5, 2, 2)]
    [InlineData(13, 8, 14, 14, 16, 3, 1, 1)]
    [InlineData(5, 16, 11, 11, 40, 3, 1, 0)]
    [InlineData(21, 8, 14, 14, 16, 3, 1, 1)]
    // Shapes of the direct kernel (stride 1): one and three input channels, output channels in partial blocks of 8,
    // padding 0, 1 and 2, odd and non-square sizes, a single row, batch 1, a batch split over the pool.
    [InlineData(1, 1, 28, 28, 8, 3, 1, 1)]
    [InlineData(3, 3, 13, 17, 8, 3, 1, 0)]
    [InlineData(2, 16, 7, 7, 25, 3, 1, 1)]
    [InlineData(4, 8, 1, 30, 8, 3, 1, 1)]
    [InlineData(1, 5, 9, 6, 4, 5, 1, 2)]
    [InlineData(40, 8, 14, 14, 16, 3, 1, 1)]
    [InlineData(2, 4, 5, 5, 6, 3, 1, 2)]
    public void Conv2dMatchesTheDirectLoops(int batch, int c, int h, int w, int k, int kernel, int stride, int padding)
    {
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        var random = new Random(batch * 131 + h * 7 + w);
        double[] x = Values(random, batch * c * h * w), weight = Values(random, k * c * kernel * kernel), bias = Values(random, k);
        double[] dy = Values(random, batch * k * oh * ow);

        double[] expectedY = new double[dy.Length], expectedDx = new double[x.Length], expectedDw = new double[weight.Length], expectedDb = new double[k];
        for (int b = 0; b < batch; b++)
        for (int f = 0; f < k; f++)
        for (int r = 0; r < oh; r++)
        for (int o = 0; o < ow; o++)
        {
            int yi = ((b * k + f) * oh + r) * ow + o;
            double sum = bias[f];
            expectedDb[f] += dy[yi];
            for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < kernel; i++)
            for (int j = 0; j < kernel; j++)
            {
                int ih = r * stride + i - padding, iw = o * stride + j - padding;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                int xi = ((b * c + ch) * h + ih) * w + iw, wi = ((f * c + ch) * kernel + i) * kernel + j;
                sum += weight[wi] * x[xi];
                expectedDx[xi] += weight[wi] * dy[yi];
                expectedDw[wi] += x[xi] * dy[yi];
            }

            expectedY[yi] = sum;
        }

        long scratchLength = Conv2dKernel.ScratchLength(batch, c, h, w, k, kernel, stride, padding);
        double[] scratch = new double[scratchLength];
        double[] y = new double[dy.Length];
        Conv2dKernel.Forward<double>(x, weight, bias, y, scratch, batch, c, h, w, k, kernel, stride, padding);
        AssertClose(expectedY, y, "forward");

        // The tangent is the forward pass without bias, at the tangent input.
        double[] ty = new double[dy.Length];
        Conv2dKernel.Tangent<double>(x, weight, ty, scratch, batch, c, h, w, k, kernel, stride, padding);
        for (int b = 0; b < batch; b++)
        for (int f = 0; f < k; f++)
        for (int p = 0; p < oh * ow; p++)
            expectedY[(b * k + f) * oh * ow + p] -= bias[f];
        AssertClose(expectedY, ty, "tangent");

        // Backward adds into the gradients: start them at one.
        double[] dx = Ones(x.Length), dw = Ones(weight.Length), db = Ones(k);
        Conv2dKernel.Backward<double>(x, weight, dy, dx, dw, db, scratch, batch, c, h, w, k, kernel, stride, padding);
        AssertClose(expectedDx.Select(v => v + 1).ToArray(), dx, "dx");
        AssertClose(expectedDw.Select(v => v + 1).ToArray(), dw, "dWeight");
        AssertClose(expectedDb.Select(v => v + 1).ToArray(), db, "dBias");

        // dx alone, as attribution runs it.
        double[] dxOnly = new double[x.Length];
        Conv2dKernel.Backward<double>(x, weight, dy, dxOnly, default, default, scratch, batch, c, h, w, k, kernel, stride, padding);
        AssertClose(expectedDx.Select(v => v + 1).ToArray(), dxOnly.Select(v => v + 1).ToArray(), "dx only");
    }

    /// <summary>The float kernels (other vector widths than double's) against the same loops, in double.</summary>
    [Theory]
    [InlineData(1, 8, 14, 14, 16, 3, 1)]
    [InlineData(3, 1, 28, 28, 8, 3, 1)]
    [InlineData(2, 3, 13, 17, 5, 3, 0)]
    [InlineData(2, 16, 7, 9, 31, 3, 2)]
    [InlineData(25, 8, 14, 14, 16, 3, 1)]
    public void FloatConv2dMatchesTheDirectLoops(int batch, int c, int h, int w, int k, int kernel, int padding)
    {
        int oh = h + 2 * padding - kernel + 1, ow = w + 2 * padding - kernel + 1;
        var random = new Random(batch * 17 + k);
        double[] x = Values(random, batch * c * h * w), weight = Values(random, k * c * kernel * kernel), bias = Values(random, k);
        double[] dy = Values(random, batch * k * oh * ow);
        double[] expectedY = new double[dy.Length], expectedDx = new double[x.Length];
        for (int b = 0; b < batch; b++)
        for (int f = 0; f < k; f++)
        for (int r = 0; r < oh; r++)
        for (int o = 0; o < ow; o++)
        {
            int yi = ((b * k + f) * oh + r) * ow + o;
            double sum = bias[f];
            for (int ch = 0; ch < c; ch++)
            for (int i = 0; i < kernel; i++)
            for (int j = 0; j < kernel; j++)
            {
                int ih = r + i - padding, iw = o + j - padding;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                int xi = ((b * c + ch) * h + ih) * w + iw, wi = ((f * c + ch) * kernel + i) * kernel + j;
                sum += weight[wi] * x[xi];
                expectedDx[xi] += weight[wi] * dy[yi];
            }

            expectedY[yi] = sum;
        }

        float[] F(double[] values) => values.Select(v => (float)v).ToArray();
        var scratch = new float[Conv2dKernel.ScratchLength(batch, c, h, w, k, kernel, 1, padding)];
        var y = new float[dy.Length];
        Conv2dKernel.Forward<float>(F(x), F(weight), F(bias), y, scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(expectedY, y.Select(v => (double)v).ToArray(), "forward", 1e-4);
        var dx = new float[x.Length];
        Conv2dKernel.Backward<float>(F(x), F(weight), F(dy), dx, default, default, scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(expectedDx, dx.Select(v => (double)v).ToArray(), "dx", 1e-4);
    }

    private static double[] Values(Random random, int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();

    private static double[] Ones(int count) => Enumerable.Repeat(1.0, count).ToArray();

    private static void AssertClose(double[] expected, double[] actual, string what, double tolerance = 1e-11)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
