using Axon;
using Axon.Attribution;
using Axon.Layers;

namespace Axon.Attribution.Tests.Fields;

// Networks for the receptive-field checks of the ops that read fewer positions than they write: a grouped convolution
// with one input channel per group (output channel c reads input channel ⌊c / 2⌋), a transposed convolution, nearest and
// bilinear upsampling stacked (windows with a divisor; bilinear at an even and an odd scale), then padded pooling and a depthwise convolution after them
// (strided windows over divided ones). LeakyReLU only, so that every feature inside a field can move its neuron.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 5, 5)]
public partial class FieldUpsampling
{
    [Layer] private readonly Conv2d grouped = new(2, 4, kernel: 3, padding: 1, groups: 2);
    [Layer] private readonly LeakyReLU act1 = new(0.3);
    [Layer] private readonly ConvTranspose2d up = new(4, 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Upsample nearest = new(2);
    [Layer] private readonly Identity same = new();
    [Layer] private readonly Upsample smooth = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2, padding: 1);
    [Layer] private readonly Conv2d depthwise = new(2, 2, kernel: 3, stride: 2, groups: 2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(162, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 4, 4)]
public partial class FieldBilinear
{
    [Layer] private readonly Conv2d depthwise = new(2, 4, kernel: 3, padding: 1, groups: 2);
    [Layer] private readonly Dropout drop = new(0.2);
    [Layer] private readonly Upsample odd = new(3, UpsampleMode.Bilinear);
    [Layer] private readonly LeakyReLU act = new(0.3);
    [Layer] private readonly AvgPool2d pool = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(144, 2);
}
