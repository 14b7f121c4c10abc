using Axon.Attribution;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// Token attribution through attention that masks PAD keys: the mask reads the model input's ids, and a path in
/// embedding space keeps the explained input's ids (its mask) at every step and at both ends, as Captum keeps BERT's
/// attention_mask while the baseline replaces the tokens. F(x′) is therefore the all-PAD embedding run onward with
/// the input's ids, which the test computes itself with ForwardFrom.
/// </summary>
public sealed class PaddedTokenAttributionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Count = 3;
    private static readonly double[] Ids = [1, 4, 2, 0, 0, 3, 5, 5, 1, 0, 2, 2, 2, 2, 2];
    private static readonly double[] PadBaseline = new double[5];

    private static TokenTransposeNet Model()
    {
        var model = new TokenTransposeNet();
        var random = new Random(31);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 1.6 - 0.8;
        return model;
    }

    /// <summary>F(x) − F(x′) of output 1, with F(x′) the all-PAD embedding run onward under input b's ids.</summary>
    private static double[] ExpectedChange(TokenTransposeNet model)
    {
        var ws = model.CreateWorkspace(Count);
        var y = new double[Count * 2];
        model.Forward(ws, Enumerable.Repeat(0.0, Count * 5).ToArray(), Count, y);
        var padEmbedding = ws.Activation(TokenTransposeNet.LayerIndex.embedding).ToArray();
        var fx = new double[Count * 2];
        model.Forward(ws, Ids, Count, fx);
        var fr = new double[Count * 2];
        model.ForwardFrom(ws, TokenTransposeNet.LayerIndex.embedding, padEmbedding, Count, fr);
        return [.. Enumerable.Range(0, Count).Select(b => fx[2 * b + 1] - fr[2 * b + 1])];
    }

    [Fact]
    public void Layer_IG_at_the_embedding_against_an_all_PAD_baseline_is_complete()
    {
        var model = Model();
        var attributor = new Attributor<double>(model);
        int size = model.Layers[TokenTransposeNet.LayerIndex.embedding].Size;
        var scores = new double[Count * size];
        var gaps = new double[Count];
        attributor.LayerIntegratedGradients(TokenTransposeNet.LayerIndex.embedding, Ids, 1, Baseline<double>.Shared(PadBaseline), scores,
            new IntegrationOptions { Steps = 64 }, gaps);
        var expected = ExpectedChange(model);
        for (int b = 0; b < Count; b++)
        {
            double sum = scores.AsSpan(b * size, size).ToArray().Sum();
            output.WriteLine($"input {b}: Σ LIG {sum:F10}, F(x) − F(x′) {expected[b]:F10}, reported gap {gaps[b]:E2}");
            Assert.Equal(expected[b], sum, 1e-8);
            Assert.Equal(sum - expected[b], gaps[b], 1e-8);
        }
    }

    [Fact]
    public void Conductance_above_the_attention_is_complete_and_keeps_the_inputs_mask()
    {
        var model = Model();
        var attributor = new Attributor<double>(model);
        int size = model.Layers[TokenTransposeNet.LayerIndex.attn].Size;
        var scores = new double[Count * size];
        var gaps = new double[Count];
        attributor.LayerConductance(TokenTransposeNet.LayerIndex.attn, Ids, 1, Baseline<double>.Shared(PadBaseline), scores,
            new IntegrationOptions { Steps = 64 }, completenessGaps: gaps);
        var expected = ExpectedChange(model);
        for (int b = 0; b < Count; b++)
        {
            double sum = scores.AsSpan(b * size, size).ToArray().Sum();
            output.WriteLine($"input {b}: Σ conductance {sum:F10}, F(x) − F(x′) {expected[b]:F10}, reported gap {gaps[b]:E2}");
            Assert.Equal(expected[b], sum, 1e-8);
            Assert.True(Math.Abs(gaps[b]) < 1e-8, $"input {b}: completeness gap {gaps[b]:E2}");
        }
    }
}
