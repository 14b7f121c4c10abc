using System.Numerics;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// x.Transpose(): the kernel against index loops, its argument checks, and generated models that use it (the
/// transposed node's values, gradients and tangents against central differences, float against double).
/// </summary>
public sealed class TransposeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Batch = 2;

    private static void Randomize<T>(IDifferentiableModel<T> model, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = T.CreateChecked(random.NextDouble() * 1.6 - 0.8);
    }

    [Fact]
    public void The_kernel_swaps_the_axes_of_every_sample_and_its_backward_accumulates_the_transpose()
    {
        const int rows = 2, columns = 3;
        double[] x = [1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60];
        var y = new double[12];
        TransposeKernel.Forward<double>(x, y, 2, rows, columns);
        Assert.Equal([1, 4, 2, 5, 3, 6, 10, 40, 20, 50, 30, 60], y);

        var dx = Enumerable.Repeat(1.0, 12).ToArray();
        TransposeKernel.Backward<double>(y, dx, 2, rows, columns);
        Assert.Equal(x.Select(v => v + 1), dx);
    }

    [Fact]
    public void The_kernel_rejects_spans_of_the_wrong_length_and_leaves_the_output_alone()
    {
        var y = new double[6];
        var error = Assert.Throws<ArgumentException>(() => TransposeKernel.Forward<double>(new double[5], y, 1, 2, 3));
        Assert.Contains("x", error.Message);
        Assert.All(y, v => Assert.Equal(0, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransposeKernel.Backward<double>(new double[6], y, 1, 0, 3));
    }

    [Fact]
    public void The_transposed_node_holds_the_input_with_its_axes_swapped()
    {
        var model = new TransposeNet();
        Randomize(model, 3);
        var random = new Random(4);
        var x = Enumerable.Range(0, Batch * 15).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(Batch);
        model.Forward(ws, x, Batch, new double[Batch * 2]);
        var transposed = ws.Activation(TransposeNet.LayerIndex.transpose1).ToArray();
        Assert.Equal([5, 3], model.Layers[TransposeNet.LayerIndex.transpose1].Shape);
        for (int b = 0; b < Batch; b++)
        {
            for (int r = 0; r < 3; r++)
            {
                for (int c = 0; c < 5; c++) Assert.Equal(x[b * 15 + r * 5 + c], transposed[b * 15 + c * 3 + r]);
            }
        }

        // The head reads the mean over the five positions of tanh(rows(xᵀ)), written out here.
        var weight = model.ParameterTensors.Single(t => t.Name == "rows.weight");
        var bias = model.ParameterTensors.Single(t => t.Name == "rows.bias");
        var mean = ws.Activation(TransposeNet.LayerIndex.mean).ToArray();
        for (int b = 0; b < Batch; b++)
        {
            for (int o = 0; o < 4; o++)
            {
                double sum = 0;
                for (int p = 0; p < 5; p++)
                {
                    double z = model.Parameters[bias.Offset + o];
                    for (int i = 0; i < 3; i++) z += model.Parameters[weight.Offset + o * 3 + i] * x[b * 15 + i * 5 + p];
                    sum += Math.Tanh(z);
                }

                Assert.Equal(sum / 5, mean[b * 4 + o], 12);
            }
        }
    }

    [Fact]
    public void Gradients_and_tangents_through_transposes_match_finite_differences()
    {
        var model = new TransposeNet();
        Randomize(model, 7);
        var check = new GradientCheck(model, Batch, seed: 8);
        double input = check.InputGradientError(), parameters = check.ParameterGradientError(), tangent = check.TangentError(9);
        double layer = check.LayerGradientError(TransposeNet.LayerIndex.transpose1);
        output.WriteLine($"input {input:E2}, parameters {parameters:E2}, tangent {tangent:E2}, at the transpose {layer:E2}");
        Assert.True(input < GradientCheck.Tolerance, $"input gradient error {input:E2}");
        Assert.True(parameters < GradientCheck.Tolerance, $"parameter gradient error {parameters:E2}");
        Assert.True(tangent < GradientCheck.Tolerance, $"tangent error {tangent:E2}");
        Assert.True(layer < GradientCheck.Tolerance, $"gradient error at the transpose {layer:E2}");
        Assert.True(check.DualityError(10) < 1e-12);
    }

    [Fact]
    public void A_token_model_transposes_its_embedding_for_attention_with_correct_gradients()
    {
        var model = new TokenTransposeNet();
        Randomize(model, 12);
        // Ids 1..5 with one PAD (0); only parameters and the embedding's output move, so no mask boundary is crossed.
        var check = new GradientCheck(model, Batch, seed: 13, r => 1 + r.Next(5));
        check.Input[3] = 0;
        double parameters = check.ParameterGradientError();
        double embedding = EmbeddingGradientError(model, check.Input);
        output.WriteLine($"parameters {parameters:E2}, at the embedding {embedding:E2}");
        Assert.True(parameters < GradientCheck.Tolerance, $"parameter gradient error {parameters:E2}");
        Assert.True(embedding < GradientCheck.Tolerance, $"gradient error at the embedding {embedding:E2}");
        Assert.Equal([4, 5], model.Layers[TokenTransposeNet.LayerIndex.embedding].Shape);
        Assert.Equal([5, 4], model.Layers[TokenTransposeNet.LayerIndex.attn].Shape);
        Assert.True(model.Layers[TokenTransposeNet.LayerIndex.transpose1].IsAffine);
    }

    /// <summary>
    /// The gradient of Σ r ⊙ F at the embedding's output against central differences of ForwardFrom. The padding mask
    /// reads the ids from the workspace's input node, so every difference runs in a workspace that has seen the ids.
    /// </summary>
    private static double EmbeddingGradientError(TokenTransposeNet model, double[] ids)
    {
        int layer = TokenTransposeNet.LayerIndex.embedding;
        var random = new Random(14);
        var r = Enumerable.Range(0, Batch * 2).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(Batch);
        var y = new double[Batch * 2];
        model.Forward(ws, ids, Batch, y);
        var activation = ws.Activation(layer).ToArray();
        model.Backward(ws, r, Batch, stopAtLayer: layer);
        var analytic = ws.Gradient(layer).ToArray();

        var probe = model.CreateWorkspace(Batch);
        model.Forward(probe, ids, Batch, y);
        double Loss(double[] a)
        {
            model.ForwardFrom(probe, layer, a, Batch, y);
            return y.Zip(r, (o, w) => o * w).Sum();
        }

        double worst = 0;
        for (int i = 0; i < activation.Length; i++)
        {
            double saved = activation[i];
            activation[i] = saved + GradientCheck.Step;
            double plus = Loss(activation);
            activation[i] = saved - GradientCheck.Step;
            double minus = Loss(activation);
            activation[i] = saved;
            double numeric = (plus - minus) / (2 * GradientCheck.Step);
            worst = Math.Max(worst, Math.Abs(analytic[i] - numeric) / Math.Max(1, Math.Abs(numeric)));
        }

        return worst;
    }

    [Fact]
    public void Float_and_double_agree()
    {
        var model = new TransposeNet();
        var single = new TransposeNetFloat();
        Randomize(model, 21);
        for (int i = 0; i < model.Parameters.Length; i++) single.Parameters[i] = (float)model.Parameters[i];
        var random = new Random(22);
        var x = Enumerable.Range(0, Batch * 15).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var expected = new double[Batch * 2];
        var actual = new float[Batch * 2];
        model.Forward(model.CreateWorkspace(Batch), x, Batch, expected);
        single.Forward(single.CreateWorkspace(Batch), x.Select(v => (float)v).ToArray(), Batch, actual);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
