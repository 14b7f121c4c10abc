using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// Models whose input is token ids (fed to an Embedding): the path runs in embedding space, from the baseline tokens'
/// embeddings to the input's, and layer conductance at the embedding attributes every token and embedding element.
/// What does not run that way yet refuses up front, naming the embedding, and writes nothing.
/// </summary>
public class TokenInputTests
{
    private static readonly double[] Tokens = [3, 0, 11, 5, 5, 2, 7];

    [Fact]
    public void LayerConductanceAtTheEmbeddingIsCompleteInEmbeddingSpace()
    {
        var model = new DlEmbedding();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        int embedding = DlEmbedding.LayerIndex.embedding, size = model.Layers[embedding].Size;
        var conductance = new double[size];
        var deltas = new double[1];
        var options = new IntegrationOptions { Rule = IntegrationRule.RiemannMiddle, Steps = 2000 };
        // Baseline: the PAD token 0 at every position.
        var report = engine.LayerConductance(embedding, Tokens, 1, Baseline<double>.Zero, conductance, options, deltas);

        var scores = new double[1];
        var reference = new double[1];
        engine.TargetScores(Tokens, 1, scores);
        engine.TargetScores(new double[DlEmbedding.InputSize], 1, reference);
        double change = scores[0] - reference[0], sum = conductance.Sum();
        Assert.True(report.DeltaIsCompletenessGap);
        Assert.Equal(sum - change, deltas[0], 10);                            // the delta is the completeness gap
        Assert.True(Math.Abs(deltas[0]) <= 1e-3 * Math.Abs(change), $"Σ {sum} vs F(x) − F(x′) {change}");

        // Per token: the embedding width summed; the tokens' totals add up to the whole.
        var perToken = new double[DlEmbedding.InputSize];
        new LayerScores<double>(model.Layers[embedding], conductance).SumPerPosition(perToken);
        Assert.Equal(sum, perToken.Sum(), 10);
    }

    [Fact]
    public void APlantedTokenGetsTheAttribution()
    {
        // Only token 5 has a non-zero embedding, and only class 1 reads the pooled features: the output moves because
        // of the positions holding token 5, and the attribution must land there and nowhere else.
        var model = new DlEmbedding();
        var p = model.Parameters;
        p.Clear();
        foreach (var tensor in model.ParameterTensors)
        {
            var values = p.Slice(tensor.Offset, tensor.Length);
            switch (tensor.Name)
            {
                case "embedding.weight": values.Slice(5 * 4, 4).Fill(1.5); break;
                case "conv.weight": values.Fill(0.25); break;
                case "fc.weight": values.Slice(3, 3).Fill(1.0); break;   // row of class 1
            }
        }

        var engine = new Attributor<double>(model);
        int embedding = DlEmbedding.LayerIndex.embedding;
        var conductance = new double[model.Layers[embedding].Size];
        double[] tokens = [1, 2, 5, 3, 4, 0, 6];
        engine.LayerConductance(embedding, tokens, 1, Baseline<double>.Zero, conductance, new IntegrationOptions { Steps = 64 });

        var perToken = new double[DlEmbedding.InputSize];
        new LayerScores<double>(model.Layers[embedding], conductance).SumPerPosition(perToken);
        Assert.True(perToken[2] > 0.1, $"token 5 at position 2 got {perToken[2]}");
        for (int position = 0; position < perToken.Length; position++)
        {
            if (position != 2) Assert.Equal(0.0, perToken[position]);
        }
    }

    [Fact]
    public void WhatDoesNotRunInEmbeddingSpaceYetRefusesUpFrontAndWritesNothing()
    {
        var model = new DlEmbedding();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        var result = Enumerable.Repeat(42.0, DlEmbedding.InputSize).ToArray();
        var layer = new double[model.Layers[DlEmbedding.LayerIndex.conv].Size];

        var ig = Assert.Throws<NotSupportedException>(() => engine.IntegratedGradients(Tokens, 1, Baseline<double>.Zero, result));
        Assert.Contains("Embedding layer 'embedding'", ig.Message);
        Assert.Contains($"LayerConductance at layer {DlEmbedding.LayerIndex.embedding}", ig.Message);
        Assert.DoesNotContain("holds", ig.Message);
        Assert.All(result, value => Assert.Equal(42.0, value));
        Assert.Throws<NotSupportedException>(() => engine.LayerConductance(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, layer));
        Assert.Throws<NotSupportedException>(() => engine.InternalInfluence(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, layer));

        // The engine is not left in use: a method that works on token models still runs.
        engine.LayerGradientTimesActivation(DlEmbedding.LayerIndex.conv, Tokens, 1, layer);
        Assert.Contains(layer, value => value != 0);
    }
}
