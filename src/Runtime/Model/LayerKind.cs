namespace Axon.Model;

/// <summary>
/// The operation a node of a generated network performs (<see cref="LayerInfo.Kind"/>). The generator writes these
/// members by name into each model's layer catalogue, so renaming or removing one breaks the build of every model
/// that uses it instead of silently changing what the runtime believes about a layer. The values are fixed: they may
/// be stored.
/// </summary>
public enum LayerKind
{
    /// <summary>Node 0: the network's input.</summary>
    Input = 0,
    /// <summary>Fully connected layer (<see cref="Axon.Layers.Dense"/>; PyTorch <c>nn.Linear</c>).</summary>
    Dense = 1,
    /// <summary>1-D convolution over [C, L] (<see cref="Axon.Layers.Conv1d"/>; PyTorch <c>nn.Conv1d</c>).</summary>
    Conv1d = 2,
    /// <summary>2-D convolution over [C, H, W] (<see cref="Axon.Layers.Conv2d"/>; PyTorch <c>nn.Conv2d</c>).</summary>
    Conv2d = 3,
    /// <summary>2-D max pooling, optionally padded with −∞ (PyTorch <c>nn.MaxPool2d</c>).</summary>
    MaxPool2d = 4,
    /// <summary>2-D average pooling, optionally zero-padded with the padding counted (PyTorch <c>nn.AvgPool2d</c>, count_include_pad=True).</summary>
    AvgPool2d = 5,
    /// <summary>Mean over every spatial position per channel, [C, ...] → [C] (PyTorch <c>nn.AdaptiveAvgPool2d(1)</c> plus flatten).</summary>
    GlobalAvgPool = 6,
    /// <summary>Maximum over the positions per channel, [C, L] → [C] (PyTorch <c>x.max(dim=-1).values</c>).</summary>
    MaxOverTime = 7,
    /// <summary>Per-sample shape to one dimension; values unchanged (PyTorch <c>nn.Flatten</c>).</summary>
    Flatten = 8,
    /// <summary>New per-sample shape with the same values, row-major (PyTorch <c>view</c>/<c>reshape</c>).</summary>
    Reshape = 9,
    /// <summary>Token-id lookup, [L] → [dim, L] channels-first (PyTorch <c>nn.Embedding</c> followed by a transpose).</summary>
    Embedding = 10,

    /// <summary>Batch normalisation in its inference form (running statistics): an affine map.</summary>
    BatchNorm = 11,

    /// <summary>The <c>+</c> of a residual connection.</summary>
    Add = 12,
    /// <summary>Concatenation along the first (channel) axis (PyTorch <c>torch.cat(dim=1)</c> on batched tensors).</summary>
    Concat = 13,
    /// <summary>max(0, x) (PyTorch <c>nn.ReLU</c>).</summary>
    ReLU = 14,
    /// <summary>x for x ≥ 0, slope·x below (PyTorch <c>nn.LeakyReLU</c>).</summary>
    LeakyReLU = 15,
    /// <summary>1 / (1 + e⁻ˣ) (PyTorch <c>nn.Sigmoid</c>).</summary>
    Sigmoid = 16,
    /// <summary>Hyperbolic tangent (PyTorch <c>nn.Tanh</c>).</summary>
    Tanh = 17,
    /// <summary>GELU with the exact error function (PyTorch <c>nn.GELU()</c>, approximate="none").</summary>
    Gelu = 18,
    /// <summary>log(1 + eˣ) (PyTorch <c>nn.Softplus</c> with beta 1).</summary>
    Softplus = 19,
    /// <summary>Softmax over the whole per-sample vector (PyTorch <c>nn.Softmax(dim=1)</c> on [batch, n]).</summary>
    Softmax = 20,
    /// <summary>Log-softmax over the whole per-sample vector (PyTorch <c>nn.LogSoftmax(dim=1)</c> on [batch, n]).</summary>
    LogSoftmax = 21,

    /// <summary>A user's <c>[Differentiable]</c> scalar function applied element-wise.</summary>
    Activation = 22,

    /// <summary>The element-wise <c>a - b</c> of two nodes of the same shape.</summary>
    Subtract = 23,
    /// <summary>Multiplication by a compile-time constant, <c>c * a</c>.</summary>
    Scale = 24,
    /// <summary>The element-wise product <c>a * b</c> of two nodes of the same shape (gating); not affine.</summary>
    Multiply = 25,
    /// <summary>A contiguous range of channels of the first axis, <c>x.Channels(start, count)</c> (PyTorch <c>x[:, start:start + count]</c>).</summary>
    Channels = 26,

