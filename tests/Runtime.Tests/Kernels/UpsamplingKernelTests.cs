using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Transposed convolution checked as the adjoint of the ordinary strided convolution (⟨convT(x), y⟩ = ⟨x, conv(y)⟩ with the
/// same weight tensor read as [in, out] by both), plus a scatter into an uncropped buffer; upsampling against closed forms.
/// </summary>
public sealed class UpsamplingKernelTests
{
    [Theory]
    [InlineData(2, 3, 4, 5, 2, 3, 2, 1, 1)]
    [InlineData(1, 2, 3, 3, 3, 2, 2, 0, 0)]
    [InlineData(2, 1, 5, 4, 2, 3, 1, 1, 0)]
    [InlineData(1, 2, 3, 4, 2, 4, 3, 2, 2)]
    public void TransposedConvolutionIsTheAdjointOfConvolutionAndMatchesAnUncroppedScatter(int batch, int inC, int h, int w, int outC, int k, int s, int p, int op)
    {
        var random = new Random(inC * 13 + k);
        double[] x = Enumerable.Range(0, batch * inC * h * w).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] weight = Enumerable.Range(0, inC * outC * k * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] bias = Enumerable.Range(0, outC).Select(_ => random.NextDouble()).ToArray();
        int oh = (h - 1) * s - 2 * p + k + op, ow = (w - 1) * s - 2 * p + k + op;
        var y = new double[batch * outC * oh * ow];
        ConvTranspose2dKernel.Forward<double>(x, weight, bias, y, batch, inC, h, w, outC, k, s, p, op);

        // Scatter every input into the full, uncropped output, then crop `padding` from the top and left.
        int fh = (h - 1) * s + k + op, fw = (w - 1) * s + k + op;
        for (int b = 0; b < batch; b++)
        {
            var full = new double[outC, fh, fw];
            for (int c = 0; c < inC; c++)
            for (int ih = 0; ih < h; ih++)
            for (int iw = 0; iw < w; iw++)
            for (int o = 0; o < outC; o++)
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                full[o, ih * s + i, iw * s + j] += x[((b * inC + c) * h + ih) * w + iw] * weight[((c * outC + o) * k + i) * k + j];
            for (int o = 0; o < outC; o++)
            for (int r = 0; r < oh; r++)
            for (int q = 0; q < ow; q++)
                Assert.Equal(full[o, r + p, q + p] + bias[o], y[((b * outC + o) * oh + r) * ow + q], 12);
        }

        // Adjoint: Conv2d (the library's own, independent kernel) from [outC, oh, ow] back to [inC, h, w] with the same tensor.
        double[] u = Enumerable.Range(0, y.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var tangent = new double[y.Length];
        ConvTranspose2dKernel.Tangent<double>(x, weight, tangent, batch, inC, h, w, outC, k, s, p, op);
        var convOfU = new double[x.Length];
        var scratch = new double[Conv2dKernel.ScratchLength(batch, outC, oh, ow, inC, k, s, p)];
        Conv2dKernel.Forward<double>(u, weight, default, convOfU, scratch, batch, outC, oh, ow, inC, k, s, p);
        Assert.Equal(tangent.Zip(u, (a, b) => a * b).Sum(), x.Zip(convOfU, (a, b) => a * b).Sum(), 10);

        // Backward: dx = conv(dy), dW by finite differences of the linear map, dBias = Σ dy.
        var dx = new double[x.Length];
        var dWeight = new double[weight.Length];
        var dBias = new double[outC];
        ConvTranspose2dKernel.Backward<double>(x, weight, u, dx, dWeight, dBias, batch, inC, h, w, outC, k, s, p, op);
        for (int i = 0; i < dx.Length; i++) Assert.Equal(convOfU[i], dx[i], 12);
        for (int wi = 0; wi < weight.Length; wi += 3)
        {
            var unit = new double[weight.Length];
            unit[wi] = 1;
            var column = new double[y.Length];
            ConvTranspose2dKernel.Tangent<double>(x, unit, column, batch, inC, h, w, outC, k, s, p, op);
            Assert.Equal(column.Zip(u, (a, b) => a * b).Sum(), dWeight[wi], 10);
        }

        for (int o = 0; o < outC; o++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++) for (int e = 0; e < oh * ow; e++) sum += u[(b * outC + o) * oh * ow + e];
            Assert.Equal(sum, dBias[o], 10);
        }
    }

    [Fact]
    public void OutputPaddingNotBelowTheStrideThrows()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ConvTranspose2dKernel.Forward<double>(new double[4], new double[4], default, new double[25], 1, 1, 2, 2, 1, 2, 2, 0, 2));
        Assert.Contains("smaller than the stride", error.Message);
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(false, 4)]
    public void UpsamplingAgreesWithGradCamsIndependentInterpolation(bool bilinear, int scale)
    {
        int h = 3, w = 5;
        var random = new Random(scale);
        double[] x = Enumerable.Range(0, h * w).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = new double[h * w * scale * scale];
        UpsampleKernel.Forward<double>(x, y, 1, 1, h, w, scale, bilinear);
        var expected = new double[y.Length];
        Axon.Attribution.GradCam.Upsample<double>(x, h, w, expected, h * scale, w * scale, bilinear ? Axon.Attribution.UpsampleMode.Bilinear : Axon.Attribution.UpsampleMode.Nearest);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 12);
    }

    [Fact]
    public void NearestCopiesTheCoveringPixel()
    {
        double[] x = Enumerable.Range(0, 2 * 2 * 3).Select(i => (double)i * i).ToArray(); // 2 channels, 2×3
        var y = new double[2 * 6 * 9];
        UpsampleKernel.Forward<double>(x, y, 1, 2, 2, 3, 3, bilinear: false);
        for (int c = 0; c < 2; c++)
        for (int r = 0; r < 6; r++)
        for (int q = 0; q < 9; q++)
            Assert.Equal(x[c * 6 + r / 3 * 3 + q / 3], y[c * 54 + r * 9 + q]);
    }

    /// <summary>PyTorch's bilinear ×2 with align_corners=False along one axis: ends copy, inside ¼/¾ mixes of neighbours.</summary>
    private static double[,] TwiceAlongAxis(int n)
    {
        var m = new double[2 * n, n];
        for (int i = 0; i < n; i++)
        {
            // Output 2i reads src i − ¼ (clamped to i at the start), output 2i + 1 reads src i + ¼ (clamped to i at the end).
            if (i == 0) m[0, 0] = 1; else { m[2 * i, i - 1] = 0.25; m[2 * i, i] = 0.75; }
            if (i == n - 1) m[2 * i + 1, i] = 1; else { m[2 * i + 1, i] = 0.75; m[2 * i + 1, i + 1] = 0.25; }
        }

        return m;
    }

    [Fact]
    public void BilinearTimesTwoIsTheQuarterThreeQuarterMixAndBackwardItsTranspose()
    {
        int h = 3, w = 4;
        var random = new Random(4);
        double[] x = Enumerable.Range(0, 2 * h * w).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = new double[2 * 4 * h * w];
        UpsampleKernel.Forward<double>(x, y, 2, 1, h, w, 2, bilinear: true);
        var rows = TwiceAlongAxis(h);
        var columns = TwiceAlongAxis(w);
        for (int b = 0; b < 2; b++)
        for (int r = 0; r < 2 * h; r++)
        for (int q = 0; q < 2 * w; q++)
        {
            double expected = 0;
            for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) expected += rows[r, i] * columns[q, j] * x[b * h * w + i * w + j];
            Assert.Equal(expected, y[b * 4 * h * w + r * 2 * w + q], 12);
        }

        double[] u = Enumerable.Range(0, y.Length).Select(_ => random.NextDouble()).ToArray();
        var dx = new double[x.Length];
        UpsampleKernel.Backward<double>(u, dx, 2, 1, h, w, 2, bilinear: true);
        Assert.Equal(y.Zip(u, (a, c) => a * c).Sum(), x.Zip(dx, (a, c) => a * c).Sum(), 10);
        var dxNearest = new double[x.Length];
        var yNearest = new double[y.Length];
        UpsampleKernel.Forward<double>(x, yNearest, 2, 1, h, w, 2, bilinear: false);
        UpsampleKernel.Backward<double>(u, dxNearest, 2, 1, h, w, 2, bilinear: false);
        Assert.Equal(yNearest.Zip(u, (a, c) => a * c).Sum(), x.Zip(dxNearest, (a, c) => a * c).Sum(), 10);
    }
}
