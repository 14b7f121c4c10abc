using Axon.Training;

namespace Axon.Samples.Text;

/// <summary>
/// The recipe that made the shipped weights: PyTorch-style initialisation from a seed, then Adam on softmax
/// cross-entropy over a seeded <see cref="SyntheticReviews"/> training set. Deterministic for a given seed and
/// thread count.
/// </summary>
public static class TextTraining
{
    /// <summary>Sequences in the training set.</summary>
    public const int TrainingSize = 8000;

    /// <summary>Passes over the training set.</summary>
    public const int Epochs = 12;

    /// <summary>Sequences per mini-batch.</summary>
    public const int BatchSize = 64;

    /// <summary>Adam's step size.</summary>
    public const double LearningRate = 2e-3;

    /// <summary>Initialises <paramref name="model"/> from <paramref name="seed"/> and trains it; returns the last epoch's mean loss.</summary>
    /// <param name="model">The model to train in place.</param>
    /// <param name="data">The training set.</param>
    /// <param name="epochs">Passes over <paramref name="data"/>.</param>
    /// <param name="seed">Seeds the initialisation and the shuffling.</param>
    /// <param name="progress">Told after every mini-batch.</param>
    public static double Train(TextClassifier model, SyntheticReviews data, int epochs, int seed, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        model.ResetParameters(seed);
        var trainer = new Trainer<float>(model, new Adam<float>(model.ParameterTensors, LearningRate),
            new TrainingOptions { Epochs = epochs, BatchSize = BatchSize, Seed = seed });
        return trainer.Fit(data.ModelInput(), data.Labels, progress);
    }

    /// <summary>The mean softmax cross-entropy of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static double Loss(TextClassifier model, SyntheticReviews data)
    {
        var logits = Predict(model, data);
        double total = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double a = logits[2 * i], b = logits[2 * i + 1], max = Math.Max(a, b);
            double logSum = max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
            total += logSum - logits[2 * i + data.Labels[i]];
        }

        return total / data.Count;
    }

    /// <summary>The fraction of <paramref name="data"/> that <paramref name="model"/> classifies correctly.</summary>
    public static double Accuracy(TextClassifier model, SyntheticReviews data)
    {
        var logits = Predict(model, data);
        int correct = 0;
        for (int i = 0; i < data.Count; i++) correct += (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == data.Labels[i] ? 1 : 0;
        return (double)correct / data.Count;
    }

    /// <summary>The logits of every sequence, count × 2.</summary>
    public static float[] Predict(TextClassifier model, SyntheticReviews data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var logits = new float[data.Count * 2];
        model.Forward(model.CreateWorkspace(data.Count), data.ModelInput(), data.Count, logits);
        return logits;
    }
}
