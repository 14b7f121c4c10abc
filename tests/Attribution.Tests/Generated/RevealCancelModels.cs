using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// Models for DeepLIFT's RevealCancel rule: multi-layer perceptrons whose nonlinearities follow dense layers (where
// the rule applies), with different activations, and the smallest network on which it differs from rescale.

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class RcReluTanhMlp
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly ReLU act1 = new();
    [Layer] private readonly Dense fc2 = new(8, 5);
    [Layer] private readonly Tanh act2 = new();
    [Layer] private readonly Dense fc3 = new(5, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class RcSmoothMlp
{
    [Layer] private readonly Dense fc1 = new(5, 7);
    [Layer] private readonly Sigmoid act1 = new();
    [Layer] private readonly Dense fc2 = new(7, 6);
    [Layer] private readonly Softplus act2 = new();
    [Layer] private readonly Dense fc3 = new(6, 4);
    [Layer] private readonly LeakyReLU act3 = new(0.1);
    [Layer] private readonly Dense fc4 = new(4, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(3)]
public partial class RcTinyRelu
{
    [Layer] private readonly Dense fc1 = new(3, 4);
    [Layer] private readonly ReLU act1 = new();
    [Layer] private readonly Dense fc2 = new(4, 3);
    [Layer] private readonly ReLU act2 = new();
    [Layer] private readonly Dense fc3 = new(3, 2);
}

// y = ReLU(x₁ − x₂): the example worked out by hand in RevealCancelTests.
[Differentiable(ElementType = ElementType.Double), InputShape(2)]
public partial class RcDifference
{
    [Layer] private readonly Dense fc1 = new(2, 1, bias: false);
    [Layer] private readonly ReLU act = new();
    [Layer] private readonly Dense fc2 = new(1, 1, bias: false);
}

[Differentiable, InputShape(6)]
public partial class RcReluTanhMlpFloat
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly ReLU act1 = new();
    [Layer] private readonly Dense fc2 = new(8, 5);
    [Layer] private readonly Tanh act2 = new();
    [Layer] private readonly Dense fc3 = new(5, 3);
}
