namespace Axon.Training;

/// <summary>
/// Softmax cross-entropy on a batch of logits (the model's pre-softmax output): the mean loss, and its gradient
/// with respect to the logits, (softmax − onehot)/batch, which seeds the model's backward pass.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <returns>The mean loss over the batch.</returns>
    public static double LossAndGradient<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "At least one class is needed.");
        int batch = labels.Length;
        if (logits.Length != batch * classes) throw new ArgumentException($"Expected {batch} × {classes} logits, got {logits.Length}.", nameof(logits));
        if (gradient.Length != logits.Length) throw new ArgumentException($"The gradient needs {logits.Length} values, got {gradient.Length}.", nameof(gradient));
        double total = 0;
        T invBatch = T.One / T.CreateChecked(batch);
        for (int b = 0; b < batch; b++)
        {
            int label = labels[b];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label of sample {b} must be in [0, {classes}).");
            var row = logits.Slice(b * classes, classes);
            var g = gradient.Slice(b * classes, classes);
            T max = row[0];
            for (int c = 1; c < classes; c++) max = T.Max(max, row[c]);
            T sum = T.Zero;
            for (int c = 0; c < classes; c++)
            {
                g[c] = T.Exp(row[c] - max);
                sum += g[c];
            }

            total += double.CreateChecked(T.Log(sum) + max - row[label]);
            for (int c = 0; c < classes; c++) g[c] = (g[c] / sum - (c == label ? T.One : T.Zero)) * invBatch;
        }

        return total / batch;
    }

    /// <summary>softmax(logits)[index], computed stably (the largest logit is subtracted first).</summary>
    public static double Probability<T>(ReadOnlySpan<T> logits, int index) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((uint)index >= (uint)logits.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {logits.Length} logits.");
        double max = double.NegativeInfinity;
        foreach (T v in logits) max = Math.Max(max, double.CreateChecked(v));
        double sum = 0;
        foreach (T v in logits) sum += Math.Exp(double.CreateChecked(v) - max);
        return Math.Exp(double.CreateChecked(logits[index]) - max) / sum;
    }

    /// <summary>Index of the largest logit of a sample (the first one on ties).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best]) best = c;
        }

        return best;
    }
}
