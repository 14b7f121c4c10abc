namespace Axon.Training;

/// <summary>
/// The mean squared error over every output value of a batch, as PyTorch's <c>MSELoss</c> (mean reduction):
/// L = Σ (y − t)² / (batch × outputs), and its gradient 2(y − t) / (batch × outputs), which seeds the backward pass.
/// </summary>
public static class MeanSquaredError
{
    /// <returns>The mean loss.</returns>
    public static double LossAndGradient<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outputs.IsEmpty) throw new ArgumentException("No outputs were given.", nameof(outputs));
        if (targets.Length != outputs.Length) throw new ArgumentException($"Expected {outputs.Length} targets, got {targets.Length}.", nameof(targets));
        if (gradient.Length != outputs.Length) throw new ArgumentException($"The gradient needs {outputs.Length} values, got {gradient.Length}.", nameof(gradient));
        double total = 0;
        T scale = T.CreateChecked(2.0 / outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            T difference = outputs[i] - targets[i];
            total += double.CreateChecked(difference * difference);
            gradient[i] = scale * difference;
        }

        return total / outputs.Length;
    }
}
