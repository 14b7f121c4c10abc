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
