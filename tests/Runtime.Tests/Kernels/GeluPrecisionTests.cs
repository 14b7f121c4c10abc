using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// GELU's float path (the shorter erfc series, <see cref="SpecialFunctions.ErfcTermsForSingle"/>) and its derivative
/// (Φ and φ from one exponential) against values written here from the full-accuracy scalar erfc and Math.Exp: the
/// float results are the double ones rounded, to within one unit in the last place.
/// </summary>
public sealed class GeluPrecisionTests
{
    /// <summary>x from −12 to 12 in steps that are not round numbers, plus the tails and zero; longer than any vector so the tail loop runs too.</summary>
    private static readonly double[] Points = [.. Enumerable.Range(-1200, 2401).Select(i => i * 0.01 + 3.7e-4), 0.0, -30, 30, -45, 45];

    private static double Cdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    private static double Derivative(double x) => Cdf(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    [Fact]
    public void Float_forward_is_the_double_value_rounded_to_within_one_ulp()
    {
        float[] x = [.. Points.Select(v => (float)v)];
        var y = new float[x.Length];
        GeluKernel.Forward<float>(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)(x[i] * Cdf(x[i]));
            AssertWithinUlps(expected, y[i], 1, $"GELU({x[i]})");
        }
    }

    [Fact]
    public void Float_derivative_is_the_double_value_rounded_to_within_one_ulp()
    {
        float[] x = [.. Points.Select(v => (float)v)];
        float[] ones = [.. x.Select(_ => 1f)];
        var ty = new float[x.Length];
        var dx = new float[x.Length];
        GeluKernel.Tangent<float>(x, new float[x.Length], ones, ty);
        GeluKernel.Backward<float>(x, new float[x.Length], ones, dx);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = (float)Derivative(x[i]);
            AssertWithinUlps(expected, ty[i], 1, $"GELU'({x[i]}) tangent");
            AssertWithinUlps(expected, dx[i], 1, $"GELU'({x[i]}) backward");
        }
    }

    [Fact]
    public void Double_derivative_matches_the_separate_cdf_and_density()
    {
        double[] ones = [.. Points.Select(_ => 1.0)];
        var ty = new double[Points.Length];
        GeluKernel.Tangent<double>(Points, new double[Points.Length], ones, ty);
        for (int i = 0; i < Points.Length; i++)
        {
            double expected = Derivative(Points[i]);
            Assert.True(Math.Abs(ty[i] - expected) <= 1e-13 * Math.Abs(expected) + 1e-16, $"GELU'({Points[i]}) = {ty[i]:R}, expected {expected:R}");
        }
    }

    private static void AssertWithinUlps(float expected, float actual, int ulps, string what)
    {
        int a = BitConverter.SingleToInt32Bits(expected), b = BitConverter.SingleToInt32Bits(actual);
        bool sameSign = (a < 0) == (b < 0);
        long distance = sameSign ? Math.Abs((long)a - b) : Math.Abs((long)(a & int.MaxValue)) + Math.Abs((long)(b & int.MaxValue));
        Assert.True(distance <= ulps, $"{what}: {actual:R}, expected {expected:R} ({distance} ulps apart)");
    }
}
