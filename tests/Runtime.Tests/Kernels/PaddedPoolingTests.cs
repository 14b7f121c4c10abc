using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Padded max and average pooling against PyTorch's definition written out independently: the image is copied into an
/// explicitly padded one (−∞ for max, 0 for the average, whose divisor stays kernel² as count_include_pad=True says), and
/// the windows are read from that copy.
/// </summary>
public sealed class PaddedPoolingTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, channels, height, width, kernel, stride, padding
        { 2, 3, 7, 8, 3, 2, 1 }, { 1, 2, 5, 5, 2, 1, 1 }, { 3, 1, 9, 6, 5, 3, 2 }, { 2, 2, 4, 4, 3, 1, 1 }, { 1, 1, 6, 7, 4, 4, 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesPoolingAnExplicitlyPaddedImage(int batch, int channels, int height, int width, int kernel, int stride, int padding)
    {
        var random = new Random(height * 31 + width);
        // Few distinct values, so that windows hold ties: the first maximum must win.
        double[] x = Enumerable.Range(0, batch * channels * height * width).Select(_ => (double)random.Next(-4, 5)).ToArray();
        int ph = height + 2 * padding, pw = width + 2 * padding;
        int oh = (ph - kernel) / stride + 1, ow = (pw - kernel) / stride + 1;
        var expectedMax = new List<double>();
        var expectedMean = new List<double>();
        var expectedArg = new List<int>();
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < channels; c++)
        {
            var maxImage = new double[ph, pw];
            var zeroImage = new double[ph, pw];
            var source = new int[ph, pw];
            for (int i = 0; i < ph; i++)
            for (int j = 0; j < pw; j++)
            {
                int r = i - padding, q = j - padding;
                bool inside = r >= 0 && r < height && q >= 0 && q < width;
                int at = c * height * width + r * width + q;
                maxImage[i, j] = inside ? x[b * channels * height * width + at] : double.NegativeInfinity;
                zeroImage[i, j] = inside ? maxImage[i, j] : 0;
                source[i, j] = inside ? at : -1;
            }

            for (int r = 0; r < oh; r++)
            for (int q = 0; q < ow; q++)
            {
                double max = double.NegativeInfinity, sum = 0;
                int arg = -1;
                for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++)
                {
                    int pi = r * stride + i, pj = q * stride + j;
                    sum += zeroImage[pi, pj];
                    if (maxImage[pi, pj] > max) { max = maxImage[pi, pj]; arg = source[pi, pj]; }
                }

                expectedMax.Add(max);
                expectedArg.Add(arg);
                expectedMean.Add(sum / (kernel * kernel));
            }
        }

        var y = new double[expectedMax.Count];
        var argmax = new int[y.Length];
        PaddedMaxPool2dKernel.Forward<double>(x, y, argmax, batch, channels, height, width, kernel, stride, padding);
        Assert.Equal(expectedMax, y);
        Assert.Equal(expectedArg, argmax);

        var mean = new double[y.Length];
        PaddedAvgPool2dKernel.Forward<double>(x, mean, batch, channels, height, width, kernel, stride, padding);
        for (int o = 0; o < mean.Length; o++) Assert.Equal(expectedMean[o], mean[o], 12);

        var meanF = new float[y.Length];
        PaddedAvgPool2dKernel.Forward<float>(x.Select(v => (float)v).ToArray(), meanF, batch, channels, height, width, kernel, stride, padding);
        for (int o = 0; o < mean.Length; o++) Assert.Equal(expectedMean[o], meanF[o], 5);
        var maxF = new float[y.Length];
        var argF = new int[y.Length];
        PaddedMaxPool2dKernel.Forward<float>(x.Select(v => (float)v).ToArray(), maxF, argF, batch, channels, height, width, kernel, stride, padding);
        Assert.Equal(expectedArg, argF);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardIsTheAdjointOfTheForwardAndTangentsFollowTheWinners(int batch, int channels, int height, int width, int kernel, int stride, int padding)
    {
        var random = new Random(7 + kernel);
        int inSize = batch * channels * height * width;
        int outSize = batch * channels * ((height + 2 * padding - kernel) / stride + 1) * ((width + 2 * padding - kernel) / stride + 1);
        double[] x = Enumerable.Range(0, inSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] dy = Enumerable.Range(0, outSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();

        // Average: <avg(x), dy> = <x, avgᵀ(dy)> for the linear map.
        var y = new double[outSize];
        PaddedAvgPool2dKernel.Forward<double>(x, y, batch, channels, height, width, kernel, stride, padding);
        var dx = new double[inSize];
        PaddedAvgPool2dKernel.Backward<double>(dy, dx, batch, channels, height, width, kernel, stride, padding);
        Assert.Equal(y.Zip(dy, (a, b) => a * b).Sum(), x.Zip(dx, (a, b) => a * b).Sum(), 10);
        var ty = new double[outSize];
        PaddedAvgPool2dKernel.Tangent<double>(x, ty, batch, channels, height, width, kernel, stride, padding);
        Assert.Equal(y, ty);

        // Max: each output's dy lands on its winner; the tangent reads the winner.
        var argmax = new int[outSize];
        PaddedMaxPool2dKernel.Forward<double>(x, y, argmax, batch, channels, height, width, kernel, stride, padding);
        Array.Clear(dx);
        PaddedMaxPool2dKernel.Backward<double>(dy, argmax, dx, batch, channels, height, width, kernel, stride, padding);
        int sampleIn = inSize / batch, sampleOut = outSize / batch;
        var expected = new double[inSize];
        for (int o = 0; o < outSize; o++) expected[o / sampleOut * sampleIn + argmax[o]] += dy[o];
        Assert.Equal(expected, dx);
        PaddedMaxPool2dKernel.Tangent<double>(x, argmax, ty, batch, channels, height, width, kernel, stride, padding);
        for (int o = 0; o < outSize; o++) Assert.Equal(y[o], ty[o]);
    }

    [Fact]
    public void PaddingAboveHalfTheKernelOrWrongLengthsThrowWithoutWriting()
    {
        var x = new double[2 * 4 * 4];
        var y = new double[2 * 4 * 4];
        y[0] = 42;
        var argmax = new int[y.Length];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PaddedMaxPool2dKernel.Forward<double>(x, y, argmax, 2, 1, 4, 4, 3, 1, 2));
        Assert.Contains("half the kernel", error.Message);
        Assert.Equal(42, y[0]);
        var wrong = Assert.Throws<ArgumentException>(() => PaddedAvgPool2dKernel.Forward<double>(x, new double[5], 2, 1, 4, 4, 3, 1, 1));
        Assert.Contains("y has 5 elements", wrong.Message);
        Assert.Throws<ArgumentException>(() => PaddedMaxPool2dKernel.Backward<double>(new double[32], new int[32] { 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, new double[32], 2, 1, 4, 4, 3, 1, 1));
    }
}
