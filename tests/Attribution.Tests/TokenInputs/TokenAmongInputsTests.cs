using Axon.Model;
using static Axon.Attribution.Tests.LayerLists.ChainNetwork;

namespace Axon.Attribution.Tests.TokenInputs;

/// <summary>
/// Token ids among several inputs: Integrated Gradients runs in embedding space for the ids (one value per token) and in
/// input space for the metadata, with the fixed mask at 0; so do internal influence at the embedding and neuron conductance. Checked against
/// central differences of the network's forward along the same joint path — G(e, meta): the forward with the embedding's
/// output set to e by a tap, no backward pass involved — integrated with a 400-step midpoint rule, and against
/// completeness across the inputs: Σ over tokens and metadata = F(x) − F(x′).
/// </summary>
public sealed class TokenAmongInputsTests
{
    private const int Tokens = 5, Width = 3, Size = Tokens * Width;
    private static readonly IntegrationOptions Gauss = new() { Steps = 32 };

    // Packed rows: tokens (5 ids) at 0, meta (3) at 5, mask (3, fixed) at 8.
    private static readonly double[] X = [1, 4, 2, 5, 3, 0.7, -1.1, 0.4, 1.0, 0.5, -2.0, 2, 2, 0, 1, 4, -0.3, 0.8, 1.2, 1.0, 1.0, 1.0];
    private static readonly double[] Reference = [0, 0, 0, 0, 0, 0.1, 0.2, -0.1, 0, 0, 0]; // PAD ids; its mask is ignored

    private static TokensAndMeta Seeded()
    {
        var model = new TokensAndMeta();
        var random = new Random(17);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.8;
        return model;
    }

    /// <summary>F_class at (ids of <paramref name="row"/>, the embedding replaced by <paramref name="e"/>, the other inputs of <paramref name="row"/>).</summary>
    private static double G(TokensAndMeta model, ModelWorkspace<double> ws, double[] row, double[] e, int target)
    {
        ws.SetIntervention(TokensAndMeta.LayerIndex.embedding, Enumerable.Repeat(true, Size).ToArray(), e);
        var output = new double[2];
        model.Forward(ws, row, 1, output);
        ws.ClearIntervention(TokensAndMeta.LayerIndex.embedding);
        return output[target];
    }

    private static double[] Embedded(TokensAndMeta model, ModelWorkspace<double> ws, double[] row)
    {
        model.Forward(ws, row, 1, new double[2]);
        return ws.Activation(TokensAndMeta.LayerIndex.embedding).ToArray();
    }

    /// <summary>
    /// Per token l: ∫ d/dε G(e(α) + εΔe|_l, meta(α)) dα; per metadata value i: (x_i − x′_i)·∫ ∂G/∂meta_i dα; the mask 0.
    /// </summary>
    private static double[] BruteForceIg(TokensAndMeta model, double[] x, double[] reference, int target, int steps = 400, double h = 1e-5)
    {
        var ws = model.CreateWorkspace(1);
        var pinned = (double[])reference.Clone();
        for (int i = 8; i < 11; i++) pinned[i] = x[i];
        var e1 = Embedded(model, ws, x);
        var e0 = Embedded(model, ws, pinned);
        var result = new double[11];
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            var row = x.Select((v, i) => i < Tokens ? v : pinned[i] + alpha * (v - pinned[i])).ToArray();
            var e = Lerp(e0, e1, alpha);
            for (int l = 0; l < Tokens; l++)
            {
                var up = (double[])e.Clone();
                var down = (double[])e.Clone();
                for (int d = 0; d < Width; d++)
                {
                    up[d * Tokens + l] += h * (e1[d * Tokens + l] - e0[d * Tokens + l]);
                    down[d * Tokens + l] -= h * (e1[d * Tokens + l] - e0[d * Tokens + l]);
                }

                result[l] += (G(model, ws, row, up, target) - G(model, ws, row, down, target)) / (2 * h) / steps;
            }

            for (int i = 5; i < 8; i++)
            {
                var up = (double[])row.Clone();
                var down = (double[])row.Clone();
                up[i] += h;
                down[i] -= h;
                result[i] += (x[i] - pinned[i]) * (G(model, ws, up, e, target) - G(model, ws, down, e, target)) / (2 * h) / steps;
            }
        }

