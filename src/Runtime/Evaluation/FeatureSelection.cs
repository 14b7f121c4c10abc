using Axon.Attribution;
using Axon.Model;

namespace Axon.Evaluation;

/// <summary>How <see cref="FeatureSelection"/> ranks a layer's filters (each by its magnitude over the training inputs).</summary>
public enum FeatureRanking
{
    /// <summary>|mean filter conductance| over the training inputs (<see cref="ConductanceAggregate"/>), for each input's own label.</summary>
    Conductance,

    /// <summary>|mean filter activation|.</summary>
    Activation,

    /// <summary>|mean filter gradient × activation|, for each input's own label.</summary>
    GradientTimesActivation,

    /// <summary>A seeded random order: what any ranking must beat.</summary>
    Random,
}

/// <summary>One row of the feature-selection table.</summary>
/// <param name="Ranking">How the filters were ranked.</param>
/// <param name="Kept">How many of the top filters the classifier saw.</param>
/// <param name="Accuracy">The classifier's accuracy on the held-out inputs.</param>
/// <param name="Filters">The kept filters, best first.</param>
public sealed record FeatureSelectionResult(FeatureRanking Ranking, int Kept, double Accuracy, IReadOnlyList<int> Filters);

/// <summary>
/// Dhamdhere et al.'s feature-selection evaluation: rank a layer's filters over a set of training inputs, keep the
/// top k, train a linear classifier (<see cref="LinearProbe{T}"/>) on just those filters' summed activations, and
/// measure its accuracy on held-out inputs. A ranking that finds the filters the network relies on gives a better
/// classifier for the same k.
/// </summary>
public static class FeatureSelection
{
    /// <summary>Each filter's summed activation per input (inputs × filters): the classifier's features.</summary>
    public static void FilterFeatures<T>(AblationEvaluator<T> evaluator, LayerHandle layer, ReadOnlySpan<T> inputs, Span<T> features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var model = evaluator.Attributor.Model;
        int index = layer.Resolve(model, nameof(layer));
        var activations = new T[inputs.Length / model.InputSize * model.Layers[index].Size];
        evaluator.Attributor.LayerActivation(index, inputs, activations);
        evaluator.FilterScores(index, activations, features);
    }

    /// <summary>
    /// The ranking score of every filter (filters values; larger magnitude ranks higher), aggregated over
    /// <paramref name="inputs"/>; attributions explain each input's <paramref name="labels"/> from
    /// <paramref name="baseline"/>.
    /// </summary>
    public static void RankingScores<T>(
        AblationEvaluator<T> evaluator, FeatureRanking ranking, LayerHandle layer, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Baseline<T> baseline,
        Span<T> scores, IntegrationOptions? options = null, int seed = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var attributor = evaluator.Attributor;
        var model = attributor.Model;
        int index = layer.Resolve(model, nameof(layer)), width = model.Layers[index].Size, filters = evaluator.FilterCount(index);
        if (inputs.IsEmpty || inputs.Length % model.InputSize != 0)
            throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole, positive number of inputs of {model.InputSize}.", nameof(inputs));
        int count = inputs.Length / model.InputSize;
        if (labels.Length != count) throw new ArgumentException($"{labels.Length} labels for {count} inputs.", nameof(labels));
        if (scores.Length != filters) throw new ArgumentException($"'scores' has {scores.Length} values; layer {index} has {filters} filters.", nameof(scores));
        var target = AttributionTarget<T>.Classes(labels.ToArray());
        var neuronMeans = new T[width];
        switch (ranking)
        {
            case FeatureRanking.Conductance:
                ConductanceAggregate.Compute(attributor, index, inputs, target, baseline, neuronMeans, default, options);
                break;
            case FeatureRanking.Activation:
            case FeatureRanking.GradientTimesActivation:
                var perInput = new T[count * width];
                if (ranking == FeatureRanking.Activation) attributor.LayerActivation(index, inputs, perInput);
                else attributor.LayerGradientTimesActivation(index, inputs, target, perInput);
                for (int b = 0; b < count; b++)
                {
                    for (int j = 0; j < width; j++) neuronMeans[j] += perInput[b * width + j];
                }

                for (int j = 0; j < width; j++) neuronMeans[j] /= T.CreateChecked(count);
                break;
            case FeatureRanking.Random:
                var random = new Random(seed);
                for (int c = 0; c < filters; c++) scores[c] = T.CreateChecked(random.NextDouble());
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(ranking), ranking, "Not a feature ranking.");
        }

