using System.Numerics;
using Xunit.Abstractions;

namespace Axon.Runtime.Tests.Kernels;

/// <summary>
/// Derivative checks for every kernel in <see cref="KernelCatalog"/>, in double: backward against central
/// differences of L = Σ r⊙y, tangent against central differences along a random direction, reverse mode
/// against forward mode, accumulation and skipped outputs, and float against double.
/// </summary>
public sealed class DerivativeTests(ITestOutputHelper output)
{
    /// <summary>Central-difference step.</summary>
    private const double Step = 1e-6;

    /// <summary>
    /// Largest allowed |analytic − numeric| / max(|analytic|, |numeric|, <see cref="Floor"/>). Central
    /// differences with h = 1e-6 carry about 1e-10·|L| of rounding error, far below this.
    /// </summary>
    private const double FiniteDifferenceTolerance = 1e-7;

    /// <summary>
    /// Magnitude below which errors are measured absolutely (inputs and r are standard normal, so gradients are
    /// of order one; the rounding of y± leaves about 1e-9 of absolute noise in a difference quotient).
    /// </summary>
    private const double Floor = 0.1;

    /// <summary>uᵀ(J v) against (Jᵀ u)ᵀ v, relative to Σ|uᵢ (J v)ᵢ|.</summary>
    private const double AdjointTolerance = 1e-12;

    /// <summary>Float results against double, relative to the size of the values.</summary>
    private const double FloatTolerance = 2e-5;

    [Theory]
    [MemberData(nameof(KernelCatalog.Names), MemberType = typeof(KernelCatalog))]
    public void BackwardMatchesFiniteDifferences(string name)
    {
        KernelCase c = KernelCatalog.Get(name);
        var random = new Random(17);
        double[][] inputs = Inputs(c, random);
        double[] r = Vector(c.OutputSize, random);
        double[][] gradients = c.InputSizes.Select(n => new double[n]).ToArray();
        double[] y = new double[c.OutputSize];
        c.Forward(inputs, y);
        c.Backward(inputs, y, r, gradients);

        double worst = 0;
        double[] plus = new double[c.OutputSize], minus = new double[c.OutputSize];
        for (int input = 0; input < inputs.Length; input++)
        {
            if (!c.IsDifferentiable(input)) continue;
            double[] values = inputs[input];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + Step;
                c.Forward(inputs, plus);
                values[i] = saved - Step;
                c.Forward(inputs, minus);
                values[i] = saved;
                double numeric = LossDifference(r, plus, minus) / (2 * Step);
                double error = RelativeError(gradients[input][i], numeric);
                worst = Math.Max(worst, error);
                Assert.True(error <= FiniteDifferenceTolerance,
                    $"{name}: input {input}[{i}] analytic {gradients[input][i]:R}, numeric {numeric:R}, error {error:E2}");
            }
        }

