using Axon;
using Axon.Attribution;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// Piecewise-linear networks built from the affine kinds the exact rule learned after its first release: grouped and
// depthwise convolution, transposed convolution, nearest and bilinear upsampling, the identity, dropout at inference,
// padded max and average pooling with a stride other than the kernel, and the two position tables (additive constants).

[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 6)]
public partial class ExactConvFamily
{
    [Layer] private readonly Conv2d grouped = new(2, 4, kernel: 3, padding: 1, groups: 2);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly ConvTranspose2d up = new(4, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Identity same = new();
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Upsample nearest = new(2);
    [Layer] private readonly Dropout drop = new(0.3);
    [Layer] private readonly AvgPool2d avg = new(3, stride: 2, padding: 1);
    [Layer] private readonly Upsample smooth = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Conv2d depthwise = new(3, 3, kernel: 3, stride: 2, groups: 3);
    [Layer] private readonly LeakyReLU leaky = new(0.1);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(75, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class ExactPositional
{
    [Layer] private readonly PositionalEmbedding positions = new(4, 6);
    [Layer] private readonly SinusoidalPositionalEncoding sines = new(4, 6);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc1 = new(24, 16);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly Dense fc2 = new(16, 3);
}

[Differentiable(ElementType = ElementType.Float), InputShape(2, 6, 6)]
public partial class ExactConvFamilyFloat
{
    [Layer] private readonly Conv2d grouped = new(2, 4, kernel: 3, padding: 1, groups: 2);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly ConvTranspose2d up = new(4, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Upsample smooth = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(432, 3);
}
