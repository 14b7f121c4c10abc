using Axon;
using Axon.Attribution;
using Axon.Layers;

namespace Axon.Runtime.Tests.ConvSeq;

// Networks for the convolution and pooling variants of issue 15, in double for finite differences, with float twins
// for the float path.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 7, 8)]
public partial class PaddedPoolNet
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly MaxPool2d max = new(3, stride: 2, padding: 1);
    [Layer] private readonly AvgPool2d avg = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 3);
}

[Differentiable(ElementType = ElementType.Float), InputShape(2, 7, 8)]
public partial class PaddedPoolNetF
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly MaxPool2d max = new(3, stride: 2, padding: 1);
    [Layer] private readonly AvgPool2d avg = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(4, 6, 5)]
public partial class GroupedConvNet
{
    [Layer] private readonly Conv2d grouped = new(4, 6, kernel: 3, stride: 2, padding: 1, groups: 2);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Conv2d depthwise = new(6, 6, kernel: 3, padding: 1, bias: false, groups: 6);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(54, 3);
}

[Differentiable(ElementType = ElementType.Float), InputShape(4, 6, 5)]
public partial class GroupedConvNetF
{
    [Layer] private readonly Conv2d grouped = new(4, 6, kernel: 3, stride: 2, padding: 1, groups: 2);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Conv2d depthwise = new(6, 6, kernel: 3, padding: 1, bias: false, groups: 6);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(54, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 4, 3)]
public partial class DecoderNet
{
    [Layer] private readonly ConvTranspose2d up = new(2, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Upsample bilinear = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Conv2d mix = new(3, 2, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly Upsample nearest = new(3);
    [Layer] private readonly ConvTranspose2d plain = new(2, 1, kernel: 2, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(475, 2);
}

[Differentiable(ElementType = ElementType.Float), InputShape(2, 4, 3)]
public partial class DecoderNetF
{
    [Layer] private readonly ConvTranspose2d up = new(2, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Upsample bilinear = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Conv2d mix = new(3, 2, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly Upsample nearest = new(3);
    [Layer] private readonly ConvTranspose2d plain = new(2, 1, kernel: 2, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(475, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(5, 3)]
public partial class LstmNet
{
    [Layer] private readonly LSTM lstm = new(3, 4);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(20, 2);
}

[Differentiable(ElementType = ElementType.Float), InputShape(5, 3)]
public partial class LstmNetF
{
    [Layer] private readonly LSTM lstm = new(3, 4);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(20, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6, 2)]
public partial class GruNet
{
    [Layer] private readonly GRU gru = new(2, 3);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly GRU second = new(3, 2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 2);
}

[Differentiable(ElementType = ElementType.Float), InputShape(6, 2)]
public partial class GruNetF
{
    [Layer] private readonly GRU gru = new(2, 3);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly GRU second = new(3, 2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 2);
}
