using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// Models for the axioms of the rigorous IG study. AxPlain and AxRewritten compute the same function when
// AxRewritten's middle layer is the identity (ReLU(I·ReLU(z)) = ReLU(z)): two implementations of one function.
// AxMonotone is non-decreasing in every input once its weights are made non-negative (NDP).

[Differentiable(ElementType = ElementType.Double), InputShape(4)]
public partial class AxPlain
{
    [Layer] private readonly Dense fc1 = new(4, 6);
    [Layer] private readonly ReLU act1 = new();
    [Layer] private readonly Dense fc2 = new(6, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(4)]
public partial class AxRewritten
{
    [Layer] private readonly Dense fc1 = new(4, 6);
    [Layer] private readonly ReLU act1 = new();
    [Layer] private readonly Dense same = new(6, 6, bias: false);
    [Layer] private readonly ReLU act2 = new();
    [Layer] private readonly Dense fc2 = new(6, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class AxMonotone
{
    [Layer] private readonly Dense fc1 = new(5, 6);
    [Layer] private readonly Sigmoid act1 = new();
    [Layer] private readonly Dense fc2 = new(6, 4);
    [Layer] private readonly ReLU act2 = new();
    [Layer] private readonly Dense fc3 = new(4, 1);
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class AxSmooth
{
    [Layer] private readonly Dense fc1 = new(5, 7);
    [Layer] private readonly Tanh act1 = new();
    [Layer] private readonly Dense fc2 = new(7, 3);
}
