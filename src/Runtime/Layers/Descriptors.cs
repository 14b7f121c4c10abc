namespace Axon.Layers;

// Each descriptor mirrors the PyTorch module of the same role (parameter names and layouts included), so that
// weights exported from PyTorch load by name. Shapes are per sample and channels-first.

/// <summary>Fully connected: y = x·Wᵀ + b with W of shape [out, in] (parameters "weight", "bias").</summary>
public sealed class Dense(int inFeatures, int outFeatures, bool bias = true) : Layer
{
    /// <summary>Input features: the length of the per-sample input vector (insert a <see cref="Flatten"/> before a multi-dimensional input).</summary>
    public int InFeatures { get; } = inFeatures;
    /// <summary>Output features: the length of the per-sample output vector and the first dimension of "weight".</summary>
    public int OutFeatures { get; } = outFeatures;
    /// <summary>Whether the layer adds a bias vector ("bias", [out]); false: y = x·Wᵀ only.</summary>
    public bool Bias { get; } = bias;
}

/// <summary>1-D convolution over [C, L]; weight [out, in, kernel].</summary>
public sealed class Conv1d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true) : Layer
{
    /// <summary>Input channels C: the first dimension of the per-sample input [C, L].</summary>
    public int InChannels { get; } = inChannels;
    /// <summary>Output channels (filters): the first dimension of the output [out, L_out] and of "weight".</summary>
    public int OutChannels { get; } = outChannels;
    /// <summary>Kernel width in positions.</summary>
    public int Kernel { get; } = kernel;
    /// <summary>Step between kernel positions (at least 1); L_out = (L + 2·padding − kernel) / stride + 1.</summary>
    public int Stride { get; } = stride;
    /// <summary>Zero positions added at each end of the sequence (0 or more).</summary>
    public int Padding { get; } = padding;
    /// <summary>Whether the layer adds one bias per output channel ("bias", [out]).</summary>
    public bool Bias { get; } = bias;
}

/// <summary>
/// 2-D convolution over [C, H, W] with a square kernel; weight [out, in / groups, kernel, kernel] (PyTorch <c>nn.Conv2d</c>).
/// With groups &gt; 1 the channels split into that many independent groups (depthwise when groups = in = out).
/// </summary>
public sealed class Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true, int groups = 1) : Layer
{
    /// <summary>Input channels C: the first dimension of the per-sample input [C, H, W].</summary>
    public int InChannels { get; } = inChannels;
    /// <summary>Output channels (filters): the first dimension of the output [out, H_out, W_out] and of "weight".</summary>
    public int OutChannels { get; } = outChannels;
    /// <summary>Side of the square kernel in pixels.</summary>
    public int Kernel { get; } = kernel;
    /// <summary>Step between kernel positions in both directions (at least 1); H_out = (H + 2·padding − kernel) / stride + 1, likewise W_out.</summary>
    public int Stride { get; } = stride;
    /// <summary>Zero rows and columns added on every side of the image (0 or more).</summary>
    public int Padding { get; } = padding;
    /// <summary>Whether the layer adds one bias per output channel ("bias", [out]).</summary>
    public bool Bias { get; } = bias;
    /// <summary>Channel groups (at least 1, dividing both channel counts): each output channel sees only the in / groups input channels of its group.</summary>
    public int Groups { get; } = groups;
}

/// <summary>Max pooling over [C, H, W]; the stride defaults to the kernel size; optional padding with −∞ (PyTorch <c>nn.MaxPool2d</c>, ceil_mode=False).</summary>
public sealed class MaxPool2d(int kernel, int stride = 0, int padding = 0) : Layer
{
    /// <summary>Side of the square pooling window in pixels.</summary>
    public int Kernel { get; } = kernel;
    /// <summary>Step between windows; the kernel size when the constructor was given 0 (non-overlapping windows). H_out = (H + 2·padding − kernel) / stride + 1.</summary>
    public int Stride { get; } = stride == 0 ? kernel : stride;
    /// <summary>Rows and columns of −∞ added on every side (0 to kernel / 2, as PyTorch allows).</summary>
    public int Padding { get; } = padding;
}

