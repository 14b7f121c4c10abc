using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The overwriting backward of ReLU, max pooling and the fused ReLU + max pooling: over buffers full of garbage
/// (NaN and large values) they give what plain loops written here give, and bit for bit what the accumulating form
/// gives over zeroed buffers; an accumulating write keeps adding; a mode outside the enum throws before anything is
/// written.
/// </summary>
public sealed class GradientModeTests
{
    private static T[] Garbage<T>(int length, Func<double, T> convert) where T : unmanaged, IFloatingPointIeee754<T> =>
        Enumerable.Range(0, length).Select(i => i % 3 == 0 ? T.NaN : convert(1e6 + i)).ToArray();

    private static T[] Values<T>(int length, Random random, Func<double, T> convert) =>
        Enumerable.Range(0, length).Select(i => convert(i % 5 == 0 ? random.Next(-2, 3) : random.NextDouble() * 2 - 1)).ToArray();

    private static string[] Bits<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Select(v => T.IsNaN(v) ? "NaN" : v.ToString("R", null)).ToArray();

    [Theory]
    [InlineData(3, 8, 28, 28)]
    [InlineData(2, 3, 6, 10)]
    [InlineData(40, 5, 14, 14)]
    public void Fused_relu_pool_overwrite_matches_plain_loops_and_the_accumulating_form(int batch, int channels, int height, int width)
    {
        FusedCase<double>(batch, channels, height, width, v => v);
        FusedCase<float>(batch, channels, height, width, v => (float)v);
    }

    private static void FusedCase<T>(int batch, int channels, int height, int width, Func<double, T> convert)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var random = new Random(channels * 13 + height);
        T[] x = Values(inLength, random, convert);
        T[] dy = Values(outLength, random, convert);
        var relu = new T[inLength];
        var y = new T[outLength];
        var argmax = new int[outLength];
        ReluMaxPoolKernel.Forward<T>(x, relu, y, argmax, batch, channels, height, width);

