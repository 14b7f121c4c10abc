using System.Reflection;
using Axon;
using Axon.Kernels;
using Axon.Layers;

namespace Axon.Runtime.Tests.Networks;

/// <summary>Custom activations whose generated struct has a vector form: log, exp, tanh and a select (continuous, with a kink at 0).</summary>
public static partial class VectorActivations
{
    [Differentiable]
    public static double SoftTanh(double x)
    {
        double s = Math.Log(1 + Math.Exp(x));
        return x > 0 ? x * Math.Tanh(s) : s * Math.Exp(x) - 0.25 * x - 0.6931471805599453;
    }

    /// <summary>Only IEEE operations (+ − × ÷ and a select): its vector form must give the scalar code's bits.</summary>
    [Differentiable]
    public static double Rational(double x) => x > 0 ? x * x / (1 + x) : x / (1 - x);

    [Differentiable]
    public static float SoftTanhF(float x)
    {
        float s = MathF.Log(1 + MathF.Exp(x));
        return x > 0 ? x * MathF.Tanh(s) : s * MathF.Exp(x) - 0.25f * x - 0.6931472f;
    }
}

/// <summary>39 activations per batch of 3: whole vectors and a tail at every width (8 doubles, 16 floats with AVX-512).</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class VectorActivationNet
{
    [Layer] private readonly Dense fc1 = new(5, 13);
    [Layer] private readonly Activation act = new(nameof(VectorActivations.SoftTanh));
    [Layer] private readonly Dense fc2 = new(13, 3);
}

/// <summary>The generated vector form of <see cref="VectorActivations.Rational"/> on 39 activations per batch of 3.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class RationalActivationNet
{
    [Layer] private readonly Dense fc1 = new(5, 13);
    [Layer] private readonly Activation act = new(nameof(VectorActivations.Rational));
}

/// <summary>The float twin of <see cref="VectorActivationNet"/>.</summary>
[Differentiable, InputShape(5)]
public partial class VectorActivationNetF
{
    [Layer] private readonly Dense fc1 = new(5, 13);
    [Layer] private readonly Activation act = new(nameof(VectorActivations.SoftTanhF));
    [Layer] private readonly Dense fc2 = new(13, 3);
}

