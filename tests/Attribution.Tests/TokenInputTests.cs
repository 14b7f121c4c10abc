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
    public void IntegratedGradientsOnTokensIsPerTokenIgInEmbeddingSpace()
    {
        // Reference, independent of the engine and of the model's backward: Δe ⊙ ∫ ∇_e F(e(α)) dα with the gradient from
        // central differences of ForwardFrom(embedding), midpoint rule on 400 steps, summed over each token's width.
        var model = new DlEmbedding();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        double[] pad = [.. Enumerable.Repeat(1.0, DlEmbedding.InputSize)]; // PAD = token 1
        var expected = EmbeddingSpaceIg(model, Tokens, pad, classIndex: 1, steps: 400);

        var ig = new double[DlEmbedding.InputSize];
        var errors = new double[1];
        var report = engine.IntegratedGradients(Tokens, 1, Baseline<double>.Shared(pad), ig, new IntegrationOptions { Steps = 50 }, errors);

        for (int l = 0; l < ig.Length; l++) Assert.Equal(expected[l], ig[l], 5);
        Assert.Equal(Completeness.Holds, report.Completeness);
        double change = Score(engine, Tokens) - Score(engine, pad);
        Assert.Equal(ig.Sum() - change, errors[0], 10);
        Assert.True(Math.Abs(ig.Sum() - change) <= 1e-8 * Math.Abs(change), $"Σ IG {ig.Sum()} vs F(x) − F(x′) {change}");
    }

    [Fact]
    public void PlantedTokenGetsTheIntegratedGradients()
    {
        var model = PlantedModel();
        var engine = new Attributor<double>(model);
        var ig = new double[DlEmbedding.InputSize];
        engine.IntegratedGradients(PlantedTokens, 1, Baseline<double>.Zero, ig, new IntegrationOptions { Steps = 64 });
        Assert.True(ig[2] > 0.1, $"token 5 at position 2 got {ig[2]}");
        for (int position = 0; position < ig.Length; position++)
        {
            if (position != 2) Assert.Equal(0.0, ig[position]);
        }
    }

    [Fact]
    public void LayerConductanceAboveTheEmbeddingMatchesFiniteDifferencesAndIsComplete()
    {
        var model = new DlEmbedding();
        model.ResetParameters(3);
        var engine = new Attributor<double>(model);
        int conv = DlEmbedding.LayerIndex.conv, size = model.Layers[conv].Size;
        var conductance = new double[size];
        var gaps = new double[1];
        var report = engine.LayerConductance(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, conductance, new IntegrationOptions { Steps = 64 }, default, gaps);

        var expected = ConductanceByDifferences(model, Tokens, new double[DlEmbedding.InputSize], conv, classIndex: 1, steps: 400);
        for (int j = 0; j < size; j++) Assert.Equal(expected[j], conductance[j], 4);
        double change = Score(engine, Tokens) - Score(engine, new double[DlEmbedding.InputSize]);
        Assert.Equal(Completeness.Holds, report.Completeness);
        Assert.Equal(conductance.Sum() - change, gaps[0], 10);
        Assert.True(Math.Abs(gaps[0]) <= 1e-3 * Math.Abs(change));
    }

    [Fact]
    public void NeuronConductanceOnTokensAddsUpToTheNeuronsLayerConductance()
    {
        var model = new DlEmbedding();
        model.ResetParameters(5);
        var engine = new Attributor<double>(model);
        int conv = DlEmbedding.LayerIndex.conv, size = model.Layers[conv].Size;
        var options = new IntegrationOptions { Steps = 32 };
        var conductance = new double[size];
        engine.LayerConductance(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, conductance, options);
        int[] neurons = [0, 4, 7];
        var perToken = new double[DlEmbedding.InputSize];
        engine.NeuronConductance(DlEmbedding.LayerIndex.conv, neurons, Tokens, 1, Baseline<double>.Zero, perToken, options);
        Assert.Equal(neurons.Sum(j => conductance[j]), perToken.Sum(), 10);

        // At the embedding itself, through a few elements.
        int embedding = DlEmbedding.LayerIndex.embedding;
        var embeddingConductance = new double[model.Layers[embedding].Size];
        engine.LayerConductance(embedding, Tokens, 1, Baseline<double>.Zero, embeddingConductance, options);
        int[] elements = [1, 9, 20];
        engine.NeuronConductance(embedding, elements, Tokens, 1, Baseline<double>.Zero, perToken, options);
        Assert.Equal(elements.Sum(j => embeddingConductance[j]), perToken.Sum(), 10);
    }

    [Fact]
    public void PatchIgAtTheEmbeddingSplitsItsConductanceByTokenRegion()
    {
        var model = new DlEmbedding();
        model.ResetParameters(7);
        var engine = new Attributor<double>(model);
        int embedding = DlEmbedding.LayerIndex.embedding, size = model.Layers[embedding].Size;
        var options = new IntegrationOptions { Steps = 32 };
        var conductance = new double[size];
        engine.LayerConductance(embedding, Tokens, 1, Baseline<double>.Zero, conductance, options);
        InputRegion[] regions = [InputRegion.Range(0, 3), InputRegion.Range(3, 4)];
        var patches = new double[regions.Length * size];
        engine.PatchIntegratedGradients(embedding, regions, Tokens, 1, Baseline<double>.Zero, patches, options);
        for (int j = 0; j < size; j++)
        {
            int position = j % DlEmbedding.InputSize;
            Assert.Equal(position < 3 ? conductance[j] : 0.0, patches[j], 12);
            Assert.Equal(position < 3 ? 0.0 : conductance[j], patches[size + j], 12);
        }
    }

    [Fact]
    public void WhatHasNoMeaningOnTokenIdsRefusesUpFrontAndWritesNothing()
    {
        var model = new DlEmbedding();
        model.ResetParameters(1);
        var engine = new Attributor<double>(model);
        var layer = Enumerable.Repeat(42.0, model.Layers[DlEmbedding.LayerIndex.conv].Size).ToArray();
        var ids = Enumerable.Repeat(42.0, DlEmbedding.InputSize).ToArray();

        var influence = Assert.Throws<NotSupportedException>(() => engine.InternalInfluence(0, Tokens, 1, Baseline<double>.Zero, ids));
        Assert.Contains("Embedding layer 'embedding'", influence.Message);
        Assert.Contains("gradient with respect to the ids", influence.Message);
        Assert.DoesNotContain("holds", influence.Message);
        Assert.All(ids, value => Assert.Equal(42.0, value));
        var difference = new IntegrationOptions { Rule = IntegrationRule.RiemannTrapezoid, PathForm = LayerPathForm.Difference };
        Assert.Contains("tangent form", Assert.Throws<NotSupportedException>(
            () => engine.LayerConductance(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, layer, difference)).Message);
        Assert.Throws<NotSupportedException>(() => engine.PatchIntegratedGradients(DlEmbedding.LayerIndex.conv, [InputRegion.Range(0, 2)], Tokens, 1, Baseline<double>.Zero, layer));
        Assert.All(layer, value => Assert.Equal(42.0, value));

        // The engine is not left in use: a method that works on token models still runs.
        engine.InternalInfluence(DlEmbedding.LayerIndex.conv, Tokens, 1, Baseline<double>.Zero, layer);
        Assert.Contains(layer, value => value != 42.0);
    }

    private static readonly double[] PlantedTokens = [1, 2, 5, 3, 4, 0, 6];

    /// <summary>Only token 5 has a non-zero embedding, and only class 1 reads the pooled features.</summary>
    private static DlEmbedding PlantedModel()
    {
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

        return model;
    }

    private static double Score(Attributor<double> engine, double[] tokens)
    {
        var score = new double[1];
        engine.TargetScores(tokens, 1, score);
        return score[0];
    }

    private static double[] Embed(DlEmbedding model, ModelWorkspace<double> ws, double[] tokens)
    {
        model.Forward(ws, tokens, 1, new double[DlEmbedding.OutputSize]);
        return ws.Activation(DlEmbedding.LayerIndex.embedding).ToArray();
    }

    private static double[] Output(DlEmbedding model, ModelWorkspace<double> ws, int layer, double[] activation)
    {
        var output = new double[DlEmbedding.OutputSize];
        model.ForwardFrom(ws, layer, activation, 1, output);
        return output;
    }

    /// <summary>Per-token IG in embedding space, by the midpoint rule and central differences (no backward pass).</summary>
    private static double[] EmbeddingSpaceIg(DlEmbedding model, double[] tokens, double[] baseline, int classIndex, int steps)
    {
        var ws = model.CreateWorkspace(1);
        var e = Embed(model, ws, tokens);
        var e0 = Embed(model, ws, baseline);
        int embedding = DlEmbedding.LayerIndex.embedding, positions = tokens.Length;
        var perElement = new double[e.Length];
        const double h = 1e-5;
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            var point = e.Select((v, i) => e0[i] + alpha * (v - e0[i])).ToArray();
            for (int i = 0; i < point.Length; i++)
            {
                double keep = point[i];
                point[i] = keep + h;
                double up = Output(model, ws, embedding, point)[classIndex];
                point[i] = keep - h;
                double down = Output(model, ws, embedding, point)[classIndex];
                point[i] = keep;
                perElement[i] += (up - down) / (2 * h) / steps * (e[i] - e0[i]);
            }
        }

        var perToken = new double[positions];
        for (int i = 0; i < perElement.Length; i++) perToken[i % positions] += perElement[i];
        return perToken;
    }

    /// <summary>Conductance at a layer above the embedding: ∂F/∂y by central differences of ForwardFrom(layer), dy/dα by central differences along the path.</summary>
    private static double[] ConductanceByDifferences(DlEmbedding model, double[] tokens, double[] baseline, int layer, int classIndex, int steps)
    {
        var ws = model.CreateWorkspace(1);
        var e = Embed(model, ws, tokens);
        var e0 = Embed(model, ws, baseline);
        int embedding = DlEmbedding.LayerIndex.embedding;
        double[] LayerAt(double alpha)
        {
            Output(model, ws, embedding, e.Select((v, i) => e0[i] + alpha * (v - e0[i])).ToArray());
            return ws.Activation(layer).ToArray();
        }

        var result = new double[model.Layers[layer].Size];
        const double h = 1e-5;
        for (int k = 0; k < steps; k++)
        {
            double alpha = (k + 0.5) / steps;
            var y = LayerAt(alpha);
            var up = LayerAt(alpha + h);
            var down = LayerAt(alpha - h);
            for (int j = 0; j < y.Length; j++)
            {
                double keep = y[j];
                y[j] = keep + h;
                double fUp = Output(model, ws, layer, y)[classIndex];
                y[j] = keep - h;
                double fDown = Output(model, ws, layer, y)[classIndex];
                y[j] = keep;
                result[j] += (fUp - fDown) / (2 * h) * (up[j] - down[j]) / (2 * h) / steps;
            }
        }

        return result;
    }
}
