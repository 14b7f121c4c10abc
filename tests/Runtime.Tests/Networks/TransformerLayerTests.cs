using System.Numerics;
using Axon.Attribution;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// LayerNorm, RMSNorm, SiLU, Identity and Dropout in generated networks: the forward against the formulas written
/// out here as loops, the reverse and forward modes against central differences, the float path against double.
/// </summary>
public sealed class TransformerLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Batch = 3;

    /// <summary>Every parameter random (weights around 1, so the affine terms matter), seeded.</summary>
    private static void Randomize<T>(IDifferentiableModel<T> model, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = T.CreateChecked(random.NextDouble() * 1.6 - 0.8);
    }

    private static double[] RandomInput(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }

    private static double[] Parameter(IDifferentiableModel<double> model, string name)
    {
        var tensor = model.ParameterTensors.Single(t => t.Name == name);
        return model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
    }

    [Fact]
    public void Parameters_have_PyTorchs_names_shapes_and_initial_values()
    {
        var model = new NormNet();
        var names = model.ParameterTensors.Select(t => t.Name).ToArray();
        Assert.Equal(new[] { "ln.weight", "ln.bias", "rms.weight", "noBias.weight", "rmsDefault.weight", "fc.weight", "fc.bias" }, names);
        Assert.Equal(new[] { 3, 4 }, model.ParameterTensors.Single(t => t.Name == "rms.weight").Shape.ToArray());
        Assert.All(Parameter(model, "ln.weight"), v => Assert.Equal(1.0, v));
        Assert.All(Parameter(model, "ln.bias"), v => Assert.Equal(0.0, v));
        Assert.All(Parameter(model, "rms.weight"), v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void Forward_matches_the_formulas_written_as_loops()
    {
        var model = new NormNet();
        Randomize(model, 7);
        var x = RandomInput(Batch * 12, 8);
        var ws = model.CreateWorkspace(Batch);
        var y = new double[Batch * 3];
        model.Forward(ws, x, Batch, y);

        double worst = 0;
        void Compare(double[] expected, int layer) =>
            worst = Math.Max(worst, expected.Zip(ws.Activation(layer).ToArray(), (e, a) => Math.Abs(e - a)).Max());

        // ln: LayerNorm over rows of 4 with weight and bias, ε = 1e-5, biased variance.
        var ln = LayerNormLoop(x, 4, Parameter(model, "ln.weight"), Parameter(model, "ln.bias"), 1e-5, center: true);
        Compare(ln, NormNet.LayerIndex.ln);
        var silu = ln.Select(v => v / (1 + Math.Exp(-v))).ToArray();
        Compare(silu, NormNet.LayerIndex.silu);
        Compare(silu, NormNet.LayerIndex.keep);
        Compare(silu, NormNet.LayerIndex.drop);
        // rms: RMSNorm over the whole [3, 4] sample, ε = 1e-6.
        var rms = LayerNormLoop(silu, 12, Parameter(model, "rms.weight"), null, 1e-6, center: false);
        Compare(rms, NormNet.LayerIndex.rms);
        var plain = LayerNormLoop(rms, 4, null, null, 1e-3, center: true);
        Compare(plain, NormNet.LayerIndex.plain);
        var noBias = LayerNormLoop(plain, 4, Parameter(model, "noBias.weight"), null, 1e-5, center: true);
        Compare(noBias, NormNet.LayerIndex.noBias);
        // PyTorch's eps=None: the machine epsilon of double.
        var rmsDefault = LayerNormLoop(noBias, 4, Parameter(model, "rmsDefault.weight"), null, Math.Pow(2, -52), center: false);
        Compare(rmsDefault, NormNet.LayerIndex.rmsDefault);
        output.WriteLine($"largest difference from the loops: {worst:E2}");
        Assert.True(worst < 1e-12, $"forward differs from the loops by {worst:E2}");
    }

    /// <summary>Rows of <paramref name="width"/>: (x − mean)/√(mean (x − mean)² + ε)·w + b, mean 0 without centring.</summary>
    private static double[] LayerNormLoop(double[] x, int width, double[]? weight, double[]? bias, double epsilon, bool center)
    {
        var y = new double[x.Length];
        for (int row = 0; row < x.Length / width; row++)
        {
            double mean = 0;
            if (center)
            {
                for (int i = 0; i < width; i++) mean += x[row * width + i];
                mean /= width;
            }

            double variance = 0;
            for (int i = 0; i < width; i++) variance += (x[row * width + i] - mean) * (x[row * width + i] - mean);
            variance /= width;
            for (int i = 0; i < width; i++)
            {
                double v = (x[row * width + i] - mean) / Math.Sqrt(variance + epsilon);
                y[row * width + i] = v * (weight?[i] ?? 1) + (bias?[i] ?? 0);
            }
        }

        return y;
    }

    private static GradientCheck Check()
    {
        var model = new NormNet();
        Randomize(model, 11);
        return new GradientCheck(model, Batch, seed: 5, r => r.NextDouble() * 4 - 2);
    }

    [Fact]
    public void Parameter_gradients_match_finite_differences()
    {
        double error = Check().ParameterGradientError();
        output.WriteLine($"max relative parameter-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"parameter gradient error {error:E2}");
    }

    [Fact]
    public void Input_gradients_match_finite_differences()
    {
        double error = Check().InputGradientError();
        output.WriteLine($"max relative input-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"input gradient error {error:E2}");
    }

    [Fact]
    public void Gradients_at_inner_layers_match_finite_differences()
    {
        var check = Check();
        foreach (int layer in new[] { NormNet.LayerIndex.ln, NormNet.LayerIndex.drop, NormNet.LayerIndex.plain })
        {
            double error = check.LayerGradientError(layer);
            output.WriteLine($"layer {layer}: max relative error {error:E2}");
            Assert.True(error < GradientCheck.Tolerance, $"layer {layer}: gradient error {error:E2}");
        }
    }

    [Fact]
    public void Tangents_of_every_layer_match_finite_differences()
    {
        var check = Check();
        double error = check.TangentError(seed: 3);
        output.WriteLine($"max relative tangent error {error:E2}, duality {check.DualityError(4):E2}");
        Assert.True(error < GradientCheck.Tolerance, $"tangent error {error:E2}");
        Assert.True(check.DualityError(4) < 1e-12);
    }

    [Fact]
    public void Float_model_matches_the_double_model()
    {
        var reference = new NormNet();
        var model = new NormNetFloat();
        Randomize(reference, 13);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)reference.Parameters[i];
        var x = RandomInput(Batch * 12, 14);
        var xf = x.Select(v => (float)v).ToArray();

        var wsd = reference.CreateWorkspace(Batch);
        var wsf = model.CreateWorkspace(Batch);
        var yd = new double[Batch * 3];
        var yf = new float[Batch * 3];
        reference.Forward(wsd, x, Batch, yd);
        model.Forward(wsf, xf, Batch, yf);
        var seed = Enumerable.Range(0, yd.Length).Select(i => (i % 3) - 1.0).ToArray();
        reference.Backward(wsd, seed, Batch);
        model.Backward(wsf, seed.Select(v => (float)v).ToArray(), Batch);

        double outputError = yd.Zip(yf, (d, f) => Math.Abs(d - f)).Max();
        double gradientError = wsd.Gradient(0).ToArray().Zip(wsf.Gradient(0).ToArray(), (d, f) => Math.Abs(d - f)).Max();
        output.WriteLine($"float vs double: output {outputError:E2}, input gradient {gradientError:E2}");
        Assert.True(outputError < 1e-4, $"float output differs by {outputError:E2}");
        Assert.True(gradientError < 1e-3, $"float input gradient differs by {gradientError:E2}");
    }

    [Fact]
    public void The_pass_through_layers_are_affine_and_the_normalisations_refuse_DeepLIFT()
    {
        Assert.True(LayerKind.Identity.IsAffine());
        Assert.True(LayerKind.Dropout.IsAffine());
        Assert.False(LayerKind.LayerNorm.IsAffine());
        Assert.False(LayerKind.SiLU.IsAffine());

        var model = new NormNet();
        Randomize(model, 17);
        var engine = new Attributor<double>(model);
        var x = RandomInput(12, 18);
        var result = new double[12];
        result[0] = 42;
        var refusal = Assert.Throws<NotSupportedException>(() => engine.DeepLift(0, x, 0, Baseline<double>.Zero, result));
        Assert.Contains("'ln' (LayerNorm)", refusal.Message);
        Assert.Equal(42, result[0]);

        // After the last normalisation the rules exist again, so DeepLIFT runs at the layer above it.
        var upper = new double[12];
        engine.DeepLift(NormNet.LayerIndex.rmsDefault, x, 0, Baseline<double>.Zero, upper);
        Assert.Contains(upper, v => v != 0);
    }
}
