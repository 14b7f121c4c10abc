using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Windows;

// The shipped Fashion-MNIST CNN's shape (samples/FashionModel/FashionCnn.cs), in double and float, for the windowed
// region tangents of patch IG on the network the benchmarks time: padding-1 convolutions, each ReLU fused with the 2×2
// max pooling after it, a 4 × 4 grid of 7 × 7 regions whose cones are clipped at the borders.

[Differentiable(ElementType = ElementType.Double), InputShape(1, 28, 28)]
public partial class ShippedShapeCnn
{
    [Layer] private readonly Conv2d conv1 = new(1, 8, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(8, 16, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(784, 64);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(64, 10);
}

[Differentiable(ElementType = ElementType.Float), InputShape(1, 28, 28)]
public partial class ShippedShapeCnnFloat
{
    [Layer] private readonly Conv2d conv1 = new(1, 8, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(8, 16, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(784, 64);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(64, 10);
}
