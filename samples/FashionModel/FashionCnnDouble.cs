using Axon;
using Axon.Layers;

namespace Axon.Samples.Fashion;

/// <summary>
/// <see cref="FashionCnn"/> in double precision, the same layers in the same order (so the same parameter layout): copy
/// the float model's parameters into it to measure what only double shows, such as the exact rule's rounding.
/// </summary>
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

    /// <summary>A double model with <paramref name="model"/>'s parameters (the same layout, widened).</summary>
    public static FashionCnnDouble From(FashionCnn model)
    {
        var twin = new FashionCnnDouble();
        var source = model.Parameters;
        var target = twin.Parameters;
        for (int i = 0; i < source.Length; i++) target[i] = source[i];
        return twin;
    }
}
