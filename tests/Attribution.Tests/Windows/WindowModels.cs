using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Windows;

// CNNs for the tiled (windowed) region tangents of patch IG: odd plane sizes, padding 0 and 1, stride 1 and 2, max
// pooling (also overlapping: kernel 3, stride 2) and average pooling, batch norm, and every element-wise kind (a
// [Differentiable] custom one too).

[Differentiable(ElementType = ElementType.Double), InputShape(2, 11, 9)]
public partial class WindowCnnPadded
{
    [Layer] private readonly Conv2d conv1 = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(3, 4, kernel: 3);
    [Layer] private readonly Tanh tanh2 = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 13, 12)]
public partial class WindowCnnStrided
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly BatchNorm bn = new(4);
    [Layer] private readonly LeakyReLU act = new(0.1);
    [Layer] private readonly AvgPool2d pool = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 3, kernel: 1);
    [Layer] private readonly Sigmoid sig = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(27, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 10, 10)]
public partial class WindowCnnOverlap
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly Softplus soft = new();
    [Layer] private readonly Activation swish = new(nameof(WindowActivations.Swish));
    [Layer] private readonly MaxPool2d pool = new(3, 2);
    [Layer] private readonly Conv2d conv2 = new(3, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(12, 2);
}

public static partial class WindowActivations
{
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));
}
