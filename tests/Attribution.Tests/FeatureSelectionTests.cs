using Axon.Attribution.Tests.Generated;
using Axon.Evaluation;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>The linear probe, the filter rankings of the feature-selection evaluation, and the patch-IG validation's bad input.</summary>
public sealed class FeatureSelectionTests
{
    [Fact]
    public void TheProbeLearnsALinearlySeparableProblem()
    {
        // Three classes told apart by which of three features is largest; two noise features.
        var random = new Random(3);
        const int count = 300;
        var features = new double[count * 5];
        var labels = new int[count];
        for (int b = 0; b < count; b++)
        {
            labels[b] = b % 3;
            for (int f = 0; f < 5; f++) features[b * 5 + f] = random.NextDouble();
            features[b * 5 + labels[b]] += 1.5;
        }

        var probe = LinearProbe<double>.Train(features, 5, labels, 3, epochs: 20);
        Assert.Equal(1.0, probe.Accuracy(features, labels));

        // Only the noise features: no better than a guess would be, far from perfect.
        var noise = Enumerable.Range(0, count).SelectMany(b => new[] { features[b * 5 + 3], features[b * 5 + 4] }).ToArray();
        Assert.True(LinearProbe<double>.Train(noise, 2, labels, 3).Accuracy(noise, labels) < 0.6);
    }

    [Fact]
    public void TheProbeRefusesBadInput()
    {
        var features = new double[12];
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => LinearProbe<double>.Train(features, 5, new int[3], 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe<double>.Train(features, 4, [0, 1, 2], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe<double>.Train(features, 4, [0, 1, 0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearProbe<double>.Train(features, 0, [0, 1, 0], 2));
    }

    [Fact]
    public void RankingsAggregateTheMethodsFilterScoresOverTheInputs()
    {
        var model = new DeepLiftCnn();
        model.ResetParameters(11);
        var evaluator = new AblationEvaluator<double>(model);
        const int count = 6;
        var x = BruteForce.RandomVector(count * DeepLiftCnn.InputSize, 3, 1).Select(v => (v + 1) / 2).ToArray();
        var labels = Enumerable.Range(0, count).Select(b => b % 10).ToArray();
        var layer = model.Layers.Single(l => l.Name == "relu2");
        int filters = evaluator.FilterCount(layer.Index), perFilter = layer.Size / filters;

        // Activation: the mean over inputs of each filter's summed activation, from plain forward passes.
        var scores = new double[filters];
        FeatureSelection.RankingScores(evaluator, FeatureRanking.Activation, layer.Index, x, labels, Baseline<double>.Zero, scores);
        var activations = new double[count * layer.Size];
        evaluator.Attributor.LayerActivation(layer.Index, x, activations);
        var expected = new double[filters];
        for (int b = 0; b < count; b++)
            for (int c = 0; c < filters; c++)
                for (int n = 0; n < perFilter; n++) expected[c] += activations[b * layer.Size + c * perFilter + n] / count;
        Check.Close(expected, scores, 1e-12, "mean filter activation");

        // Conductance: the filters' means sum to the mean change of the targets (relu2 is a cut), to quadrature error.
        FeatureSelection.RankingScores(evaluator, FeatureRanking.Conductance, layer.Index, x, labels, Baseline<double>.Zero, scores, new IntegrationOptions { Steps = 200 });
        double meanChange = 0;
        for (int b = 0; b < count; b++) meanChange += (BruteForce.Score(model, x.AsSpan(b * DeepLiftCnn.InputSize, DeepLiftCnn.InputSize), labels[b]) - BruteForce.Score(model, new double[DeepLiftCnn.InputSize], labels[b])) / count;
        Assert.True(Math.Abs(scores.Sum() - meanChange) < 1e-3 * Math.Max(1, Math.Abs(meanChange)), $"Σ mean filter conductance {scores.Sum()} vs mean ΔF {meanChange}");

        Assert.Equal([2, 0, 1], FeatureSelection.Order<double>([0.5, -0.2, -0.9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureSelection.Evaluate(
            evaluator, layer.Index, x, labels, x, labels, 10, Baseline<double>.Zero, [filters + 1], [FeatureRanking.Activation]));
    }

    [Fact]
    public void PatchValidationNeedsAReluAfterALayerWithFilters()
    {
        var model = new DeepLiftCnn();
        model.ResetParameters(11);
        var x = new double[DeepLiftCnn.InputSize];
        InputRegion[] halves = [InputRegion.Rectangle(0, 0, 6, 12), InputRegion.Rectangle(6, 0, 6, 12)];
        int pool = model.Layers.Single(l => l.Name == "pool2").Index;
        int relu = model.Layers.Single(l => l.Name == "relu2").Index;
        Assert.Contains("not a ReLU", Assert.Throws<ArgumentException>(() => PatchValidation.Run<double>(() => model, pool, halves, x, [0], Baseline<double>.Zero, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PatchValidation.Run<double>(() => model, relu, halves, x, [0], Baseline<double>.Zero, 6));
        Assert.Throws<ArgumentException>(() => PatchValidation.Run<double>(() => model, relu, [halves[0]], x, [0], Baseline<double>.Zero, 1));
    }

    [Fact]
    public void PruningAFilterTurnsItsReluOff()
    {
        var model = new DeepLiftCnn();
        model.ResetParameters(11);
        int relu = model.Layers.Single(l => l.Name == "relu2").Index;
        var (weight, bias) = PatchValidation.ProducingParameters<double>(model, relu);
        PatchValidation.Prune<double>(model, weight, bias, [1, 4]);
        var x = BruteForce.RandomVector(DeepLiftCnn.InputSize, 5, 1);
        var activation = new double[model.Layers[relu].Size];
        new Attributor<double>(model).LayerActivation(relu, x, activation);
        int perFilter = activation.Length / 6;
        for (int c = 0; c < 6; c++)
        {
            var filter = activation.AsSpan(c * perFilter, perFilter).ToArray();
            if (c is 1 or 4) Assert.All(filter, v => Assert.Equal(0.0, v));
            else Assert.Contains(filter, v => v != 0);
        }
    }
}
