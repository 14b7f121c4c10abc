using System.Numerics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The fused ReLU + 2×2 max pooling kernel against a naive loop written here, against the two unfused kernels it
/// replaces (bit for bit), and its backward against central differences in double.
/// </summary>
public sealed class ReluMaxPoolKernelTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        // batch, channels, height, width: FashionCnn's two maps, many planes (several parallel pieces), rows narrower
        // than every vector, a single window.
        { 3, 8, 28, 28 }, { 2, 16, 14, 14 }, { 40, 5, 28, 28 }, { 2, 3, 6, 10 }, { 1, 1, 2, 2 }, { 2, 2, 4, 34 },
    };

    /// <summary>Integers in −4..4 (many ties and many negative windows), as double.</summary>
    private static double[] TiedValues(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (double)random.Next(-4, 5)).ToArray();
    }

    /// <summary>relu = max(x, 0); y, argmax: the first maximum of each 2×2 window of relu, by plain loops.</summary>
    private static (double[] Relu, double[] Y, int[] Argmax) Naive(double[] x, int batch, int channels, int height, int width)
    {
        int oh = height / 2, ow = width / 2, inSize = channels * height * width, outSize = channels * oh * ow;
        var relu = x.Select(v => v > 0 ? v : 0.0).ToArray();
        var y = new double[batch * outSize];
        var argmax = new int[batch * outSize];
        int o = 0;
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < channels; c++)
        for (int r = 0; r < oh; r++)
        for (int q = 0; q < ow; q++, o++)
        {
            int best = -1;
            for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                int at = c * height * width + (2 * r + i) * width + 2 * q + j;
                if (best < 0 || relu[b * inSize + at] > relu[b * inSize + best]) best = at;
            }

            y[o] = relu[b * inSize + best];
            argmax[o] = best;
        }

        return (relu, y, argmax);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_the_naive_loop_in_double_and_float(int batch, int channels, int height, int width)
    {
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        double[] x = TiedValues(inLength, height * 31 + width);
        var (expectedRelu, expectedY, expectedArg) = Naive(x, batch, channels, height, width);

        var relu = new double[inLength];
        var y = new double[outLength];
        var argmax = new int[outLength];
        ReluMaxPoolKernel.Forward<double>(x, relu, y, argmax, batch, channels, height, width);
        Assert.Equal(expectedRelu, relu);
        Assert.Equal(expectedY, y);
        Assert.Equal(expectedArg, argmax);

        var reluF = new float[inLength];
        var yF = new float[outLength];
        var argF = new int[outLength];
        ReluMaxPoolKernel.Forward<float>(x.Select(v => (float)v).ToArray(), reluF, yF, argF, batch, channels, height, width);
        Assert.Equal(expectedRelu.Select(v => (float)v).ToArray(), reluF);
        Assert.Equal(expectedY.Select(v => (float)v).ToArray(), yF);
        Assert.Equal(expectedArg, argF);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_and_backward_equal_the_unfused_kernels_bit_for_bit(int batch, int channels, int height, int width)
    {
        Unfused<double>(batch, channels, height, width, v => v);
        Unfused<float>(batch, channels, height, width, v => (float)v);
    }

    private static void Unfused<T>(int batch, int channels, int height, int width, Func<double, T> convert)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var random = new Random(batch + 7 * channels);
        // Continuous values (few ties) plus tied integers and non-finite values: both paths must agree on all of them.
        T[] x = Enumerable.Range(0, inLength).Select(i => convert(i % 3 == 0 ? random.Next(-2, 3) : random.NextDouble() * 2 - 1)).ToArray();
        x[inLength / 2] = T.NaN;
        x[inLength / 3] = T.PositiveInfinity;
        T[] dy = Enumerable.Range(0, outLength).Select(_ => convert(random.NextDouble() * 2 - 1)).ToArray();

        var relu = new T[inLength];
        var y = new T[outLength];
        var argmax = new int[outLength];
        ReluKernel.Forward<T>(x, relu);
        MaxPool2dKernel.Forward<T>(relu, y, argmax, batch, channels, height, width, 2, 2);

        var fusedRelu = new T[inLength];
        var fusedY = new T[outLength];
        var fusedArg = new int[outLength];
        ReluMaxPoolKernel.Forward<T>(x, fusedRelu, fusedY, fusedArg, batch, channels, height, width);
        Assert.Equal(Bits(relu), Bits(fusedRelu));
        Assert.Equal(Bits(y), Bits(fusedY));
        Assert.Equal(argmax, fusedArg);

        // Backward: the pooling's scatter into a zeroed ReLU gradient, then ReLU's backward into dx (which starts
        // non-zero: both add).
        T[] dxStart = Enumerable.Range(0, inLength).Select(_ => convert(random.NextDouble())).ToArray();
        var dRelu = new T[inLength];
        var dx = (T[])dxStart.Clone();
        MaxPool2dKernel.Backward<T>(dy, argmax, dRelu, batch, channels, height, width, 2, 2);
        ReluKernel.Backward<T>(x, relu, dRelu, dx);

        var fusedDRelu = new T[inLength];
        var fusedDx = (T[])dxStart.Clone();
        ReluMaxPoolKernel.Backward<T>(dy, argmax, x, fusedDRelu, fusedDx, batch, channels, height, width);
        Assert.Equal(Bits(dRelu), Bits(fusedDRelu));
        Assert.Equal(Bits(dx), Bits(fusedDx));
    }

    private static string[] Bits<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values.Select(v => T.IsNaN(v) ? "NaN" : v.ToString("R", null)).ToArray();

    [Theory]
    [InlineData(2, 3, 6, 10)]
    [InlineData(1, 16, 14, 14)]
    public void Backward_matches_central_differences_in_double(int batch, int channels, int height, int width)
    {
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var random = new Random(height * width);
        // Distinct values 0.01 apart and at least 0.005 from 0, so that a step of 1e-3 changes no ReLU or max decision.
        double[] x = Enumerable.Range(0, inLength).Select(i => (i * 7919 % inLength - inLength / 2 + 0.5) * 0.01).ToArray();
        random.Shuffle(x);
        double[] weights = Enumerable.Range(0, outLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        // L(x) = Σ_o w_o · maxpool(relu(x))_o; the backward seeded with dy = w gives ∂L/∂x and ∂L/∂relu.
        double Loss(double[] input)
        {
            var r = new double[inLength];
            var y = new double[outLength];
            ReluMaxPoolKernel.Forward<double>(input, r, y, new int[outLength], batch, channels, height, width);
            return y.Select((v, o) => v * weights[o]).Sum();
        }

        // The same loss as a function of the ReLU's output (the pooling alone), for ∂L/∂relu.
        double PoolLoss(double[] reluOutput)
        {
            var y = new double[outLength];
            MaxPool2dKernel.Forward<double>(reluOutput, y, new int[outLength], batch, channels, height, width, 2, 2);
            return y.Select((v, o) => v * weights[o]).Sum();
        }

        var relu = new double[inLength];
        var pooled = new double[outLength];
        var argmax = new int[outLength];
        ReluMaxPoolKernel.Forward<double>(x, relu, pooled, argmax, batch, channels, height, width);
        var dRelu = new double[inLength];
        var dx = new double[inLength];
        ReluMaxPoolKernel.Backward<double>(weights, argmax, x, dRelu, dx, batch, channels, height, width);

        // L is piecewise linear and no decision changes within ±h, so central differences are exact up to rounding.
        const double h = 1e-3;
        for (int i = 0; i < inLength; i++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            Assert.True(Math.Abs(dx[i] - numeric) < 1e-8, $"dx[{i}] = {dx[i]}, central difference {numeric}");

            double[] rPlus = (double[])relu.Clone(), rMinus = (double[])relu.Clone();
            rPlus[i] += h;
            rMinus[i] -= h;
            double numericRelu = (PoolLoss(rPlus) - PoolLoss(rMinus)) / (2 * h);
            // At a ReLU output of exactly 0 the pooling is not differentiable when the window's maximum is 0 too;
            // those windows are all-negative inputs, whose winner is the first element: skip them.
            if (relu[i] == 0) continue;
            Assert.True(Math.Abs(dRelu[i] - numericRelu) < 1e-8, $"dRelu[{i}] = {dRelu[i]}, central difference {numericRelu}");
        }

        // Some gradient actually flowed (the check above cannot pass on zeros alone).
        Assert.Contains(dx, v => v != 0);
    }

    [Fact]
    public void Float_backward_matches_the_double_naive_scatter()
    {
        const int batch = 3, channels = 8, height = 28, width = 28;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var random = new Random(5);
        double[] x = Enumerable.Range(0, inLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] dy = Enumerable.Range(0, outLength).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var (_, _, argmax) = Naive(x, batch, channels, height, width);

        // dRelu at each winner is its output's dy; dx is that where x > 0.
        var expectedDRelu = new double[inLength];
        var expectedDx = new double[inLength];
        int outSize = outLength / batch, inSize = inLength / batch;
        for (int o = 0; o < outLength; o++)
        {
            int at = o / outSize * inSize + argmax[o];
            expectedDRelu[at] += dy[o];
            if (x[at] > 0) expectedDx[at] += dy[o];
        }

        float[] xF = x.Select(v => (float)v).ToArray();
        var reluF = new float[inLength];
        var yF = new float[outLength];
        var argF = new int[outLength];
        ReluMaxPoolKernel.Forward<float>(xF, reluF, yF, argF, batch, channels, height, width);
        Assert.Equal(argmax, argF);
        var dReluF = new float[inLength];
        var dxF = new float[inLength];
        ReluMaxPoolKernel.Backward<float>(dy.Select(v => (float)v).ToArray(), argF, xF, dReluF, dxF, batch, channels, height, width);
        for (int i = 0; i < inLength; i++)
        {
            Assert.Equal(expectedDRelu[i], dReluF[i], 1e-6);
            Assert.Equal(expectedDx[i], dxF[i], 1e-6);
        }

        Assert.Contains(dxF, v => v != 0);
    }

    [Fact]
    public void Bad_arguments_throw_naming_the_problem_and_write_nothing()
    {
        const int batch = 2, channels = 3, height = 4, width = 6;
        int inLength = batch * channels * height * width, outLength = inLength / 4;
        var x = new float[inLength];
        var relu = Enumerable.Repeat(7f, inLength).ToArray();
        var y = Enumerable.Repeat(7f, outLength).ToArray();
        var argmax = Enumerable.Repeat(-1, outLength).ToArray();

        void Unchanged()
        {
            Assert.All(relu, v => Assert.Equal(7f, v));
            Assert.All(y, v => Assert.Equal(7f, v));
            Assert.All(argmax, v => Assert.Equal(-1, v));
        }

        Assert.Equal("height", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x.AsSpan(0, batch * channels * 3 * width), relu.AsSpan(0, batch * channels * 3 * width), y, argmax, batch, channels, 3, width)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x.AsSpan(0, batch * channels * height * 5), relu.AsSpan(0, batch * channels * height * 5), y, argmax, batch, channels, height, 5)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x.AsSpan(1), relu, y, argmax, batch, channels, height, width)).ParamName);
        Assert.Equal("relu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x, relu.AsSpan(1), y, argmax, batch, channels, height, width)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x, relu, y.AsSpan(1), argmax, batch, channels, height, width)).ParamName);
        Assert.Equal("argmax", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(x, relu, y, argmax.AsSpan(1), batch, channels, height, width)).ParamName);
        Assert.Equal("relu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Forward<float>(relu, relu, y, argmax, batch, channels, height, width)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => ReluMaxPoolKernel.Forward<float>(x, relu, y, argmax, 0, channels, height, width)).ParamName);
        Unchanged();

        var dy = new float[outLength];
        var dRelu = Enumerable.Repeat(7f, inLength).ToArray();
        var dx = Enumerable.Repeat(7f, inLength).ToArray();
        var winners = new int[outLength];
        Assert.Equal("dy", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy.AsSpan(1), winners, x, dRelu, dx, batch, channels, height, width)).ParamName);
        Assert.Equal("argmax", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners.AsSpan(1), x, dRelu, dx, batch, channels, height, width)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners, x.AsSpan(1), dRelu, dx, batch, channels, height, width)).ParamName);
        Assert.Equal("dRelu", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners, x, dRelu.AsSpan(1), dx, batch, channels, height, width)).ParamName);
        Assert.Equal("dx", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners, x, dRelu, dx.AsSpan(1), batch, channels, height, width)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners, x.AsSpan(0, batch * channels * height * 5), dRelu.AsSpan(0, batch * channels * height * 5), dx.AsSpan(0, batch * channels * height * 5), batch, channels, height, 5)).ParamName);
        Assert.All(dRelu, v => Assert.Equal(7f, v));
        Assert.All(dx, v => Assert.Equal(7f, v));

        // An arg-max that Forward cannot have recorded (outside its sample) is named.
        winners[0] = channels * height * width;
        var error = Assert.Throws<ArgumentException>(() => ReluMaxPoolKernel.Backward<float>(dy, winners, x, dRelu, dx, batch, channels, height, width));
        Assert.Equal("argmax", error.ParamName);
    }
}
