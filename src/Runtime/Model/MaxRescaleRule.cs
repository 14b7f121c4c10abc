using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// DeepLIFT through a max (max pooling, max over time): each window's change of the max, Δy = max(x) − max(x′),
/// is passed on in full to one input of the window.
/// </summary>
/// <remarks>
/// <para>
/// Let a be the window's arg-max at the input and a′ at the reference. Then Δx_{a′} ≤ Δy ≤ Δx_a, because
/// Δx_a = x_a − x′_a ≥ x_a − x′_{a′} = Δy and Δx_{a′} = x_{a′} − x′_{a′} ≤ x_a − x′_{a′} = Δy. So a rise of the max
/// (Δy ≥ 0) goes to a, whose own rise is at least as large, with multiplier Δy/Δx_a ∈ [0, 1]; a fall (Δy &lt; 0) goes
/// to a′, whose own fall is at least as large, with multiplier Δy/Δx_{a′} ∈ (0, 1]. The multiplier times the
/// input's change is Δy exactly, the multiplier never exceeds 1 (no division blows up, however small the
/// denominator), and floating-point subtraction is monotone, so the bound survives rounding. The one zero
/// denominator left (Δy ≥ 0 with Δx_a = 0) forces Δy = 0; there the multiplier is the derivative, 1, and
/// contributes nothing.
/// </para>
/// <para>
/// This is the split Captum's DeepLift makes (the positive part of Δy unpooled through the input's arg-max, the
/// negative part through the reference's, then divided by Δx), taken per window rather than per position, and
/// without its fall-back to the plain gradient where |Δx| is below an ε: by the inequality above that case can
/// only hold a negligible Δy, and with a per-window multiplier there is nothing to fall back from. Spreading Δy
/// over the window (proportional to Δx) is never needed, since a or a′ always moved at least as much as the max.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MaxRescaleRule
{
    /// <param name="x">The node's input activations (batch × input size).</param>
    /// <param name="y">The window maxima (batch × output size).</param>
    /// <param name="argmax">Each window's winner, an index inside its sample's input (batch × output size).</param>
    /// <param name="xReference">The reference's input activations: one sample (shared) or batch samples.</param>
    /// <param name="yReference">The reference's window maxima, laid out like <paramref name="xReference"/>.</param>
    /// <param name="argmaxReference">The reference's winners, laid out like <paramref name="yReference"/>.</param>
    /// <param name="dy">The multipliers arriving at the output.</param>
    /// <param name="dx">Accumulates the multipliers for the input.</param>
    /// <param name="batch">The samples in <paramref name="x"/>.</param>
    public static void Apply<T>(
        ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<int> argmax,
        ReadOnlySpan<T> xReference, ReadOnlySpan<T> yReference, ReadOnlySpan<int> argmaxReference,
        ReadOnlySpan<T> dy, Span<T> dx, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch < 1 || x.Length % batch != 0 || y.Length % batch != 0)
            throw new ArgumentException($"The activations of a max node must hold {batch} samples.", nameof(batch));
        int inputSize = x.Length / batch, outputSize = y.Length / batch;
        if (argmax.Length != y.Length || dy.Length != y.Length || dx.Length != x.Length)
            throw new ArgumentException("The arg-max, multipliers and gradients of a max node must match its activations.");
        int referenceBatch = outputSize == 0 ? 0 : yReference.Length / outputSize;
        if ((referenceBatch != 1 && referenceBatch != batch) || yReference.Length != referenceBatch * outputSize
            || xReference.Length != referenceBatch * inputSize || argmaxReference.Length != yReference.Length)
            throw new ArgumentException($"The rescale reference holds {yReference.Length} maxima for a node of {outputSize}: record the reference with batch 1 or with the same batch.");

        for (int b = 0; b < batch; b++)
        {
            int r = referenceBatch == 1 ? 0 : b;
            ReadOnlySpan<T> xs = x.Slice(b * inputSize, inputSize), xr = xReference.Slice(r * inputSize, inputSize);
            Span<T> dxs = dx.Slice(b * inputSize, inputSize);
            for (int o = 0; o < outputSize; o++)
            {
                int output = b * outputSize + o, referenceOutput = r * outputSize + o;
                T deltaY = y[output] - yReference[referenceOutput];
                // A rise is credited to the input's winner, a fall to the reference's (see the remarks).
                int winner = deltaY >= T.Zero ? argmax[output] : argmaxReference[referenceOutput];
                T deltaX = xs[winner] - xr[winner];
                T multiplier = deltaX == T.Zero ? T.One : deltaY / deltaX;
                dxs[winner] += multiplier * dy[output];
            }
        }
    }
}
