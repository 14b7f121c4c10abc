using Axon;
using Axon.Layers;
using Axon.Samples.Fashion;

namespace Axon.Gpu.Check;

/// <summary>The shipped FashionCnn's kernels (written from the description stored on the referenced model).</summary>
[GpuModel(typeof(FashionCnn))]
internal sealed partial class FashionCnnGpu;

/// <summary>FashionCnn in double, for the double-precision comparison (relative 1e-10).</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 28, 28)]
internal sealed partial class FashionCnnDouble
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

[GpuModel(typeof(FashionCnnDouble))]
internal sealed partial class FashionCnnDoubleGpu;
