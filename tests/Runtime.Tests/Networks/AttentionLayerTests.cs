using System.Numerics;
using Axon.Attribution;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// MultiHeadAttention against PyTorch's formula written out as loops (projections with in_proj_weight [3E, E], heads
/// split along the width, scores scaled by 1/√(E/heads), softmax over the allowed keys, out_proj), the reverse and
/// forward modes against central differences, and the encoder block with a layer shared between two applications.
/// </summary>
public sealed class AttentionLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Batch = 2;

    private static void Randomize<T>(IDifferentiableModel<T> model, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = T.CreateChecked(random.NextDouble() * 1.6 - 0.8);
    }

    private static double[] Parameter(IDifferentiableModel<double> model, string name)
    {
        var tensor = model.ParameterTensors.Single(t => t.Name == name);
        return model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
    }

    /// <summary>
    /// One sample [L, E] through PyTorch's multi_head_attention_forward with query = key = value: q, k, v are the
    /// three row blocks of in_proj_weight applied to x, heads take consecutive columns, and masked keys get −∞.
    /// </summary>
    private static double[] NaiveAttention(double[] x, int length, int embed, int heads, double[] inWeight, double[]? inBias,
        double[] outWeight, double[]? outBias, bool causal, double[]? ids = null, double pad = 0)
    {
        int d = embed / heads;
        double Project(int block, int position, int column)
        {
            int row = block * embed + column;
            double sum = inBias?[row] ?? 0;
            for (int e = 0; e < embed; e++) sum += inWeight[row * embed + e] * x[position * embed + e];
            return sum;
        }

        var attended = new double[length * embed];
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < length; i++)
            {
                var scores = new double[length];
                for (int j = 0; j < length; j++)
                {
                    bool masked = (causal && j > i) || (ids is not null && ids[j] == pad);
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += Project(0, i, h * d + c) * Project(1, j, h * d + c);
                    scores[j] = masked ? double.NegativeInfinity : dot / Math.Sqrt(d);
                }

                double max = scores.Max();
                double total = scores.Sum(s => Math.Exp(s - max));
                for (int j = 0; j < length; j++)
                {
                    double weight = Math.Exp(scores[j] - max) / total;
                    for (int c = 0; c < d; c++) attended[i * embed + h * d + c] += weight * Project(2, j, h * d + c);
                }
            }
        }

        var y = new double[length * embed];
        for (int i = 0; i < length; i++)
        {
            for (int o = 0; o < embed; o++)
            {
                double sum = outBias?[o] ?? 0;
                for (int e = 0; e < embed; e++) sum += outWeight[o * embed + e] * attended[i * embed + e];
                y[i * embed + o] = sum;
            }
        }

        return y;
    }

    [Fact]
    public void Parameters_have_nn_MultiheadAttentions_names_and_shapes()
    {
        var model = new AttentionNet();
        var tensors = model.ParameterTensors.Where(t => t.Name.StartsWith("attn.", StringComparison.Ordinal) || t.Name.StartsWith("plain.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias", "plain.in_proj_weight", "plain.out_proj.weight" }, tensors.Select(t => t.Name));
        Assert.Equal(new[] { 18, 6 }, tensors[0].Shape.ToArray());
        Assert.Equal(new[] { 18 }, tensors[1].Shape.ToArray());
        Assert.Equal(new[] { 6, 6 }, tensors[2].Shape.ToArray());
        Assert.All(Parameter(model, "attn.in_proj_bias"), v => Assert.Equal(0.0, v));
        Assert.All(Parameter(model, "attn.in_proj_weight"), v => Assert.InRange(v, -Math.Sqrt(6.0 / 24), Math.Sqrt(6.0 / 24)));
    }

    [Fact]
    public void Forward_matches_PyTorchs_formula_written_as_loops()
    {
        var model = new AttentionNet();
        Randomize(model, 3);
        var random = new Random(4);
        var x = Enumerable.Range(0, Batch * 24).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(Batch);
        model.Forward(ws, x, Batch, new double[Batch * 3]);

        double worst = 0;
        for (int b = 0; b < Batch; b++)
        {
            var sample = x.Skip(b * 24).Take(24).ToArray();
            var first = NaiveAttention(sample, 4, 6, 2, Parameter(model, "attn.in_proj_weight"), Parameter(model, "attn.in_proj_bias"),
                Parameter(model, "attn.out_proj.weight"), Parameter(model, "attn.out_proj.bias"), causal: false);
            var second = NaiveAttention(first, 4, 6, 3, Parameter(model, "causal.in_proj_weight"), Parameter(model, "causal.in_proj_bias"),
                Parameter(model, "causal.out_proj.weight"), Parameter(model, "causal.out_proj.bias"), causal: true);
            var third = NaiveAttention(second, 4, 6, 1, Parameter(model, "plain.in_proj_weight"), null, Parameter(model, "plain.out_proj.weight"), null, causal: false);
            foreach (var (expected, layer) in new[] { (first, AttentionNet.LayerIndex.attn), (second, AttentionNet.LayerIndex.causal), (third, AttentionNet.LayerIndex.plain) })
            {
                var actual = ws.Activation(layer).Slice(b * 24, 24).ToArray();
                worst = Math.Max(worst, expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
            }
        }

        output.WriteLine($"largest difference from the loops: {worst:E2}");
        Assert.True(worst < 1e-12, $"attention differs from the loops by {worst:E2}");
    }

    [Fact]
    public void The_padding_mask_hides_keys_whose_id_is_the_pad_id()
    {
        var model = new PaddedAttentionNet();
        Randomize(model, 5);
        // Sample 0 ends in two pads; sample 1 has a pad in the middle.
        double[] ids = [3, 1, 4, 0, 0, 2, 0, 5, 1, 1];
        var ws = model.CreateWorkspace(Batch);
        model.Forward(ws, ids, Batch, new double[Batch * 2]);
        var lift = ws.Activation(PaddedAttentionNet.LayerIndex.lift).ToArray();
        double worst = 0;
        for (int b = 0; b < Batch; b++)
        {
            var expected = NaiveAttention(lift.Skip(b * 30).Take(30).ToArray(), 5, 6, 2, Parameter(model, "attn.in_proj_weight"), Parameter(model, "attn.in_proj_bias"),
                Parameter(model, "attn.out_proj.weight"), Parameter(model, "attn.out_proj.bias"), causal: false, ids.Skip(b * 5).Take(5).ToArray(), pad: 0);
            var actual = ws.Activation(PaddedAttentionNet.LayerIndex.attn).Slice(b * 30, 30).ToArray();
            worst = Math.Max(worst, expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
        }

        Assert.True(worst < 1e-12, $"masked attention differs from the loops by {worst:E2}");

        // A pad's value changes nothing that attends to it: moving the padded positions' values moves no output.
        var before = ws.Activation(PaddedAttentionNet.LayerIndex.attn).ToArray();
        var lifted = ws.Activation(PaddedAttentionNet.LayerIndex.lift).ToArray();
        lifted[3 * 6 + 2] += 1; // sample 0, position 3 (a pad)
        var ws2 = model.CreateWorkspace(Batch);
        model.Forward(ws2, ids, Batch, new double[Batch * 2]);
        model.ForwardFrom(ws2, PaddedAttentionNet.LayerIndex.lift, lifted, Batch, new double[Batch * 2]);
        var after = ws2.Activation(PaddedAttentionNet.LayerIndex.attn).ToArray();
        for (int i = 0; i < 5; i++)
        {
            if (i == 3) continue;
            for (int e = 0; e < 6; e++) Assert.Equal(before[i * 6 + e], after[i * 6 + e], 12);
        }
    }

    public static TheoryData<string> Networks => new() { nameof(AttentionNet), nameof(EncoderNet) };

    private static GradientCheck Check(string name)
    {
        IDifferentiableModel<double> model = name == nameof(AttentionNet) ? new AttentionNet() : new EncoderNet();
        Randomize(model, 11);
        return new GradientCheck(model, Batch, seed: 5);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        double error = Check(name).ParameterGradientError();
        output.WriteLine($"{name}: max relative parameter-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: parameter gradient error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Input_gradients_match_finite_differences(string name)
    {
        double error = Check(name).InputGradientError();
        output.WriteLine($"{name}: max relative input-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: input gradient error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Tangents_of_every_layer_match_finite_differences(string name)
    {
        var check = Check(name);
        double error = check.TangentError(seed: 3);
        output.WriteLine($"{name}: max relative tangent error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: tangent error {error:E2}");
        Assert.True(check.DualityError(4) < 1e-12);
    }

    [Fact]
    public void Padded_attention_parameter_gradients_match_finite_differences()
    {
        var model = new PaddedAttentionNet();
        Randomize(model, 12);
        // Ids in 0..3: pads (0) appear, and no finite-difference step crosses a mask boundary because only parameters move.
        double error = new GradientCheck(model, Batch, seed: 6, r => r.Next(4)).ParameterGradientError();
        output.WriteLine($"max relative parameter-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"parameter gradient error {error:E2}");
    }

    [Fact]
    public void The_shared_attention_and_norm_gradients_are_the_sums_over_both_applications()
    {
        // The encoder applies attn and ln1 twice; their parameter gradient must be the sum of both uses, which the
        // finite differences above check as a whole. Here: the shared tensors are laid out once.
        var model = new EncoderNet();
        Assert.Single(model.ParameterTensors, t => t.Name == "attn.in_proj_weight");
        Assert.Single(model.ParameterTensors, t => t.Name == "ln1.weight");
        var check = Check(nameof(EncoderNet));
        Assert.True(check.ParameterGradientError() < GradientCheck.Tolerance);
    }

    [Fact]
    public void Float_attention_matches_double()
    {
        var reference = new AttentionNet();
        var model = new AttentionNetFloat();
        Randomize(reference, 13);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)reference.Parameters[i];
        var random = new Random(14);
        var x = Enumerable.Range(0, Batch * 24).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var wsd = reference.CreateWorkspace(Batch);
        var wsf = model.CreateWorkspace(Batch);
        var yd = new double[Batch * 3];
        var yf = new float[Batch * 3];
        reference.Forward(wsd, x, Batch, yd);
        model.Forward(wsf, x.Select(v => (float)v).ToArray(), Batch, yf);
        double[] seed = [1, -1, 0.5, 0.25, 2, -0.5];
        reference.Backward(wsd, seed, Batch);
        model.Backward(wsf, seed.Select(v => (float)v).ToArray(), Batch);
        double outputError = yd.Zip(yf, (d, f) => Math.Abs(d - f)).Max();
        double gradientError = wsd.Gradient(0).ToArray().Zip(wsf.Gradient(0).ToArray(), (d, f) => Math.Abs(d - f)).Max();
        output.WriteLine($"float vs double: output {outputError:E2}, input gradient {gradientError:E2}");
        Assert.True(outputError < 1e-4 && gradientError < 1e-3, $"float differs: output {outputError:E2}, gradient {gradientError:E2}");
    }

    [Fact]
    public void DeepLIFT_is_refused_through_attention()
    {
        var model = new AttentionNet();
        var engine = new Attributor<double>(model);
        var e = Assert.Throws<NotSupportedException>(() => engine.DeepLift(0, new double[24], 0, Baseline<double>.Zero, new double[24]));
        Assert.Contains("'attn' (MultiHeadAttention)", e.Message);
    }
}