        // A filter's mean score is the sum of its neurons' means.
        evaluator.FilterScores(index, neuronMeans, scores);
    }

    /// <summary>Filters by decreasing |score|, ties by index.</summary>
    public static int[] Order<T>(ReadOnlySpan<T> scores) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var magnitude = new double[scores.Length];
        for (int c = 0; c < scores.Length; c++) magnitude[c] = double.CreateChecked(T.Abs(scores[c]));
        return Enumerable.Range(0, scores.Length).OrderByDescending(c => magnitude[c]).ThenBy(c => c).ToArray();
    }

    /// <summary>
    /// The whole evaluation: for each ranking and each k in <paramref name="kept"/>, a probe trained on the top k
    /// filters' features of the training inputs, scored on the test inputs.
    /// </summary>
    /// <param name="evaluator">The model's evaluator.</param>
    /// <param name="layer">The layer whose filters are selected.</param>
    /// <param name="trainInputs">Inputs the rankings and the probes are computed on.</param>
    /// <param name="trainLabels">Their labels (also the attribution targets).</param>
    /// <param name="testInputs">Held-out inputs.</param>
    /// <param name="testLabels">Their labels.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="baseline">The attributions' baseline.</param>
    /// <param name="kept">The k to try (each in 1..filters).</param>
    /// <param name="rankings">The rankings to compare.</param>
    /// <param name="options">Integration settings of conductance.</param>
    /// <param name="seed">Seeds the random ranking and the probes' sample order.</param>
    public static IReadOnlyList<FeatureSelectionResult> Evaluate<T>(
        AblationEvaluator<T> evaluator, LayerHandle layer, ReadOnlySpan<T> trainInputs, ReadOnlySpan<int> trainLabels, ReadOnlySpan<T> testInputs,
        ReadOnlySpan<int> testLabels, int classes, Baseline<T> baseline, IReadOnlyList<int> kept, IReadOnlyList<FeatureRanking> rankings,
        IntegrationOptions? options = null, int seed = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(rankings);
        var model = evaluator.Attributor.Model;
        int index = layer.Resolve(model, nameof(layer)), filters = evaluator.FilterCount(index);
        foreach (int k in kept)
        {
            if (k < 1 || k > filters) throw new ArgumentOutOfRangeException(nameof(kept), k, $"Each k must be in 1..{filters} (the layer's filters).");
        }

        int trainCount = trainLabels.Length, testCount = testLabels.Length;
        if (testInputs.Length != testCount * model.InputSize) throw new ArgumentException($"'testInputs' has {testInputs.Length} values; {testCount} labelled inputs of {model.InputSize} are needed.", nameof(testInputs));
        var trainFeatures = new T[trainCount * filters];
        var testFeatures = new T[testCount * filters];
        FilterFeatures(evaluator, index, trainInputs, trainFeatures);
        FilterFeatures(evaluator, index, testInputs, testFeatures);

        var results = new List<FeatureSelectionResult>();
        var scores = new T[filters];
        foreach (var ranking in rankings)
        {
            RankingScores(evaluator, ranking, index, trainInputs, trainLabels, baseline, scores, options, seed);
            var order = Order<T>(scores);
            foreach (int k in kept)
            {
                var top = order.Take(k).ToArray();
                var probe = LinearProbe<T>.Train(Columns(trainFeatures, filters, top), k, trainLabels, classes, seed: seed);
                results.Add(new FeatureSelectionResult(ranking, k, probe.Accuracy(Columns(testFeatures, filters, top), testLabels), top));
            }
        }

        return results;
    }

    /// <summary>The chosen columns of a rows × width matrix, in the given order.</summary>
    private static T[] Columns<T>(T[] matrix, int width, int[] columns)
    {
        int rows = matrix.Length / width;
        var result = new T[rows * columns.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns.Length; c++) result[r * columns.Length + c] = matrix[r * width + columns[c]];
        }

        return result;
    }
}
