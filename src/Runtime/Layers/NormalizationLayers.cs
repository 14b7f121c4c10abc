namespace Axon.Layers;

/// <summary>
/// Layer normalisation over the trailing dimensions (PyTorch <c>nn.LayerNorm</c>): each group of
/// ∏ normalizedShape consecutive values is centred and scaled to unit variance (biased, as PyTorch),
/// then multiplied by "weight" and shifted by "bias" (both of shape normalizedShape).
/// </summary>
public sealed class LayerNorm : Layer
{
    /// <summary>Normalises over the last dimension, of size <paramref name="normalizedShape"/> (the usual transformer form).</summary>
    /// <param name="normalizedShape">The size of the input's last dimension.</param>
    /// <param name="epsilon">Added to the variance before the square root (PyTorch's <c>eps</c>); positive.</param>
    /// <param name="elementwiseAffine">Whether the layer has "weight" (initialised to ones) and, with <paramref name="bias"/>, "bias" (zeros).</param>
    /// <param name="bias">Whether the affine form adds "bias" (PyTorch's <c>bias</c>).</param>
    public LayerNorm(int normalizedShape, double epsilon = 1e-5, bool elementwiseAffine = true, bool bias = true)
        : this(new[] { normalizedShape }, epsilon, elementwiseAffine, bias)
    {
    }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/>, which the input's shape must end with.</summary>
    /// <param name="normalizedShape">The trailing dimensions normalised together (e.g. <c>new[] { 8, 16 }</c>).</param>
    /// <param name="epsilon">Added to the variance before the square root (PyTorch's <c>eps</c>); positive.</param>
    /// <param name="elementwiseAffine">Whether the layer has "weight" (initialised to ones) and, with <paramref name="bias"/>, "bias" (zeros).</param>
    /// <param name="bias">Whether the affine form adds "bias" (PyTorch's <c>bias</c>).</param>
    public LayerNorm(int[] normalizedShape, double epsilon = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        NormalizedShape = (int[])normalizedShape.Clone();
        Epsilon = epsilon;
        ElementwiseAffine = elementwiseAffine;
        Bias = bias;
    }

    /// <summary>The trailing dimensions normalised together; also the shape of "weight" and "bias".</summary>
    public IReadOnlyList<int> NormalizedShape { get; }

    /// <summary>Added to the variance before the square root: y = (x − mean) / √(var + ε) · weight + bias.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the layer has the learnable "weight" (and "bias" when <see cref="Bias"/>).</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>Whether the affine form adds "bias".</summary>
    public bool Bias { get; }
}

/// <summary>
/// Root-mean-square normalisation over the trailing dimensions (PyTorch <c>nn.RMSNorm</c>):
/// y = x / √(mean(x²) + ε) · weight, with "weight" of shape normalizedShape and no bias (as in PyTorch).
/// </summary>
public sealed class RMSNorm : Layer
{
    /// <summary>Normalises over the last dimension, of size <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The size of the input's last dimension.</param>
    /// <param name="epsilon">Added to the mean square; 0 (the default) means the element type's machine epsilon, as PyTorch's <c>eps=None</c>.</param>
    /// <param name="elementwiseAffine">Whether the layer has "weight" (initialised to ones).</param>
    public RMSNorm(int normalizedShape, double epsilon = 0, bool elementwiseAffine = true)
        : this(new[] { normalizedShape }, epsilon, elementwiseAffine)
    {
    }

    /// <summary>Normalises over the trailing dimensions <paramref name="normalizedShape"/>, which the input's shape must end with.</summary>
    /// <param name="normalizedShape">The trailing dimensions normalised together.</param>
    /// <param name="epsilon">Added to the mean square; 0 (the default) means the element type's machine epsilon, as PyTorch's <c>eps=None</c>.</param>
    /// <param name="elementwiseAffine">Whether the layer has "weight" (initialised to ones).</param>
    public RMSNorm(int[] normalizedShape, double epsilon = 0, bool elementwiseAffine = true)
    {
        NormalizedShape = (int[])normalizedShape.Clone();
        Epsilon = epsilon;
        ElementwiseAffine = elementwiseAffine;
    }

    /// <summary>The trailing dimensions normalised together; also the shape of "weight".</summary>
    public IReadOnlyList<int> NormalizedShape { get; }

    /// <summary>Added to the mean square before the square root; 0 stands for the element type's machine epsilon.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the layer has the learnable "weight".</summary>
    public bool ElementwiseAffine { get; }
}