/// <summary>Average pooling over [C, H, W]; the stride defaults to the kernel size; optional zero padding counted in the mean (PyTorch <c>nn.AvgPool2d</c> with its defaults count_include_pad=True, ceil_mode=False).</summary>
public sealed class AvgPool2d(int kernel, int stride = 0, int padding = 0) : Layer
{
    /// <summary>Side of the square pooling window in pixels.</summary>
    public int Kernel { get; } = kernel;
    /// <summary>Step between windows; the kernel size when the constructor was given 0 (non-overlapping windows). H_out = (H + 2·padding − kernel) / stride + 1.</summary>
    public int Stride { get; } = stride == 0 ? kernel : stride;
    /// <summary>Rows and columns of 0 (counted in each window's kernel² divisor) added on every side (0 to kernel / 2, as PyTorch allows).</summary>
    public int Padding { get; } = padding;
}

/// <summary>Global average pooling: [C, ...] → [C].</summary>
public sealed class GlobalAvgPool : Layer;

/// <summary>Max over time for sequences: [C, L] → [C].</summary>
public sealed class MaxOverTime : Layer;

/// <summary>Flattens the per-sample shape to one dimension.</summary>
public sealed class Flatten : Layer;

/// <summary>Reinterprets the per-sample shape; the element count must not change.</summary>
public sealed class Reshape(params int[] shape) : Layer
{
    /// <summary>The new per-sample shape (positive dimensions, without the batch), read row-major as PyTorch's <c>view</c> does.</summary>
    public IReadOnlyList<int> Shape { get; } = shape;
}

/// <summary>
/// Token embedding: [L] token ids (stored as numbers) → [dim, L], channels-first so it feeds Conv1d directly.
/// Ids receive no gradient; the table ("weight", [count, dim]) does.
/// </summary>
public sealed class Embedding(int count, int dim) : Layer
{
    /// <summary>Vocabulary size: token ids must be integers in [0, Count); the first dimension of "weight".</summary>
    public int Count { get; } = count;
    /// <summary>Embedding width: the number of channels of the output [Dim, L].</summary>
    public int Dim { get; } = dim;
}

/// <summary>Batch normalisation in inference form over [C, ...] ("weight", "bias", "running_mean", "running_var").</summary>
public sealed class BatchNorm(int channels, double epsilon = 1e-5) : Layer
{
    /// <summary>Channels C normalised: the first dimension of the per-sample input [C, ...] and the length of each parameter vector.</summary>
    public int Channels { get; } = channels;
    /// <summary>Added to the running variance before the square root: y = (x − running_mean) / √(running_var + ε) · weight + bias.</summary>
    public double Epsilon { get; } = epsilon;
}

/// <summary>Rectified linear unit max(0, x), element-wise (PyTorch <c>nn.ReLU</c>).</summary>
public sealed class ReLU : Layer;

/// <summary>Leaky ReLU: x for x ≥ 0, slope·x below (PyTorch <c>nn.LeakyReLU</c>).</summary>
/// <param name="slope">The slope for negative inputs (PyTorch's <c>negative_slope</c>; default 0.01); must be finite.</param>
public sealed class LeakyReLU(double slope = 0.01) : Layer
{
    /// <summary>The slope for negative inputs.</summary>
    public double Slope { get; } = slope;
}

/// <summary>Logistic sigmoid 1 / (1 + e⁻ˣ), element-wise (PyTorch <c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Layer;

/// <summary>Hyperbolic tangent, element-wise (PyTorch <c>nn.Tanh</c>).</summary>
public sealed class Tanh : Layer;

/// <summary>GELU with the exact error function (PyTorch's default).</summary>
public sealed class Gelu : Layer;

/// <summary>softplus(x) = log(1 + eˣ).</summary>
public sealed class Softplus : Layer;

/// <summary>Softmax over the whole per-sample vector.</summary>
public sealed class Softmax : Layer;

/// <summary>Log-softmax over the whole per-sample vector.</summary>
public sealed class LogSoftmax : Layer;

/// <summary>
/// An element-wise activation given by a <see cref="DifferentiableAttribute"/> static scalar function, named with
/// <c>nameof</c> (e.g. <c>new Activation(nameof(Swish))</c>); its derivative is generated at compile time.
/// </summary>
public sealed class Activation(string function) : Layer
{
    /// <summary>The name of the static <c>[Differentiable]</c> scalar function (as <c>nameof</c> gives it).</summary>
    public string Function { get; } = function;
}

/// <summary>SiLU (swish) x·σ(x), element-wise (PyTorch <c>nn.SiLU</c>).</summary>
public sealed class SiLU : Layer;
