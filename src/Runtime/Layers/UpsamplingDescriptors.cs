namespace Axon.Layers;

// The decoder half of U-Net-style models: transposed convolution and upsampling, mirroring PyTorch's modules.

/// <summary>
/// 2-D transposed convolution over [C, H, W] with a square kernel (PyTorch <c>nn.ConvTranspose2d</c>); weight
/// [in, out, kernel, kernel] (PyTorch's layout for this module), bias [out].
/// H_out = (H − 1)·stride − 2·padding + kernel + outputPadding, likewise W_out.
/// </summary>
public sealed class ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true) : Layer
{
    /// <summary>Input channels C: the first dimension of the per-sample input [C, H, W] and of "weight".</summary>
    public int InChannels { get; } = inChannels;
    /// <summary>Output channels: the first dimension of the output and the second of "weight".</summary>
    public int OutChannels { get; } = outChannels;
    /// <summary>Side of the square kernel in pixels.</summary>
    public int Kernel { get; } = kernel;
    /// <summary>Spacing of the input positions in the output (at least 1).</summary>
    public int Stride { get; } = stride;
    /// <summary>Rows and columns removed from every side of the full transposed output (0 or more).</summary>
    public int Padding { get; } = padding;
    /// <summary>Rows and columns added at the bottom and right, smaller than the stride (PyTorch's output_padding).</summary>
    public int OutputPadding { get; } = outputPadding;
    /// <summary>Whether the layer adds one bias per output channel ("bias", [out]).</summary>
    public bool Bias { get; } = bias;
}

/// <summary>
/// Upsampling [C, H, W] → [C, H·scale, W·scale] by an integer factor (PyTorch <c>nn.Upsample(scale_factor=scale, mode=...)</c>).
/// The mode is Grad-CAM's <see cref="Attribution.UpsampleMode"/> (the same two PyTorch modes): nearest, or bilinear with
/// align_corners=False.
/// </summary>
public sealed class Upsample(int scale, Attribution.UpsampleMode mode = Attribution.UpsampleMode.Nearest) : Layer
{
    /// <summary>The integer scale factor (at least 1) applied to both height and width.</summary>
    public int Scale { get; } = scale;
    /// <summary>Nearest or bilinear (align_corners=False).</summary>
    public Attribution.UpsampleMode Mode { get; } = mode;
}
