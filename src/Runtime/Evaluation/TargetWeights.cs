using System.Numerics.Tensors;

namespace Axon.Evaluation;

/// <summary>Output weightings the papers' evaluations explain, for <c>AttributionTarget.Weights</c>.</summary>
public static class TargetWeights
{
    /// <summary>
    /// Shrikumar et al.'s target: the top logit minus the mean of all logits, F = y_top − (1/K)Σy_k, as one output weighting per
    /// input (w = e_top − 1/K) into <paramref name="weights"/> (inputs × K), from each input's <paramref name="logits"/>
    /// (inputs × K). Scores and ablation drops computed for this weighting measure the same target.
    /// </summary>
    public static void TopMinusMean<T>(ReadOnlySpan<T> logits, int outputSize, Span<T> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (outputSize < 1 || logits.IsEmpty || logits.Length % outputSize != 0)
            throw new ArgumentException($"'logits' has {logits.Length} values, not a whole, positive number of rows of {outputSize}.", nameof(logits));
        if (weights.Length != logits.Length) throw new ArgumentException($"'weights' has {weights.Length} values; {logits.Length} are needed.", nameof(weights));
        T mean = T.One / T.CreateChecked(outputSize);
        for (int b = 0; b < logits.Length / outputSize; b++)
        {
            var row = weights.Slice(b * outputSize, outputSize);
            row.Fill(-mean);
            row[TensorPrimitives.IndexOfMax(logits.Slice(b * outputSize, outputSize))] += T.One;
        }
    }
}