        // Plain loops: the winner of each window gets dy, everything else 0; dx = (x > 0 ? 1 : 0)·dRelu.
        int inSize = inLength / batch, outSize = outLength / batch;
        var expectedRelu = new T[inLength];
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outSize; o++) expectedRelu[b * inSize + argmax[b * outSize + o]] += dy[b * outSize + o];
        }

        var expectedDx = expectedRelu.Select((g, i) => x[i] > T.Zero ? g : T.Zero).ToArray();

        var dRelu = Garbage(inLength, convert);
        var dx = Garbage(inLength, convert);
        ReluMaxPoolKernel.Backward<T>(dy, argmax, x, dRelu, dx, batch, channels, height, width, GradientMode.Overwrite, GradientMode.Overwrite);
        Assert.Equal(Bits(expectedRelu), Bits(dRelu));
        Assert.Equal(Bits(expectedDx), Bits(dx));

        // The accumulating form over zeros, bit for bit.
        var zeroRelu = new T[inLength];
        var zeroDx = new T[inLength];
        ReluMaxPoolKernel.Backward<T>(dy, argmax, x, zeroRelu, zeroDx, batch, channels, height, width);
        Assert.Equal(Bits(zeroRelu), Bits(dRelu));
        Assert.Equal(Bits(zeroDx), Bits(dx));

        // Mixed: dRelu overwritten, dx added onto what it held.
        T[] start = Values(inLength, random, convert);
        var mixedRelu = Garbage(inLength, convert);
        var mixedDx = (T[])start.Clone();
        ReluMaxPoolKernel.Backward<T>(dy, argmax, x, mixedRelu, mixedDx, batch, channels, height, width, GradientMode.Overwrite, GradientMode.Accumulate);
        Assert.Equal(Bits(expectedRelu), Bits(mixedRelu));
        Assert.Equal(Bits(start.Select((s, i) => s + expectedDx[i]).ToArray()), Bits(mixedDx));
    }

    [Theory]
    [InlineData(2, 3, 8, 8, 2, 2)]
    [InlineData(3, 2, 9, 7, 3, 2)]
    [InlineData(1, 4, 6, 6, 3, 3)]
    public void Max_pool_overwrite_matches_a_plain_scatter_into_zeros(int batch, int channels, int height, int width, int kernel, int stride)
    {
        PoolCase<double>(batch, channels, height, width, kernel, stride, v => v);
        PoolCase<float>(batch, channels, height, width, kernel, stride, v => (float)v);
    }

    private static void PoolCase<T>(int batch, int channels, int height, int width, int kernel, int stride, Func<double, T> convert)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = (height - kernel) / stride + 1, ow = (width - kernel) / stride + 1;
        int inSize = channels * height * width, outSize = channels * oh * ow;
        var random = new Random(kernel * 31 + stride);
        T[] x = Values(batch * inSize, random, convert);
        T[] dy = Values(batch * outSize, random, convert);
        var y = new T[batch * outSize];
        var argmax = new int[batch * outSize];
        MaxPool2dKernel.Forward<T>(x, y, argmax, batch, channels, height, width, kernel, stride);

        // Overlapping windows (stride < kernel) send several outputs to one input: the scatter must add among them.
        var expected = new T[batch * inSize];
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outSize; o++) expected[b * inSize + argmax[b * outSize + o]] += dy[b * outSize + o];
        }

        var dx = Garbage(batch * inSize, convert);
        MaxPool2dKernel.Backward<T>(dy, argmax, dx, batch, channels, height, width, kernel, stride, GradientMode.Overwrite);
        Assert.Equal(Bits(expected), Bits(dx));

        // Accumulating: each output added onto what dx held, in output order.
        T[] start = Values(batch * inSize, random, convert);
        var expectedAdded = (T[])start.Clone();
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outSize; o++) expectedAdded[b * inSize + argmax[b * outSize + o]] += dy[b * outSize + o];
        }

        var added = (T[])start.Clone();
        MaxPool2dKernel.Backward<T>(dy, argmax, added, batch, channels, height, width, kernel, stride, GradientMode.Accumulate);
        Assert.Equal(Bits(expectedAdded), Bits(added));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(5000)]
    public void Relu_overwrite_stores_the_masked_gradient(int length)
    {
        var random = new Random(length);
        double[] x = Values(length, random, v => v);
        double[] dy = Values(length, random, v => v);
        double[] y = x.Select(v => Math.Max(v, 0)).ToArray();
        var dx = Garbage(length, v => v);
        ReluKernel.Backward<double>(x, y, dy, dx, GradientMode.Overwrite);
        Assert.Equal(x.Select((v, i) => v > 0 ? dy[i] : 0.0).ToArray(), dx);

        float[] xf = x.Select(v => (float)v).ToArray(), yf = y.Select(v => (float)v).ToArray(), dyf = dy.Select(v => (float)v).ToArray();
        var dxf = Garbage(length, v => (float)v);
        ReluKernel.Backward<float>(xf, yf, dyf, dxf, GradientMode.Overwrite);
        Assert.Equal(xf.Select((v, i) => v > 0 ? dyf[i] : 0f).ToArray(), dxf);

        var added = Enumerable.Repeat(1.0, length).ToArray();
        ReluKernel.Backward<double>(x, y, dy, added, GradientMode.Accumulate);
        Assert.Equal(x.Select((v, i) => 1.0 + (v > 0 ? dy[i] : 0.0)).ToArray(), added);
    }

    [Fact]
    public void Fused_overwrite_matches_central_differences_in_double()
    {
        const int batch = 2, channels = 3, height = 6, width = 10;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var random = new Random(3);
        // Distinct values 0.01 apart and at least 0.005 from 0: a step of 1e-3 changes no ReLU or max decision.
        double[] x = Enumerable.Range(0, inLength).Select(i => (i * 7919 % inLength - inLength / 2 + 0.5) * 0.01).ToArray();
        random.Shuffle(x);
        double[] weights = Enumerable.Range(0, outLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        double Loss(double[] input)
        {
            var y = new double[outLength];
            ReluMaxPoolKernel.Forward<double>(input, new double[inLength], y, new int[outLength], batch, channels, height, width);
            return y.Select((v, o) => v * weights[o]).Sum();
        }

        var argmax = new int[outLength];
        ReluMaxPoolKernel.Forward<double>(x, new double[inLength], new double[outLength], argmax, batch, channels, height, width);
        var dRelu = Garbage(inLength, v => v);
        var dx = Garbage(inLength, v => v);
        ReluMaxPoolKernel.Backward<double>(weights, argmax, x, dRelu, dx, batch, channels, height, width, GradientMode.Overwrite, GradientMode.Overwrite);

        const double h = 1e-3;
        for (int i = 0; i < inLength; i++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            Assert.True(Math.Abs(dx[i] - numeric) < 1e-8, $"dx[{i}] = {dx[i]}, central difference {numeric}");
        }

        Assert.Contains(dx, v => v != 0);
    }

    [Fact]
    public void A_mode_outside_the_enum_throws_and_writes_nothing()
    {
        var dy = new double[2 * 4];
        var argmax = new int[2 * 4];
        var x = new double[2 * 16];
        var dRelu = Enumerable.Repeat(7.0, 32).ToArray();
        var dx = Enumerable.Repeat(7.0, 32).ToArray();
        var bad = (GradientMode)5;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ReluMaxPoolKernel.Backward<double>(dy, argmax, x, dRelu, dx, 2, 1, 4, 4, GradientMode.Overwrite, bad));
        Assert.Equal("inputGradient", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ReluMaxPoolKernel.Backward<double>(dy, argmax, x, dRelu, dx, 2, 1, 4, 4, bad, GradientMode.Overwrite));
        Assert.Equal("reluGradient", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2dKernel.Backward<double>(dy, argmax, dx, 2, 1, 4, 4, 2, 2, bad));
        Assert.Equal("mode", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ReluKernel.Backward<double>(x, x, x, dx, bad));
        Assert.Equal("mode", e.ParamName);
        Assert.All(dRelu, v => Assert.Equal(7.0, v));
        Assert.All(dx, v => Assert.Equal(7.0, v));
    }
}
