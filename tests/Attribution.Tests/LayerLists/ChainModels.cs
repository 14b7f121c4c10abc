using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.LayerLists;

// A small chain with known weights for the layer-list and global-form tests: F = v·tanh(W₂·tanh(W₁x + b₁) + b₂) + d, whose
// every layer value, gradient and DeepLIFT multiplier the tests write out in closed form (ChainNetwork). A float twin runs
// the same checks in single precision, and a float twin of SmoothCnn the Grad-CAM lists.

[Differentiable(ElementType = ElementType.Double), InputShape(3)]
public partial class ChainNet
{
    [Layer] private readonly Dense fc1 = new(3, 3);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly Dense fc2 = new(3, 2);
    [Layer] private readonly Tanh tanh2 = new();
    [Layer] private readonly Dense head = new(2, 1);
}

[Differentiable(ElementType = ElementType.Float), InputShape(3)]
public partial class ChainNetF
{
    [Layer] private readonly Dense fc1 = new(3, 3);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly Dense fc2 = new(3, 2);
    [Layer] private readonly Tanh tanh2 = new();
    [Layer] private readonly Dense head = new(2, 1);
}

[Differentiable(ElementType = ElementType.Float), InputShape(1, 8, 8)]
public partial class SmoothCnnF
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly AvgPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 4, kernel: 3, padding: 1);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(64, 3);
}
