using Axon;
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