    /// <summary>Layer normalisation over the trailing dimensions (<see cref="Axon.Layers.LayerNorm"/>; PyTorch <c>nn.LayerNorm</c>).</summary>
    LayerNorm = 40,
    /// <summary>Root-mean-square normalisation over the trailing dimensions (<see cref="Axon.Layers.RMSNorm"/>; PyTorch <c>nn.RMSNorm</c>).</summary>
    RMSNorm = 41,
    /// <summary>The identity, kept as a named node (PyTorch <c>nn.Identity</c>).</summary>
    Identity = 42,
    /// <summary>Dropout at inference: the identity, kept as a named node (PyTorch <c>nn.Dropout</c> in eval mode).</summary>
    Dropout = 43,
    /// <summary>x·σ(x) (PyTorch <c>nn.SiLU</c>).</summary>
    SiLU = 44,
    /// <summary>Multi-head self-attention with PyTorch's parameter layout (<see cref="Axon.Layers.MultiHeadAttention"/>; PyTorch <c>nn.MultiheadAttention</c>).</summary>
    MultiHeadAttention = 45,
    /// <summary>A learned position table added to [sequence, width] (<see cref="Axon.Layers.PositionalEmbedding"/>).</summary>
    PositionalEmbedding = 46,
    /// <summary>The sinusoidal position encoding added to [sequence, width] (<see cref="Axon.Layers.SinusoidalPositionalEncoding"/>).</summary>
    SinusoidalPositionalEncoding = 47,
    /// <summary>Grouped or depthwise 2-D convolution, Conv2d with groups &gt; 1 (PyTorch <c>nn.Conv2d(..., groups=g)</c>); affine.</summary>
    GroupedConv2d = 60,
    /// <summary>2-D transposed convolution (<see cref="Axon.Layers.ConvTranspose2d"/>; PyTorch <c>nn.ConvTranspose2d</c>); affine.</summary>
    ConvTranspose2d = 61,
    /// <summary>Nearest or bilinear upsampling by an integer factor (<see cref="Axon.Layers.Upsample"/>; PyTorch <c>nn.Upsample</c>); linear.</summary>
    Upsample = 62,
    /// <summary>One-layer LSTM unrolled over the sequence, [seq, input] → [seq, hidden] (<see cref="Axon.Layers.LSTM"/>; PyTorch <c>nn.LSTM</c>).</summary>
    LSTM = 63,
    /// <summary>One-layer GRU unrolled over the sequence, [seq, input] → [seq, hidden] (<see cref="Axon.Layers.GRU"/>; PyTorch <c>nn.GRU</c>).</summary>
    GRU = 64,
    /// <summary>The two axes of a [rows, columns] sample swapped, <c>x.Transpose()</c> (PyTorch <c>x.transpose(1, 2)</c>); linear.</summary>
    Transpose = 56,
}

/// <summary>What the runtime's algorithms need to know about each <see cref="LayerKind"/>, decided in one place.</summary>
public static class LayerKindFacts
{
    /// <summary>
    /// Whether the operation is affine in its inputs (a linear map plus a constant), so that along a straight path
    /// from a baseline its output moves on a straight line too: what the attribution's affine-prefix optimisation
    /// relies on. Max pooling and the embedding lookup are piecewise, not affine; the product of two nodes (gating) is
    /// bilinear, not affine.
    /// </summary>
    public static bool IsAffine(this LayerKind kind) => kind switch
    {
        LayerKind.Dense or LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.Flatten or LayerKind.Reshape
            or LayerKind.AvgPool2d or LayerKind.GlobalAvgPool or LayerKind.BatchNorm or LayerKind.Add or LayerKind.Concat
            or LayerKind.Subtract or LayerKind.Scale or LayerKind.Channels
            or LayerKind.Identity or LayerKind.Dropout or LayerKind.PositionalEmbedding or LayerKind.SinusoidalPositionalEncoding
            or LayerKind.GroupedConv2d or LayerKind.ConvTranspose2d or LayerKind.Upsample
            or LayerKind.Transpose => true,
        _ => false,
    };

    /// <summary>
    /// Whether the operation is piecewise linear in its inputs with breakpoints the exact integration rule can find: the
    /// affine operations, ReLU, LeakyReLU, max pooling and max over time (and the input node).
    /// </summary>
    public static bool IsPiecewiseLinear(this LayerKind kind) =>
        kind.IsAffine() || kind is LayerKind.Input or LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.MaxPool2d or LayerKind.MaxOverTime;

    /// <summary>Whether the operation has breakpoints (the non-affine piecewise-linear ones): ReLU, LeakyReLU, max pooling, max over time.</summary>
    public static bool HasBreakpoints(this LayerKind kind) => kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.MaxPool2d or LayerKind.MaxOverTime;

    /// <summary>
    /// Whether DeepLIFT's reverse pass has a rule for the operation: the affine ones pass multipliers exactly, the
    /// element-wise nonlinearities take the rescale rule, max, softmax and the product their own rules. The
    /// normalisations (which divide by a statistic of the whole row) and attention have none, so DeepLIFT is refused through them.
    /// </summary>
    public static bool HasDeepLiftRule(this LayerKind kind) => kind is not (LayerKind.LayerNorm or LayerKind.RMSNorm or LayerKind.MultiHeadAttention);
}
