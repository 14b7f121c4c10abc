using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Grouped convolution against PyTorch's definition written out independently: group g is an ordinary convolution
/// of input channels [g·in/G, (g+1)·in/G) with the filters of output channels [g·out/G, (g+1)·out/G), computed here
/// over an explicitly zero-padded copy of the image.
/// </summary>
public sealed class GroupedConv2dTests
{
    [Theory]
    [InlineData(2, 4, 6, 5, 6, 3, 2, 1, 2)]
    [InlineData(1, 3, 5, 5, 3, 3, 1, 1, 3)] // depthwise
    [InlineData(2, 6, 4, 7, 4, 2, 1, 0, 2)]
    public void ForwardMatchesPerGroupConvolutionsOfAPaddedImage(int batch, int inC, int h, int w, int outC, int k, int s, int p, int groups)
    {
        var random = new Random(inC * 7 + outC);
        double[] x = Enumerable.Range(0, batch * inC * h * w).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        int inPer = inC / groups, outPer = outC / groups;
        double[] weight = Enumerable.Range(0, outC * inPer * k * k).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] bias = Enumerable.Range(0, outC).Select(_ => random.NextDouble()).ToArray();
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        var expected = new double[batch * outC * oh * ow];
        for (int b = 0; b < batch; b++)
        for (int g = 0; g < groups; g++)
        {
            var padded = new double[inPer, h + 2 * p, w + 2 * p];
            for (int ci = 0; ci < inPer; ci++)
            for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) padded[ci, i + p, j + p] = x[((b * inC + g * inPer + ci) * h + i) * w + j];
            for (int oo = 0; oo < outPer; oo++)
            {
                int o = g * outPer + oo;
                for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                {
                    double sum = bias[o];
                    for (int ci = 0; ci < inPer; ci++)
                    for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) sum += weight[((o * inPer + ci) * k + i) * k + j] * padded[ci, r * s + i, q * s + j];
                    expected[((b * outC + o) * oh + r) * ow + q] = sum;
                }
            }
        }

        var y = new double[expected.Length];
        GroupedConv2dKernel.Forward<double>(x, weight, bias, y, batch, inC, h, w, outC, k, s, p, groups);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 12);

        var yF = new float[expected.Length];
        GroupedConv2dKernel.Forward<float>(x.Select(v => (float)v).ToArray(), weight.Select(v => (float)v).ToArray(), bias.Select(v => (float)v).ToArray(), yF, batch, inC, h, w, outC, k, s, p, groups);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], yF[i], 4);
    }

    [Fact]
    public void ChannelsNotDivisibleByGroupsThrowNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            GroupedConv2dKernel.Forward<double>(new double[3 * 16], new double[4 * 1 * 9], default, new double[4 * 4], 1, 3, 4, 4, 4, 3, 1, 0, 2));
        Assert.Contains("divisible by groups (2)", error.Message);
    }
}
