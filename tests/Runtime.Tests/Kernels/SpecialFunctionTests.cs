using System.Runtime.Intrinsics;
using Axon.Kernels;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Accuracy of erf, erfc, GELU, tanh, sigmoid and softplus against reference values (computed with 60-digit
/// decimal arithmetic for erf/erfc/GELU), on the scalar path and on every accelerated vector width.
/// </summary>
public sealed class SpecialFunctionTests
{
    /// <summary>Relative error allowed for erf/erfc/GELU in double.</summary>
    private const double ErfTolerance = 2e-15;

    /// <summary>Evaluates a vector function on every accelerated width plus the scalar form, lane 0.</summary>
    private static IEnumerable<(string Width, double Value)> AllWidths(
        double x,
        Func<double, double> scalar,
        Func<Vector128<double>, Vector128<double>> v128,
        Func<Vector256<double>, Vector256<double>> v256,
        Func<Vector512<double>, Vector512<double>> v512)
    {
        yield return ("scalar", scalar(x));
        if (Vector128.IsHardwareAccelerated) yield return ("128", v128(Vector128.Create(x)).GetElement(0));
        if (Vector256.IsHardwareAccelerated) yield return ("256", v256(Vector256.Create(x)).GetElement(0));
        if (Vector512.IsHardwareAccelerated) yield return ("512", v512(Vector512.Create(x)).GetElement(0));
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        double error = expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"{what}: {actual:R}, expected {expected:R} (relative error {error:E2})");
    }

    [Theory]
    [InlineData(-3, -0.9999779095030014, 1.9999779095030015)]
    [InlineData(-1.5, -0.9661051464753108, 1.9661051464753108)]
    [InlineData(-0.7, -0.6778011938374184, 1.6778011938374184)]
    [InlineData(-0.3, -0.32862675945912745, 1.3286267594591274)]
    [InlineData(-1e-5, -1.1283791670578999e-05, 1.0000112837916706)]
    [InlineData(0, 0.0, 1.0)]
    [InlineData(1e-8, 1.1283791670955126e-08, 0.9999999887162083)]
    [InlineData(0.001, 0.0011283787909692365, 0.9988716212090307)]
    [InlineData(0.2, 0.22270258921047845, 0.7772974107895215)]
    [InlineData(0.49, 0.5116682611885232, 0.4883317388114769)]
    [InlineData(0.5, 0.5204998778130465, 0.4795001221869535)]
    [InlineData(0.51, 0.5292436198411704, 0.4707563801588296)]
    [InlineData(0.9, 0.7969082124228322, 0.20309178757716786)]
    [InlineData(1.3, 0.9340079449406524, 0.06599205505934756)]
    [InlineData(2, 0.9953222650189527, 0.004677734981047266)]
    [InlineData(3.7, 0.9999998328489421, 1.671510579091462e-07)]
    [InlineData(5.5, 0.9999999999999927, 7.357847917974398e-15)]
    [InlineData(8, 1.0, 1.1224297172982926e-29)]
    [InlineData(12, 1.0, 1.3562611692059042e-64)]
    [InlineData(20, 1.0, 5.395865611607901e-176)]
    [InlineData(26, 1.0, 5.663192408856143e-296)]
    [InlineData(4.123456789, 0.9999999945051733, 5.494826666661643e-09)]
    [InlineData(10.7, 1.0, 9.94923478511827e-52)]
    [InlineData(17.31, 1.0, 2.4104686206486906e-132)]
    [InlineData(-2.9876, -0.9999761170009988, 1.9999761170009989)]
    public void ErfAndErfcMatchReferenceValues(double x, double erf, double erfc)
    {
        foreach (var (width, value) in AllWidths(x, SpecialFunctions.Erf,
                     SpecialFunctions.Erf<Vector128<double>, Simd128<double>>,
                     SpecialFunctions.Erf<Vector256<double>, Simd256<double>>,
                     SpecialFunctions.Erf<Vector512<double>, Simd512<double>>))
            AssertRelative(erf, value, ErfTolerance, $"erf({x}) [{width}]");

        foreach (var (width, value) in AllWidths(x, SpecialFunctions.Erfc,
                     SpecialFunctions.Erfc<Vector128<double>, Simd128<double>>,
                     SpecialFunctions.Erfc<Vector256<double>, Simd256<double>>,
                     SpecialFunctions.Erfc<Vector512<double>, Simd512<double>>))
            AssertRelative(erfc, value, ErfTolerance, $"erfc({x}) [{width}]");
    }

    [Theory]
    [InlineData(-8, -4.976768459417427e-15)]
    [InlineData(-3, -0.0040496940948902835)]
    [InlineData(-1, -0.15865525393145705)]
    [InlineData(-0.1, -0.0460172162722971)]
    [InlineData(0, 0.0)]
    [InlineData(0.5, 0.34573123063700656)]
    [InlineData(1, 0.8413447460685429)]
    [InlineData(2.5, 2.4844758366855597)]
    [InlineData(6, 5.999999994080474)]
    public void GeluMatchesReferenceValues(double x, double expected)
    {
        // Long enough to go through the vector loop and the scalar tail.
        double[] input = Enumerable.Repeat(x, 19).ToArray(), y = new double[19];
        GeluKernel.Forward<double>(input, y);
        foreach (double v in y) AssertRelative(expected, v, 4 * ErfTolerance, $"GELU({x})");

        float[] yF = new float[19];
        GeluKernel.Forward<float>(input.Select(v => (float)v).ToArray(), yF);
        AssertRelative((float)expected, yF[0], 1e-7, $"GELU<float>({x})");
    }

    [Fact]
    public void TanhSigmoidAndSoftplusAreAccurateInDouble()
    {
        double[] x = Enumerable.Range(-400, 801).Select(i => i * 0.0975 + 1e-3).Concat([1e-9, -3e-6, 0.2499, 0.2501, -40, 40, 700, -700]).ToArray();
        double[] y = new double[x.Length];
        TanhKernel.Forward<double>(x, y);
        for (int i = 0; i < x.Length; i++) AssertRelative(Math.Tanh(x[i]), y[i], 2e-15, $"tanh({x[i]})");

        SigmoidKernel.Forward<double>(x, y);
        for (int i = 0; i < x.Length; i++) AssertRelative(1 / (1 + Math.Exp(-x[i])), y[i], 2e-15, $"sigmoid({x[i]})");

        SoftplusKernel.Forward<double>(x, y);
        for (int i = 0; i < x.Length; i++) AssertRelative(Softplus(x[i]), y[i], 4e-15, $"softplus({x[i]})");
    }

    /// <summary>Reference softplus: a series for log1p when eˣ is small, the direct form elsewhere.</summary>
    private static double Softplus(double x)
    {
        if (x > 0) return x + Softplus(-x);
        double u = Math.Exp(x);
        if (u > 0.5) return Math.Log(1 + u);
        double sum = 0, term = u;
        for (int n = 1; n < 200; n++, term *= -u) sum += term / n;
        return sum;
    }
}