        output.WriteLine($"{name}: max FD error of the gradients {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(KernelCatalog.Names), MemberType = typeof(KernelCatalog))]
    public void TangentMatchesFiniteDifferences(string name)
    {
        KernelCase c = KernelCatalog.Get(name);
        if (!c.HasTangent) return;
        var random = new Random(23);
        double[][] inputs = Inputs(c, random);
        double[] v = Vector(c.InputSizes[0], random);
        double[] x = inputs[0];
        double[] saved = (double[])x.Clone();

        double[] plus = new double[c.OutputSize], minus = new double[c.OutputSize];
        for (int i = 0; i < x.Length; i++) x[i] = saved[i] + Step * v[i];
        c.Forward(inputs, plus);
        for (int i = 0; i < x.Length; i++) x[i] = saved[i] - Step * v[i];
        c.Forward(inputs, minus);
        saved.CopyTo(x, 0);

        double[] y = new double[c.OutputSize], ty = new double[c.OutputSize];
        c.Forward(inputs, y);
        ty.AsSpan().Fill(double.NaN); // Tangent overwrites
        c.Tangent(inputs, y, v, ty);

        double worst = 0;
        for (int o = 0; o < ty.Length; o++)
        {
            double numeric = (plus[o] - minus[o]) / (2 * Step);
            double error = RelativeError(ty[o], numeric);
            worst = Math.Max(worst, error);
            Assert.True(error <= FiniteDifferenceTolerance, $"{name}: ty[{o}] analytic {ty[o]:R}, numeric {numeric:R}, error {error:E2}");
        }

        output.WriteLine($"{name}: max FD error of the tangent {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(KernelCatalog.Names), MemberType = typeof(KernelCatalog))]
    public void ReverseAndForwardModesAgree(string name)
    {
        KernelCase c = KernelCatalog.Get(name);
        if (!c.HasTangent) return;
        var random = new Random(29);
        double[][] inputs = Inputs(c, random);
        double[] u = Vector(c.OutputSize, random);
        double[] v = Vector(c.InputSizes[0], random);
        double[] y = new double[c.OutputSize], jv = new double[c.OutputSize];
        c.Forward(inputs, y);
        c.Tangent(inputs, y, v, jv);
        double[][] gradients = c.InputSizes.Select((n, i) => i == 0 ? new double[n] : []).ToArray();
        c.Backward(inputs, y, u, gradients);

        double forward = 0, reverse = 0, scale = 0;
        for (int o = 0; o < u.Length; o++)
        {
            forward += u[o] * jv[o];
            scale += Math.Abs(u[o] * jv[o]);
        }

        for (int i = 0; i < v.Length; i++) reverse += gradients[0][i] * v[i];
        double error = Math.Abs(forward - reverse) / Math.Max(scale, 1e-300);
        output.WriteLine($"{name}: uᵀ(Jv) = {forward:R}, (Jᵀu)ᵀv = {reverse:R}, relative difference {error:E2}");
        Assert.True(error <= AdjointTolerance, $"{name}: uᵀ(Jv) = {forward:R} but (Jᵀu)ᵀv = {reverse:R}");
    }

    [Theory]
    [MemberData(nameof(KernelCatalog.Names), MemberType = typeof(KernelCatalog))]
    public void BackwardAccumulatesAndSkipsEmptyOutputs(string name)
    {
        KernelCase c = KernelCatalog.Get(name);
        var random = new Random(31);
        double[][] inputs = Inputs(c, random);
        double[] dy = Vector(c.OutputSize, random);
        double[] y = new double[c.OutputSize];
        c.Forward(inputs, y);

        double[][] once = c.InputSizes.Select(n => new double[n]).ToArray();
        c.Backward(inputs, y, dy, once);

        // Accumulates: starting from the first result, a second call doubles it.
        double[][] twice = once.Select(g => (double[])g.Clone()).ToArray();
        c.Backward(inputs, y, dy, twice);
        for (int i = 0; i < once.Length; i++)
        {
            for (int j = 0; j < once[i].Length; j++)
                Assert.True(Math.Abs(twice[i][j] - 2 * once[i][j]) <= 1e-12 * Math.Max(1, Math.Abs(once[i][j])), $"{name}: gradient {i}[{j}] did not accumulate");
        }

        // Each gradient alone, the others empty: same values, and nothing else is touched.
        for (int only = 0; only < once.Length; only++)
        {
            if (!c.IsDifferentiable(only)) continue;
            double[][] single = c.InputSizes.Select((n, i) => i == only ? new double[n] : []).ToArray();
            c.Backward(inputs, y, dy, single);
            Assert.Equal(once[only], single[only]);
        }
    }

    [Theory]
    [MemberData(nameof(KernelCatalog.Names), MemberType = typeof(KernelCatalog))]
    public void FloatAgreesWithDouble(string name)
    {
        KernelCase c = KernelCatalog.Get(name);
        var random = new Random(37);
        double[][] inputs = Inputs(c, random);
        double[] dy = Vector(c.OutputSize, random);
        double[] tx = Vector(c.InputSizes[0], random);
        float[][] inputsF = inputs.Select(ToFloat).ToArray();

        double[] y = new double[c.OutputSize];
        float[] yF = new float[c.OutputSize];
        c.Forward(inputs, y);
        c.Forward(inputsF, yF);
        AssertClose(name + " forward", y, yF);

        double[][] g = c.InputSizes.Select(n => new double[n]).ToArray();
        float[][] gF = c.InputSizes.Select(n => new float[n]).ToArray();
        c.Backward(inputs, y, dy, g);
        c.Backward(inputsF, yF, ToFloat(dy), gF);
        for (int i = 0; i < g.Length; i++) AssertClose($"{name} gradient {i}", g[i], gF[i]);

        if (!c.HasTangent) return;
        double[] ty = new double[c.OutputSize];
        float[] tyF = new float[c.OutputSize];
        c.Tangent(inputs, y, tx, ty);
        c.Tangent(inputsF, yF, ToFloat(tx), tyF);
        AssertClose(name + " tangent", ty, tyF);
    }

    private static void AssertClose(string what, double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Length == 0 ? 1 : Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]) / scale;
            Assert.True(error <= FloatTolerance, $"{what}[{i}]: double {expected[i]:R}, float {actual[i]:R}");
        }
    }

    private static double[][] Inputs(KernelCase c, Random random)
    {
        double[][] inputs = c.InputSizes.Select(n => new double[n]).ToArray();
        c.Fill(inputs, random);
        return inputs;
    }

    private static double[] Vector(int n, Random random)
    {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = KernelCase.Gaussian(random);
        return v;
    }

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    /// <summary>
    /// L(plus) − L(minus) for L = Σ r⊙y, summed as differences so that outputs the perturbation does not reach
    /// cancel exactly instead of adding the rounding of the whole sum.
    /// </summary>
    private static double LossDifference(double[] r, double[] plus, double[] minus)
    {
        double sum = 0;
        for (int i = 0; i < r.Length; i++) sum += r[i] * (plus[i] - minus[i]);
        return sum;
    }

    private static double RelativeError(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), Floor);
}
