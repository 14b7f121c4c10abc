using Axon.Kernels;
using Axon.Model;
using Axon.Training;

namespace Axon.Evaluation;

/// <summary>
/// A softmax (multinomial logistic) regression on a few features, trained with the library's Adam and softmax
/// cross-entropy: the small linear classifier of Dhamdhere et al.'s feature-selection evaluation. Features are
/// standardised with the training set's mean and standard deviation, which the probe keeps for prediction.
/// </summary>
public sealed class LinearProbe<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _parameters;
    private readonly T[] _mean;
    private readonly T[] _scale;

    private LinearProbe(int features, int classes, T[] parameters, T[] mean, T[] scale)
    {
        Features = features;
        Classes = classes;
        _parameters = parameters;
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Features per sample.</summary>
    public int Features { get; }

    /// <summary>Classes.</summary>
    public int Classes { get; }

    /// <summary>
    /// Trains a probe on <paramref name="features"/> (samples × <paramref name="featureCount"/>) with labels in
    /// [0, <paramref name="classes"/>): mini-batches in a seeded shuffled order, Adam, softmax cross-entropy.
    /// </summary>
    /// <param name="features">samples × featureCount values.</param>
    /// <param name="featureCount">Features per sample (at least 1).</param>
    /// <param name="labels">One label per sample.</param>
    /// <param name="classes">Number of classes (at least 2).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Samples per step.</param>
    /// <param name="learningRate">Adam's step size.</param>
    /// <param name="seed">Seeds the order of the samples; the weights start at zero.</param>
    public static LinearProbe<T> Train(
        ReadOnlySpan<T> features, int featureCount, ReadOnlySpan<int> labels, int classes, int epochs = 30, int batchSize = 64, double learningRate = 0.05, int seed = 1)
    {
        if (featureCount < 1) throw new ArgumentOutOfRangeException(nameof(featureCount), featureCount, "A probe needs at least one feature.");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A probe needs at least two classes.");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Train for at least one epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one sample.");
        int count = labels.Length;
        if (count == 0 || features.Length != count * featureCount)
            throw new ArgumentException($"'features' has {features.Length} values; {count} labelled samples × {featureCount} features are needed.", nameof(features));
        foreach (int label in labels)
        {
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must be in [0, {classes}).");
        }

        var (mean, scale) = Standardisation(features, featureCount, count);
        int weights = classes * featureCount;
        var parameters = new T[weights + classes];
        ParameterInfo[] tensors = [new("weight", 1, [classes, featureCount], 0, weights, true), new("bias", 1, [classes], weights, classes, true)];
        var optimizer = new Adam<T>(tensors, learningRate);
        var probe = new LinearProbe<T>(featureCount, classes, parameters, mean, scale);

        int batch = Math.Min(batchSize, count);
        var order = Enumerable.Range(0, count).ToArray();
        var x = new T[batch * featureCount];
        var batchLabels = new int[batch];
        var logits = new T[batch * classes];
        var seedGradient = new T[batch * classes];
        var gradient = new T[parameters.Length];
        var random = new Random(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (int first = 0; first < count; first += batch)
            {
                int n = Math.Min(batch, count - first);
                for (int r = 0; r < n; r++)
                {
                    int sample = order[first + r];
                    probe.Standardise(features.Slice(sample * featureCount, featureCount), x.AsSpan(r * featureCount, featureCount));
                    batchLabels[r] = labels[sample];
                }

                var xs = x.AsSpan(0, n * featureCount);
                DenseKernel.Forward<T>(xs, parameters.AsSpan(0, weights), parameters.AsSpan(weights), logits.AsSpan(0, n * classes), n, featureCount, classes);
                SoftmaxCrossEntropy.LossAndGradient<T>(logits.AsSpan(0, n * classes), batchLabels.AsSpan(0, n), classes, seedGradient.AsSpan(0, n * classes));
                Array.Clear(gradient);
                DenseKernel.Backward<T>(xs, parameters.AsSpan(0, weights), seedGradient.AsSpan(0, n * classes), default, gradient.AsSpan(0, weights), gradient.AsSpan(weights), n, featureCount, classes);
                optimizer.Step(parameters, gradient);
            }
        }

        return probe;
    }

    /// <summary>The predicted class of every sample (samples × <see cref="Features"/> values).</summary>
    public void Predict(ReadOnlySpan<T> features, Span<int> predictions)
    {
        if (features.Length != predictions.Length * Features)
            throw new ArgumentException($"'features' has {features.Length} values; {predictions.Length} samples × {Features} features are needed.", nameof(features));
        int weights = Classes * Features;
        var x = new T[Features];
        var logits = new T[Classes];
        for (int b = 0; b < predictions.Length; b++)
        {
            Standardise(features.Slice(b * Features, Features), x);
            DenseKernel.Forward<T>(x, _parameters.AsSpan(0, weights), _parameters.AsSpan(weights), logits, 1, Features, Classes);
            predictions[b] = SoftmaxCrossEntropy.ArgMax<T>(logits);
        }
    }

    /// <summary>The fraction of samples whose predicted class is their label.</summary>
    public double Accuracy(ReadOnlySpan<T> features, ReadOnlySpan<int> labels)
    {
        var predictions = new int[labels.Length];
        Predict(features, predictions);
        int right = 0;
        for (int b = 0; b < labels.Length; b++) right += predictions[b] == labels[b] ? 1 : 0;
        return labels.Length == 0 ? double.NaN : (double)right / labels.Length;
    }

    private void Standardise(ReadOnlySpan<T> row, Span<T> result)
    {
        for (int i = 0; i < row.Length; i++) result[i] = (row[i] - _mean[i]) * _scale[i];
    }

    /// <summary>Per feature: the mean, and 1/σ (1 where σ is 0: a constant feature stays 0).</summary>
    private static (T[] Mean, T[] Scale) Standardisation(ReadOnlySpan<T> features, int featureCount, int count)
    {
        var mean = new T[featureCount];
        var scale = new T[featureCount];
        for (int i = 0; i < featureCount; i++)
        {
            double sum = 0, squares = 0;
            for (int b = 0; b < count; b++) sum += double.CreateChecked(features[b * featureCount + i]);
            double m = sum / count;
            for (int b = 0; b < count; b++)
            {
                double d = double.CreateChecked(features[b * featureCount + i]) - m;
                squares += d * d;
            }

            double sigma = Math.Sqrt(squares / count);
            mean[i] = T.CreateChecked(m);
            scale[i] = T.CreateChecked(sigma > 0 ? 1 / sigma : 1);
        }

        return (mean, scale);
    }
}
