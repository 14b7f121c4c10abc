using System.Runtime.Intrinsics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// The direct convolution's backward dx with the rows added by the micro-kernel (padded rows of whole vectors: no
/// computed planes, no copy-out), and forward with bias and tangent without on the same shapes, against loops
/// written here, with guard elements on both sides of every output that must stay untouched, and against central
/// finite differences in double. The shapes cover a last block that overhangs the last row (odd heights), a last
/// channel block of fewer than 8, padding 0, 1 and 2, one and several vectors per padded row, and a batch split over
/// the pool.
/// </summary>
public sealed class DirectConvRowStoreTests
{
    private const int Guard = 37;

    /// <summary>Float: 16 lanes with AVX-512, so padded widths 16 and 32.</summary>
    [Theory]
    [InlineData(3, 8, 14, 14, 16, 3, 1)] // FashionCnn's conv2: Wp = 16, forward 8 → 16 and dx 16 → 8
    [InlineData(2, 5, 13, 14, 12, 3, 1)] // odd height, 12 = 8 + 4 channels
    [InlineData(1, 4, 7, 16, 6, 3, 0)] // padding 0: dx's Wp = 18, through the copy-out
    [InlineData(2, 6, 9, 12, 5, 5, 2)] // 5×5 window, padding 2, Wp = 16
    [InlineData(2, 4, 5, 30, 9, 3, 1)] // Wp = 32: two vectors per padded row
    [InlineData(24, 8, 14, 14, 16, 3, 1)] // a batch split over the pool
    public void FloatRowsMatchTheLoops(int batch, int c, int h, int w, int k, int kernel, int padding)
    {
        var shape = new ConvShape(batch, c, h, w, k, kernel, kernel, 1, 1, padding, padding);
        if (Vector512.IsHardwareAccelerated && Avx512FSupported())
        {
            // dx's padded width: padding k − 1 − p around the w + 2p − k + 1 outputs, w + k − 1 (direct from 4 channels).
            Assert.Equal(c >= 4 && (w + kernel - 1) % Vector512<float>.Count == 0, DirectConv<float>.StoresRows(shape));
        }

        var reference = new Reference(batch, c, h, w, k, kernel, padding);
        float[] F(double[] values) => values.Select(v => (float)v).ToArray();
        double[] D(float[] values) => values.Select(v => (double)v).ToArray();
        var scratch = new float[Conv2dKernel.ScratchLength(batch, c, h, w, k, kernel, 1, padding)];

        var y = Guarded<float>(reference.Y.Length, float.NaN);
        Conv2dKernel.Forward<float>(F(reference.X), F(reference.Weight), F(reference.Bias), Inner(y, reference.Y.Length), scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.Y, D(Inner(y, reference.Y.Length).ToArray()), "forward", 1e-5);
        AssertGuards(y, reference.Y.Length, float.NaN);

        var ty = Guarded<float>(reference.Y.Length, float.NaN);
        Conv2dKernel.Tangent<float>(F(reference.X), F(reference.Weight), Inner(ty, reference.Y.Length), scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.YWithoutBias, D(Inner(ty, reference.Y.Length).ToArray()), "tangent", 1e-5);
        AssertGuards(ty, reference.Y.Length, float.NaN);

        // dx accumulates: start it at 0.5 and keep the guards' NaN.
        var dx = Guarded<float>(reference.X.Length, float.NaN);
        Inner(dx, reference.X.Length).Fill(0.5f);
        Conv2dKernel.Backward<float>(F(reference.X), F(reference.Weight), F(reference.Dy), Inner(dx, reference.X.Length), default, default, scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.Dx.Select(v => v + 0.5).ToArray(), D(Inner(dx, reference.X.Length).ToArray()), "dx", 1e-5);
        AssertGuards(dx, reference.X.Length, float.NaN);
    }

