using Axon;
using Axon.Layers;

namespace Axon.Attribution.Benchmarks;

/// <summary>The MLP of the comparison: 784 → 256 → 128 → 10 with ReLU (float).</summary>
[Differentiable, InputShape(784)]
public partial class FashionMlp
{
    [Layer] private readonly Dense fc1 = new(784, 256);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly Dense fc2 = new(256, 128);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Dense fc3 = new(128, 10);
}

/// <summary>The shipped FashionCnn in double, for the exact rule's measurement (weights copied from the float model).</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 28, 28)]
public partial class FashionCnnDouble
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