        return result;
    }

    [Fact]
    public void Integrated_gradients_are_per_token_in_embedding_space_and_per_value_elsewhere()
    {
        var model = Seeded();
        var engine = new Attributor<double>(model, stepBatch: 7);
        var ig = new double[22];
        var errors = new double[2];
        var report = engine.IntegratedGradients(X, new[] { 1, 0 }, Baseline<double>.Shared(Reference), ig, Gauss, errors);
        for (int b = 0; b < 2; b++)
        {
            var x = X.AsSpan(b * 11, 11).ToArray();
            var expected = BruteForceIg(model, x, Reference, 1 - b);
            Check.Close(expected, ig.AsSpan(b * 11, 11), 1e-6, $"input {b}");
            Assert.Equal(0.0, ig[b * 11 + 8]);
            Assert.Equal(0.0, ig[b * 11 + 10]);

            // Completeness across the inputs: the pinned baseline keeps x's mask.
            var pinned = (double[])Reference.Clone();
            for (int i = 8; i < 11; i++) pinned[i] = x[i];
            var scores = new double[2];
            engine.TargetScores([.. x, .. pinned], 1 - b, scores);
            double change = scores[0] - scores[1];
            Check.Close(change, Check.Sum(ig.AsSpan(b * 11, 11)), 1e-9, "Σ = F(x) − F(x′)");
            Check.Close(Check.Sum(ig.AsSpan(b * 11, 11)) - change, errors[b], 1e-12, "the reported error");
        }

        Assert.Equal(Completeness.Holds, report.Completeness);
        Assert.True(report.MaxRelativeQuadratureError < 1e-9, $"{report.MaxRelativeQuadratureError}");
    }

    [Fact]
    public void Internal_influence_at_the_embedding_is_the_mean_gradient_along_the_joint_path()
    {
        var model = Seeded();
        var engine = new Attributor<double>(model);
        var x = X.AsSpan(0, 11).ToArray();
        var influence = new double[Size];
        engine.InternalInfluence(TokensAndMeta.LayerIndex.embedding, x, 1, Baseline<double>.Shared(Reference), influence, Gauss);

        var ws = model.CreateWorkspace(1);
        var pinned = (double[])Reference.Clone();
        for (int i = 8; i < 11; i++) pinned[i] = x[i];
        var e1 = Embedded(model, ws, x);
        var e0 = Embedded(model, ws, pinned);
        var expected = Midpoint(alpha =>
        {
            var row = x.Select((v, i) => i < Tokens ? v : pinned[i] + alpha * (v - pinned[i])).ToArray();
            var e = Lerp(e0, e1, alpha);
            var g = new double[Size];
            for (int j = 0; j < Size; j++)
            {
                var up = (double[])e.Clone();
                var down = (double[])e.Clone();
                up[j] += 1e-5;
                down[j] -= 1e-5;
                g[j] = (G(model, ws, row, up, 1) - G(model, ws, row, down, 1)) / 2e-5;
            }

            return g;
        }, steps: 300);
        Check.Close(expected, influence, 1e-6, "∫∂F/∂e");

        // Above the embedding the influence runs the same path; below it (the ids) there is no gradient.
        var conv = new double[model.Layers[TokensAndMeta.LayerIndex.conv].Size];
        engine.InternalInfluence(TokensAndMeta.LayerIndex.conv, x, 1, Baseline<double>.Shared(Reference), conv, Gauss);
        Assert.Contains(conv, v => v != 0);
        Assert.Throws<NotSupportedException>(() => engine.InternalInfluence(TokensAndMeta.LayerIndex.tokens, x, 1, Baseline<double>.Shared(Reference), new double[5], Gauss));
    }

    [Fact]
    public void Neuron_conductance_through_the_token_branch_splits_its_tokens_IG_and_leaves_the_metadata_at_zero()
    {
        // Every token's influence flows through act, the metadata's never: conductance through all of act's neurons is the
        // tokens' IG (checked against central differences above) and 0 on the metadata; through a split of act into two
        // sets it adds up. Its quadrature error is the path's, as IG's.
        var model = Seeded();
        var engine = new Attributor<double>(model, stepBatch: 5);
        int width = model.Layers[TokensAndMeta.LayerIndex.act].Size;
        int[] all = [.. Enumerable.Range(0, width)], low = [.. all.Where(j => j % 3 == 0)], high = [.. all.Where(j => j % 3 != 0)];
        var ig = new double[22];
        var igErrors = new double[2];
        engine.IntegratedGradients(X, 1, Baseline<double>.Shared(Reference), ig, Gauss, igErrors);
        var through = new double[22];
        var errors = new double[2];
        engine.NeuronConductance(TokensAndMeta.LayerIndex.act, all, X, 1, Baseline<double>.Shared(Reference), through, Gauss, errors);
        for (int b = 0; b < 2; b++)
        {
            Check.Close(ig.AsSpan(b * 11, Tokens), through.AsSpan(b * 11, Tokens), 1e-12, "tokens");
            Check.Close(new double[6], through.AsSpan(b * 11 + Tokens, 6), 1e-15, "metadata and mask");
        }

        Check.Close(igErrors, errors, 1e-12, "quadrature error");
        var first = new double[22];
        var second = new double[22];
        engine.NeuronConductance(TokensAndMeta.LayerIndex.act, low, X, 1, Baseline<double>.Shared(Reference), first, Gauss);
        engine.NeuronConductance(TokensAndMeta.LayerIndex.act, high, X, 1, Baseline<double>.Shared(Reference), second, Gauss);
        Check.Close(through, first.Zip(second, (a, c) => a + c).ToArray(), 1e-12, "additive over neuron sets");
        Assert.Contains(first, v => Math.Abs(v) > 1e-6);

        // Through meta_fc only the metadata flows.
        var meta = new double[22];
        engine.NeuronConductance(TokensAndMeta.LayerIndex.meta_fc, [0, 1], X, 1, Baseline<double>.Shared(Reference), meta, Gauss);
        for (int b = 0; b < 2; b++)
        {
            Check.Close(new double[Tokens], meta.AsSpan(b * 11, Tokens), 1e-15, "no token");
            Check.Close(ig.AsSpan(b * 11 + Tokens, 3), meta.AsSpan(b * 11 + Tokens, 3), 1e-12, "the metadata's IG");
        }
    }

    [Fact]
    public void The_float_model_gives_the_double_models_values()
    {
        var model = Seeded();
        var twin = new TokensAndMetaF();
        for (int i = 0; i < model.Parameters.Length; i++) twin.Parameters[i] = (float)model.Parameters[i];
        var ig = new double[22];
        new Attributor<double>(model).IntegratedGradients(X, 0, Baseline<double>.Shared(Reference), ig, Gauss);
        var single = new float[22];
        var errors = new float[2];
        new Attributor<float>(twin).IntegratedGradients(Cast<float>(X), 0, Baseline<float>.Shared(Cast<float>(Reference)), single, Gauss, errors);
        Check.Close(ig, Double<float>(single), 2e-5, "float");
        Assert.All(errors, e => Assert.True(Math.Abs(e) < 1e-4, $"{e}"));

        var neuron = new double[22];
        new Attributor<double>(model).NeuronConductance(TokensAndMeta.LayerIndex.act, [1, 4, 6], X, 0, Baseline<double>.Shared(Reference), neuron, Gauss);
        var neuronSingle = new float[22];
        new Attributor<float>(twin).NeuronConductance(TokensAndMetaF.LayerIndex.act, [1, 4, 6], Cast<float>(X), 0, Baseline<float>.Shared(Cast<float>(Reference)), neuronSingle, Gauss);
        Check.Close(neuron, Double<float>(neuronSingle), 2e-5, "float neuron conductance");
    }

    [Fact]
    public void Methods_that_move_the_ids_or_need_a_tangent_through_the_embedding_refuse_up_front()
    {
        var engine = new Attributor<double>(Seeded());
        var x = X.AsSpan(0, 11).ToArray();
        var result = new double[11];
        var error = Assert.Throws<NotSupportedException>(() => engine.LayerConductance(TokensAndMeta.LayerIndex.conv, x, 0, Baseline<double>.Shared(Reference), new double[8], Gauss));
        Assert.Contains("IntegratedGradients", error.Message);
        Assert.Throws<NotSupportedException>(() => engine.NeuronConductance(TokensAndMeta.LayerIndex.conv, 1, x, 0, Baseline<double>.Shared(Reference), result, multiplyByInputs: false, Gauss));
        Assert.Throws<NotSupportedException>(() => engine.GradientShap(x, 0, Baseline<double>.Shared(Reference), result, samples: 2));
        Assert.Throws<NotSupportedException>(() => engine.NeuronIntegratedGradients(TokensAndMeta.LayerIndex.conv, 1, x, Baseline<double>.Shared(Reference), result));
        Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(x, 0, Baseline<double>.Shared(Reference), result, multiplyByInputs: false));
        Assert.Throws<ArgumentException>(() => engine.IntegratedGradients(x, 0, Baseline<double>.Shared(Reference), result, new IntegrationOptions { Tolerance = 1e-3 }));
        Assert.All(result, v => Assert.Equal(0.0, v));

        // Methods that evaluate the ids as given keep working: DeepLIFT at the cut after both branches sums to ΔF.
        var gaps = new double[1];
        var mix = new double[2];
        engine.DeepLift(TokensAndMeta.LayerIndex.mix, x, 0, Baseline<double>.Shared(Reference), mix, gaps);
        Assert.True(Math.Abs(gaps[0]) < 1e-12, $"gap {gaps[0]}");
        Assert.Contains(mix, v => v != 0);
    }
}
