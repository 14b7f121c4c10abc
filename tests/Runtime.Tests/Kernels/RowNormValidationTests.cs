using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>The normalisation kernels reject wrong lengths with an ArgumentException naming the span, before writing anything.</summary>
public sealed class RowNormValidationTests
{
    private static void AssertNames(string expected, Action call)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(expected, e.ParamName);
    }

    [Fact]
    public void LayerNorm_and_RMSNorm_name_the_wrong_span()
    {
        double[] x = new double[8], w = new double[4], y = new double[8];
        AssertNames("x", () => LayerNormKernel.Forward<double>(new double[7], w, w, 1e-5, y, 2, 4));
        AssertNames("gamma", () => LayerNormKernel.Forward<double>(x, new double[3], w, 1e-5, y, 2, 4));
        AssertNames("beta", () => LayerNormKernel.Forward<double>(x, w, new double[5], 1e-5, y, 2, 4));
        AssertNames("y", () => RmsNormKernel.Forward<double>(x, w, 1e-5, new double[9], 2, 4));
        AssertNames("rows", () => RmsNormKernel.Forward<double>(x, w, 1e-5, y, 0, 4));
        AssertNames("dGamma", () => LayerNormKernel.Backward<double>(x, w, 1e-5, y, default, new double[2], default, 2, 4));
        AssertNames("dx", () => RmsNormKernel.Backward<double>(x, w, 1e-5, y, new double[3], default, 2, 4));
        AssertNames("ty", () => LayerNormKernel.Tangent<double>(x, w, 1e-5, y, new double[7], 2, 4));
    }

    [Fact]
    public void A_rejected_call_writes_nothing()
    {
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8], y = new double[8];
        Array.Fill(y, 9.0);
        Assert.ThrowsAny<ArgumentException>(() => LayerNormKernel.Forward<double>(x, new double[4], new double[3], 1e-5, y, 2, 4));
        Assert.All(y, v => Assert.Equal(9.0, v));
    }
}