/// <summary>
/// A model whose custom activation runs on the vector path: forward, reverse and forward mode against central finite
/// differences in double, and the float twin (same weights) against the double model.
/// </summary>
public sealed class VectorActivationModelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Batch = 3;

    private static VectorActivationNet CreateDouble()
    {
        var model = new VectorActivationNet();
        var random = new Random(3);
        // Weights large enough that pre-activations cover both branches and the tails of exp and tanh.
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 3 - 1.5;
        return model;
    }

    /// <summary>The struct the generator wrote for the model's activation implements the vector interface (so the vector kernel runs it).</summary>
    private static void AssertVectorForm(Type model, Type element)
    {
        var holder = model.GetNestedType("ScalarActivations", BindingFlags.NonPublic);
        Assert.NotNull(holder);
        var op = Assert.Single(holder!.GetNestedTypes(BindingFlags.Public));
        Assert.Contains(typeof(IVectorActivation<>).MakeGenericType(element), op.GetInterfaces());
    }

    [Fact]
    public void Both_twins_run_their_activation_on_the_vector_path()
    {
        AssertVectorForm(typeof(VectorActivationNet), typeof(double));
        AssertVectorForm(typeof(VectorActivationNetF), typeof(float));
    }

    [Fact]
    public void Double_gradients_and_tangents_match_finite_differences()
    {
        var check = new GradientCheck(CreateDouble(), Batch, seed: 7);
        double input = check.InputGradientError(), parameters = check.ParameterGradientError(), tangent = check.TangentError(9), duality = check.DualityError(10);
        output.WriteLine($"input {input:E2}, parameters {parameters:E2}, tangent {tangent:E2}, duality {duality:E2}");
        Assert.True(input < GradientCheck.Tolerance, $"input gradient error {input:E2}");
        Assert.True(parameters < GradientCheck.Tolerance, $"parameter gradient error {parameters:E2}");
        Assert.True(tangent < GradientCheck.Tolerance, $"tangent error {tangent:E2}");
    }

    [Fact]
    public void Double_forward_matches_the_function_written_out_here()
    {
        var model = CreateDouble();
        var random = new Random(11);
        double[] x = [.. Enumerable.Range(0, Batch * 5).Select(_ => random.NextDouble() * 4 - 2)];
        var ws = model.CreateWorkspace(Batch);
        var y = new double[Batch * 3];
        model.Forward(ws, x, Batch, y);

        static double F(double z)
        {
            double s = Math.Log(1 + Math.Exp(z));
            return z > 0 ? z * Math.Tanh(s) : s * Math.Exp(z) - 0.25 * z - 0.6931471805599453;
        }

        var pre = ws.Activation(1).ToArray();
        var act = ws.Activation(2).ToArray();
        for (int i = 0; i < pre.Length; i++) Assert.True(Math.Abs(act[i] - F(pre[i])) <= 1e-14 * Math.Max(1, Math.Abs(F(pre[i]))), $"f({pre[i]}) = {act[i]}, expected {F(pre[i])}");
    }

    [Fact]
    public void Generated_vector_form_of_exact_operations_gives_the_scalar_functions_bits()
    {
        AssertVectorForm(typeof(RationalActivationNet), typeof(double));
        var model = new RationalActivationNet();
        var random = new Random(17);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 3 - 1.5;
        double[] x = [.. Enumerable.Range(0, Batch * 5).Select(_ => random.NextDouble() * 4 - 2)];
        double[] v = [.. Enumerable.Range(0, x.Length).Select(_ => random.NextDouble() * 2 - 1)];
        var ws = model.CreateWorkspace(Batch);
        var y = new double[Batch * 13];
        model.Forward(ws, x, Batch, y);
        model.Tangent(ws, v, Batch);

        // The user's function and the generated scalar derivative, called here element by element.
        var pre = ws.Activation(1).ToArray();
        var preTangent = ws.Tangent(1).ToArray();
        var act = ws.Activation(2).ToArray();
        var tangent = ws.Tangent(2).ToArray();
        Assert.Contains(pre, p => p > 0);
        Assert.Contains(pre, p => p < 0);
        for (int i = 0; i < pre.Length; i++)
        {
            Assert.Equal(VectorActivations.Rational(pre[i]), act[i]);
            Assert.Equal(VectorActivations.RationalDerivative(pre[i]) * preTangent[i], tangent[i]);
        }
    }

    [Fact]
    public void Float_twin_matches_the_double_model()
    {
        var reference = CreateDouble();
        var model = new VectorActivationNetF();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)reference.Parameters[i];

        var random = new Random(13);
        double[] x = [.. Enumerable.Range(0, Batch * 5).Select(_ => random.NextDouble() * 4 - 2)];
        double[] v = [.. Enumerable.Range(0, x.Length).Select(_ => random.NextDouble() * 2 - 1)];
        double[] u = [.. Enumerable.Range(0, Batch * 3).Select(_ => random.NextDouble() * 2 - 1)];

        var wsd = reference.CreateWorkspace(Batch);
        var yd = new double[u.Length];
        reference.Forward(wsd, x, Batch, yd);
        reference.Backward(wsd, u, Batch);
        double[] gd = wsd.Gradient(0).ToArray();
        reference.Tangent(wsd, v, Batch);
        double[] td = wsd.Tangent(reference.Layers.Count - 1).ToArray();

        var wsf = model.CreateWorkspace(Batch);
        var yf = new float[u.Length];
        model.Forward(wsf, [.. x.Select(a => (float)a)], Batch, yf);
        model.Backward(wsf, [.. u.Select(a => (float)a)], Batch);
        float[] gf = wsf.Gradient(0).ToArray();
        model.Tangent(wsf, [.. v.Select(a => (float)a)], Batch);
        float[] tf = wsf.Tangent(model.Layers.Count - 1).ToArray();

        AssertClose("forward", yd, yf);
        AssertClose("input gradient", gd, gf);
        AssertClose("tangent", td, tf);
    }

    /// <summary>
    /// The float model's own input gradient and tangent against central differences of its own float forward: a step
    /// of 1e-2 keeps float rounding (≈ 1e-7 / 1e-2) and truncation (≈ h²) near 1e-5, so 2e-3 of the largest value is
    /// a bound a wrong derivative (an error of order one) cannot meet.
    /// </summary>
    [Fact]
    public void Float_gradient_and_tangent_match_float_finite_differences()
    {
        var reference = CreateDouble();
        var model = new VectorActivationNetF();
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)reference.Parameters[i];
        var random = new Random(19);
        float[] x = [.. Enumerable.Range(0, Batch * 5).Select(_ => (float)(random.NextDouble() * 4 - 2))];
        float[] v = [.. Enumerable.Range(0, x.Length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] u = [.. Enumerable.Range(0, Batch * 3).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        var ws = model.CreateWorkspace(Batch);
        var y = new float[u.Length];

        double Loss(float[] input)
        {
            model.Forward(ws, input, Batch, y);
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += u[i] * (double)y[i];
            return sum;
        }

        model.Forward(ws, x, Batch, y);
        model.Backward(ws, u, Batch);
        float[] gradient = ws.Gradient(0).ToArray();
        model.Tangent(ws, v, Batch);
        float[] tangent = ws.Tangent(model.Layers.Count - 1).ToArray();

        const float h = 1e-2f;
        var numeric = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float saved = x[i];
            x[i] = saved + h;
            double plus = Loss(x);
            x[i] = saved - h;
            double minus = Loss(x);
            x[i] = saved;
            numeric[i] = (plus - minus) / (2 * h);
        }

        AssertClose("input gradient (float finite differences)", numeric, gradient, 2e-3);
        float[] xPlus = [.. x.Zip(v, (a, d) => a + h * d)], xMinus = [.. x.Zip(v, (a, d) => a - h * d)];
        var yPlus = new float[y.Length];
        model.Forward(ws, xPlus, Batch, yPlus);
        var yMinus = new float[y.Length];
        model.Forward(ws, xMinus, Batch, yMinus);
        AssertClose("tangent (float finite differences)", [.. yPlus.Zip(yMinus, (a, b) => ((double)a - b) / (2 * h))], tangent, 2e-3);
    }

    /// <summary>Float against double, relative to the largest magnitude: float rounding through three layers stays near 1e-6.</summary>
    private static void AssertClose(string what, double[] expected, float[] actual, double tolerance = 2e-5)
    {
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}] = {actual[i]}, expected {expected[i]}");
    }
}
