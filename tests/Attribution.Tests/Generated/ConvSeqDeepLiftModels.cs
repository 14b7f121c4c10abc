using Axon;
using Axon.Attribution;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// Issue 15's convolution and pooling variants between affine maps, for DeepLIFT's summation-to-delta: padded max
// pooling takes the max rule (Δmax to a winner), padded average pooling the linear rule.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 6)]
public partial class DlPaddedMaxPool
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(27, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 6)]
public partial class DlPaddedAvgPool
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly AvgPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(27, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(4, 5, 5)]
public partial class DlGroupedConv
{
    [Layer] private readonly Conv2d grouped = new(4, 6, kernel: 3, padding: 1, groups: 2);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Conv2d depthwise = new(6, 6, kernel: 3, stride: 2, groups: 6);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 3, 3)]
public partial class DlDecoder
{
    [Layer] private readonly ConvTranspose2d up = new(2, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly Upsample bilinear = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Upsample nearest = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(1728, 3);
}

// The recurrent layers' own rule: secants through σ and tanh, means of the other factor through the gate products.

[Differentiable(ElementType = ElementType.Double), InputShape(4, 3)]
public partial class DlLstm
{
    [Layer] private readonly LSTM lstm = new(3, 4);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly LSTM second = new(4, 2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(8, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(5, 2)]
public partial class DlGru
{
    [Layer] private readonly GRU gru = new(2, 3);
    [Layer] private readonly GRU second = new(3, 3);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(15, 3);
}

// Overlapping, padded max pooling for the exact integration rule: its windows are clipped to the image.
[Differentiable(ElementType = ElementType.Double), InputShape(1, 7, 7)]
public partial class ExPaddedMaxPool
{
    [Layer] private readonly Conv2d conv = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(48, 3);
}
