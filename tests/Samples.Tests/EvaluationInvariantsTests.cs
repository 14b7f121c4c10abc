using System.Runtime.CompilerServices;
using Axon.Attribution;
using Axon.Evaluation;
using Axon.IO;
using Axon.Samples.Fashion;
using Axon.Training;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

/// <summary>
/// The evaluations of docs/results.md on a few Fashion-MNIST images with the shipped weights, checked against what
/// must hold whatever the numbers: the two removals differ exactly where a filter's baseline activation is non-zero,
/// the feature-selection classifier beats chance, the normalised target's scores sum to its change, and the one
/// command writes every section.
/// </summary>
public sealed class EvaluationInvariantsTests(ITestOutputHelper output)
{
    private const int Images = 24;

    [Fact]
    public void RemovalAndBaselineAblationDifferExactlyWhereTheBaselineActivationIsNonZero()
    {
        if (Missing()) return;
        var (model, images) = Load();
        var evaluator = new AblationEvaluator<float>(model);
        var target = AttributionTarget<float>.Classes(images.Labels);
        foreach (int layer in new[] { FashionCnn.LayerIndex.relu1, FashionCnn.LayerIndex.relu2 })
        {
            int filters = evaluator.FilterCount(layer), size = model.Layers[layer].Size, perFilter = size / filters;
            var toBaseline = new float[Images * filters];
            var toZero = new float[Images * filters];
            evaluator.FilterAblationDrops(layer, images.Pixels, target, Baseline<float>.Zero, toBaseline, AblationKind.ToBaselineActivation);
            evaluator.FilterAblationDrops(layer, images.Pixels, target, Baseline<float>.Zero, toZero, AblationKind.ToZero);
            var baselineActivation = new float[size];
            evaluator.Attributor.LayerActivation(layer, new float[FashionCnn.InputSize], baselineActivation);
            int silent = 0;
            for (int c = 0; c < filters; c++)
            {
                bool zeroAtBaseline = baselineActivation.AsSpan(c * perFilter, perFilter).ToArray().All(v => v == 0);
                bool differs = Enumerable.Range(0, Images).Any(b => toBaseline[b * filters + c] != toZero[b * filters + c]);
                Assert.True(zeroAtBaseline != differs, $"layer {layer}, filter {c}: baseline activation {(zeroAtBaseline ? "zero" : "non-zero")}, removals {(differs ? "differ" : "agree")}");
                silent += zeroAtBaseline ? 1 : 0;
            }

            output.WriteLine($"layer {layer}: {silent} of {filters} filters are silent at the black image");
        }
    }

    [Fact]
    public void TheFeatureSelectionClassifierBeatsChance()
    {
        if (Missing()) return;
        var (model, test) = Load();
        var train = FashionMnist.LoadTrain(limit: 200);
        var results = FeatureSelection.Evaluate(
            new AblationEvaluator<float>(model), FashionCnn.LayerIndex.relu2, train.Pixels, train.Labels.Select(l => (int)l).ToArray(), test.Pixels, test.Labels,
            FashionCnn.OutputSize, Baseline<float>.Zero, [4, 8], [FeatureRanking.Conductance, FeatureRanking.Activation], new IntegrationOptions { Steps = 8 });
        foreach (var r in results)
        {
            output.WriteLine($"{r.Ranking}, k = {r.Kept}: {r.Accuracy:P1}");

            // Chance is 10 %; with 24 test images a classifier that learned nothing reaches 25 % with probability under 5 %.
            Assert.True(r.Accuracy > 0.25, $"{r.Ranking}, k = {r.Kept}: held-out accuracy {r.Accuracy:P1} is not above chance");
        }
    }

    [Fact]
    public void TheNormalisedTargetsScoresSumToItsChange()
    {
        if (Missing()) return;
        var (model, images) = Load();
        var logits = new float[Images * FashionCnn.OutputSize];
        model.Forward(model.CreateWorkspace(Images), images.Pixels, Images, logits);
        var weights = new float[logits.Length];
        TargetWeights.TopMinusMean<float>(logits, FashionCnn.OutputSize, weights);
        var target = AttributionTarget<float>.Weights(weights);

        // The change of top − mean logit, from plain forward passes of the images and the black image.
        var black = new float[FashionCnn.OutputSize];
        model.Forward(model.CreateWorkspace(1), new float[FashionCnn.InputSize], 1, black);
        var attributor = new Attributor<float>(model);
        int size = model.Layers[FashionCnn.LayerIndex.relu2].Size;
        var scores = new float[Images * size];
        foreach (var method in new[] { "DeepLIFT rescale", "DeepLIFT RevealCancel" })
        {
            if (method == "DeepLIFT rescale") attributor.DeepLift(FashionCnn.LayerIndex.relu2, images.Pixels, target, Baseline<float>.Zero, scores);
            else attributor.DeepLiftRevealCancel(FashionCnn.LayerIndex.relu2, images.Pixels, target, Baseline<float>.Zero, scores);
            for (int b = 0; b < Images; b++)
            {
                double change = 0;
                for (int c = 0; c < FashionCnn.OutputSize; c++) change += weights[b * FashionCnn.OutputSize + c] * ((double)logits[b * FashionCnn.OutputSize + c] - black[c]);
                double sum = scores.AsSpan(b * size, size).ToArray().Sum(v => (double)v);
                Assert.True(Math.Abs(sum - change) <= 1e-3 * Math.Max(1, Math.Abs(change)), $"{method}, image {b}: Σ scores {sum} vs change of top − mean logit {change}");
            }
        }
    }

    [Fact]
    public void OneCommandWritesEverySection()
    {
        if (Missing()) return;
        using var directory = new TempDirectory();
        string results = Path.Combine(directory.Path, "results.md");
        var run = JobRun.Start("--evaluate", "10", "--test-set", "10", "--steps", "8", "--report-images", "1", "--top", "1", "--device", "cpu",
            "--report", Path.Combine(directory.Path, "report.html"), "--results", results);
        Assert.True(run.ExitCode == 0, run.Error);
        string text = File.ReadAllText(results);
        Assert.Contains("--evaluate 10 --steps 8 --test-set 10 --results", text);
        Assert.Contains("## Test-set run (10 images", text);
        Assert.Contains("DeepLIFT RevealCancel (dense), rescale (conv)", text);
        Assert.Contains("## Feature selection", text);
        Assert.Contains("## Patch-IG validation", text);
        Assert.Contains("## The exact rule on the shipped CNN (10 images)", text);
        Assert.Contains("## Every neuron's conductance map", text);
        Assert.Contains(", commit ", text);
        Assert.True(text.IndexOf("## Test-set run", StringComparison.Ordinal) < text.IndexOf("## Ablation agreement", StringComparison.Ordinal), "the test-set table comes first");
    }

    private bool Missing()
    {
        if (FashionMnist.IsInstalled()) return false;
        output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
        return true;
    }

    private static (FashionCnn Model, ImageSet Images) Load()
    {
        var model = new FashionCnn();
        ModelWeights.Load(model, Asset("fashion-cnn.safetensors"));
        return (model, ImageSet.LoadTestSet(Images));
    }

    private static string Asset(string name, [CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "..", "..", "samples", "Assets", name));
}
