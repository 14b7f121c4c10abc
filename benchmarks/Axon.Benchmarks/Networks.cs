using Axon.Layers;

namespace Axon.Benchmarks;

/// <summary>The dense sample network: 784 → 256 → 128 → 10 with ReLU (float), Fashion-MNIST-shaped.</summary>
[Differentiable, InputShape(784)]
public partial class Mlp
{
    [Layer] private readonly Dense fc1 = new(784, 256);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly Dense fc2 = new(256, 128);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Dense fc3 = new(128, 10);
}
