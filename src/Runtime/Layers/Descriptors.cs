namespace Axon.Layers;

// Each descriptor mirrors the PyTorch module of the same role (parameter names and layouts included), so that
// weights exported from PyTorch load by name. Shapes are per sample and channels-first.

/// <summary>Fully connected: y = x·Wᵀ + b with W of shape [out, in] (parameters "weight", "bias").</summary>
public sealed class Dense(int inFeatures, int outFeatures, bool bias = true) : Layer
{
    public int InFeatures { get; } = inFeatures;
    public int OutFeatures { get; } = outFeatures;
    public bool Bias { get; } = bias;
}

/// <summary>1-D convolution over [C, L]; weight [out, in, kernel].</summary>
public sealed class Conv1d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true) : Layer
{
    public int InChannels { get; } = inChannels;
    public int OutChannels { get; } = outChannels;
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;
    public bool Bias { get; } = bias;
}

/// <summary>2-D convolution over [C, H, W] with a square kernel; weight [out, in, kernel, kernel].</summary>
public sealed class Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true) : Layer
{
    public int InChannels { get; } = inChannels;
    public int OutChannels { get; } = outChannels;
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride;
    public int Padding { get; } = padding;
    public bool Bias { get; } = bias;
}

/// <summary>Max pooling over [C, H, W]; the stride defaults to the kernel size; no padding.</summary>
public sealed class MaxPool2d(int kernel, int stride = 0) : Layer
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride == 0 ? kernel : stride;
}

/// <summary>Average pooling over [C, H, W]; the stride defaults to the kernel size; no padding.</summary>
public sealed class AvgPool2d(int kernel, int stride = 0) : Layer
{
    public int Kernel { get; } = kernel;
    public int Stride { get; } = stride == 0 ? kernel : stride;
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
    public IReadOnlyList<int> Shape { get; } = shape;
}

/// <summary>
/// Token embedding: [L] token ids (stored as numbers) → [dim, L], channels-first so it feeds Conv1d directly.
/// Ids receive no gradient; the table ("weight", [count, dim]) does.
/// </summary>
public sealed class Embedding(int count, int dim) : Layer
{
    public int Count { get; } = count;
    public int Dim { get; } = dim;
}

/// <summary>Batch normalisation in inference form over [C, ...] ("weight", "bias", "running_mean", "running_var").</summary>
public sealed class BatchNorm(int channels, double epsilon = 1e-5) : Layer
{
    public int Channels { get; } = channels;
    public double Epsilon { get; } = epsilon;
}

public sealed class ReLU : Layer;

public sealed class LeakyReLU(double slope = 0.01) : Layer
{
    public double Slope { get; } = slope;
}

public sealed class Sigmoid : Layer;

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
    public string Function { get; } = function;
}
