using System.Globalization;
using Axon.Attribution;
using Axon.Evaluation;
using Axon.Samples.Reporting;
using TableCell = Axon.Samples.Reporting.TableCell;

namespace Axon.Samples.Fashion;

/// <summary>
/// Dhamdhere et al.'s feature selection on the CNN: filters of each convolution block ranked over training images by
/// conductance, activation, gradient × activation and at random; a linear classifier on the top k filters' summed
/// activations, trained on those training images and scored on the evaluation's test images.
/// </summary>
internal static class FeatureSelectionRun
{
    /// <summary>Training images the rankings and the classifiers use (the first ones of the training set).</summary>
    public static int TrainingImages(int evaluated) => Math.Clamp(2 * evaluated, 200, 2000);

    public static ReportTable Run(FashionCnn model, ImageSet test, Options options, Action<string> step)
    {
        var train = FashionMnist.LoadTrain(limit: TrainingImages(test.Count));
        var trainLabels = train.Labels.Select(l => (int)l).ToArray();
        var evaluator = new AblationEvaluator<float>(model);
        var integration = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = options.Steps };
        FeatureRanking[] rankings = [FeatureRanking.Conductance, FeatureRanking.Activation, FeatureRanking.GradientTimesActivation, FeatureRanking.Random];
        var rows = new List<IReadOnlyList<TableCell>>();
        foreach (var (name, layer, kept) in new[] { ("conv1 (after ReLU)", FashionCnn.LayerIndex.relu1, new[] { 1, 2, 4 }), ("conv2 (after ReLU)", FashionCnn.LayerIndex.relu2, new[] { 1, 2, 4, 8 }) })
        {
            step($"feature selection, {name}");
            var results = FeatureSelection.Evaluate(
                evaluator, layer, train.Pixels, trainLabels, test.Pixels, test.Labels, FashionCnn.OutputSize, Baseline<float>.Zero, kept, rankings, integration);
            foreach (var r in results) rows.Add([name, Name(r.Ranking), r.Kept, TableCell.Percent(r.Accuracy), string.Join(", ", r.Filters.Select(f => "f" + f.ToString(CultureInfo.InvariantCulture)))]);
        }

        return new ReportTable(
            "Feature selection (linear classifier on the top k filters)",
            ["Layer", "Ranking", "k", "Held-out accuracy", "Filters kept"], rows,
            string.Create(CultureInfo.InvariantCulture,
                $"Dhamdhere et al.: filters ranked by |mean score| over the first {train.Count} training images (scores for each image's true label, black baseline; conductance: Gauss–Legendre, {options.Steps} nodes); ") +
            "a softmax regression (Adam, 30 epochs, standardised features, seed 1) on the top k filters' summed activations of those images, accuracy on the test images above. " +
            "Random: a seeded random order, the chance level of choosing filters; 10 classes, so a classifier that learned nothing scores about 10 %.");
    }

    private static string Name(FeatureRanking ranking) => ranking switch
    {
        FeatureRanking.Conductance => "Conductance",
        FeatureRanking.Activation => "Activation",
        FeatureRanking.GradientTimesActivation => "Gradient × activation",
        FeatureRanking.Random => "Random",
        _ => ranking.ToString(),
    };
}