    /// <summary>Double: 8 lanes with AVX-512, so padded widths 8, 16 and 24.</summary>
    [Theory]
    [InlineData(3, 8, 14, 14, 16, 3, 1)]
    [InlineData(2, 4, 7, 6, 4, 3, 1)] // Wp = 8, odd height
    [InlineData(2, 5, 6, 22, 11, 3, 1)] // Wp = 24: three vectors per padded row, 11 = 8 + 3 channels
    [InlineData(1, 6, 10, 14, 7, 3, 1)] // 7 channels: one partial block
    [InlineData(20, 8, 14, 14, 16, 3, 1)]
    public void DoubleRowsMatchTheLoops(int batch, int c, int h, int w, int k, int kernel, int padding)
    {
        var shape = new ConvShape(batch, c, h, w, k, kernel, kernel, 1, 1, padding, padding);
        if (Vector512.IsHardwareAccelerated && Avx512FSupported())
        {
            // dx's padded width: padding k − 1 − p around the w + 2p − k + 1 outputs, w + k − 1 (direct from 4 channels).
            Assert.Equal(c >= 4 && (w + kernel - 1) % Vector512<double>.Count == 0, DirectConv<double>.StoresRows(shape));
        }

        var reference = new Reference(batch, c, h, w, k, kernel, padding);
        var scratch = new double[Conv2dKernel.ScratchLength(batch, c, h, w, k, kernel, 1, padding)];

        var y = Guarded<double>(reference.Y.Length, double.NaN);
        Conv2dKernel.Forward<double>(reference.X, reference.Weight, reference.Bias, Inner(y, reference.Y.Length), scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.Y, Inner(y, reference.Y.Length).ToArray(), "forward", 1e-12);
        AssertGuards(y, reference.Y.Length, double.NaN);

        var ty = Guarded<double>(reference.Y.Length, double.NaN);
        Conv2dKernel.Tangent<double>(reference.X, reference.Weight, Inner(ty, reference.Y.Length), scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.YWithoutBias, Inner(ty, reference.Y.Length).ToArray(), "tangent", 1e-12);
        AssertGuards(ty, reference.Y.Length, double.NaN);

        var dx = Guarded<double>(reference.X.Length, double.NaN);
        Inner(dx, reference.X.Length).Fill(0.5);
        Conv2dKernel.Backward<double>(reference.X, reference.Weight, reference.Dy, Inner(dx, reference.X.Length), default, default, scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(reference.Dx.Select(v => v + 0.5).ToArray(), Inner(dx, reference.X.Length).ToArray(), "dx", 1e-12);
        AssertGuards(dx, reference.X.Length, double.NaN);
    }

    /// <summary>
    /// Central finite differences in double through the kernels themselves: the tangent against
    /// (f(x + h·t) − f(x − h·t)) / 2h, and dx against the derivative of L(x) = ⟨dy, f(x)⟩ along single inputs.
    /// </summary>
    [Theory]
    [InlineData(2, 8, 14, 14, 16, 3, 1)]
    [InlineData(1, 5, 7, 6, 6, 3, 1)]
    public void TangentAndDxMatchFiniteDifferences(int batch, int c, int h, int w, int k, int kernel, int padding)
    {
        const double step = 1e-3;
        var reference = new Reference(batch, c, h, w, k, kernel, padding);
        var scratch = new double[Conv2dKernel.ScratchLength(batch, c, h, w, k, kernel, 1, padding)];
        double[] Forward(double[] x)
        {
            var y = new double[reference.Y.Length];
            Conv2dKernel.Forward<double>(x, reference.Weight, reference.Bias, y, scratch, batch, c, h, w, k, kernel, 1, padding);
            return y;
        }

        var random = new Random(29);
        double[] t = Enumerable.Range(0, reference.X.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] plus = Forward(reference.X.Zip(t, (x, d) => x + step * d).ToArray());
        double[] minus = Forward(reference.X.Zip(t, (x, d) => x - step * d).ToArray());
        var ty = new double[reference.Y.Length];
        Conv2dKernel.Tangent<double>(t, reference.Weight, ty, scratch, batch, c, h, w, k, kernel, 1, padding);
        AssertClose(plus.Zip(minus, (a, b) => (a - b) / (2 * step)).ToArray(), ty, "tangent", 1e-8);

        var dx = new double[reference.X.Length];
        Conv2dKernel.Backward<double>(reference.X, reference.Weight, reference.Dy, dx, default, default, scratch, batch, c, h, w, k, kernel, 1, padding);
        double Loss(double[] x) => Forward(x).Zip(reference.Dy, (a, b) => a * b).Sum();
        for (int probe = 0; probe < 12; probe++)
        {
            int i = random.Next(reference.X.Length);
            double[] up = (double[])reference.X.Clone(), down = (double[])reference.X.Clone();
            up[i] += step;
            down[i] -= step;
            double expected = (Loss(up) - Loss(down)) / (2 * step);
            Assert.True(Math.Abs(expected - dx[i]) <= 1e-7 * (1 + Math.Abs(expected)), $"dx[{i}]: finite difference {expected}, kernel {dx[i]}");
        }
    }

    private static bool Avx512FSupported() => System.Runtime.Intrinsics.X86.Avx512F.IsSupported;

    private static T[] Guarded<T>(int length, T guard)
    {
        var buffer = new T[length + 2 * Guard];
        Array.Fill(buffer, guard);
        return buffer;
    }

    private static Span<T> Inner<T>(T[] buffer, int length) => buffer.AsSpan(Guard, length);

    private static void AssertGuards<T>(T[] buffer, int length, T guard)
    {
        for (int i = 0; i < Guard; i++)
        {
            Assert.True(EqualityComparer<T>.Default.Equals(buffer[i], guard), $"guard before the output, element {i}, was written");
            Assert.True(EqualityComparer<T>.Default.Equals(buffer[Guard + length + i], guard), $"guard after the output, element {i}, was written");
        }
    }

    private static void AssertClose(double[] expected, double[] actual, string what, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>Inputs, weights and the convolution's results computed by plain loops over the definition.</summary>
    private sealed class Reference
    {
        public Reference(int batch, int c, int h, int w, int k, int kernel, int padding)
        {
            int oh = h + 2 * padding - kernel + 1, ow = w + 2 * padding - kernel + 1;
            var random = new Random(batch * 1009 + c * 101 + h * 13 + w * 7 + k);
            double[] Values(int count) => Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            X = Values(batch * c * h * w);
            Weight = Values(k * c * kernel * kernel);
            Bias = Values(k);
            Dy = Values(batch * k * oh * ow);
            Y = new double[Dy.Length];
            YWithoutBias = new double[Dy.Length];
            Dx = new double[X.Length];
            for (int b = 0; b < batch; b++)
            for (int f = 0; f < k; f++)
            for (int r = 0; r < oh; r++)
            for (int o = 0; o < ow; o++)
            {
                int yi = ((b * k + f) * oh + r) * ow + o;
                double sum = 0;
                for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++)
                {
                    int ih = r + i - padding, iw = o + j - padding;
                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                    int xi = ((b * c + ch) * h + ih) * w + iw, wi = ((f * c + ch) * kernel + i) * kernel + j;
                    sum += Weight[wi] * X[xi];
                    Dx[xi] += Weight[wi] * Dy[yi];
                }

                YWithoutBias[yi] = sum;
                Y[yi] = sum + Bias[f];
            }
        }

        public double[] X { get; }
        public double[] Weight { get; }
        public double[] Bias { get; }
        public double[] Dy { get; }
        public double[] Y { get; }
        public double[] YWithoutBias { get; }
        public double[] Dx { get; }
    }
}
