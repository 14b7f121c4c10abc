using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// Generated models for the attribution tests: smooth ones (tanh, softplus, GELU) for tight Gauss–Legendre checks in
// double, ReLU / max-pool ones for the Riemann checks, a residual network whose inner layers paths bypass, a purely
// linear model with a closed-form answer, and float twins.

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class SmoothMlp
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly Dense fc2 = new(8, 7);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly Dense fc3 = new(7, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 8, 8)]
public partial class SmoothCnn
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly AvgPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 4, kernel: 3, padding: 1);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(64, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 8, 8)]
public partial class ReluCnn
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(64, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class Residual
{
    [Layer] private readonly Dense a = new(6, 6);
    [Layer] private readonly Tanh t = new();
    [Layer] private readonly Dense head = new(6, 2);

    private Tensor Forward(Tensor x)
    {
        var h = t.Apply(a.Apply(x));
        return head.Apply(h + x);
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class Linear
{
    [Layer] private readonly Dense fc = new(5, 3);
}

[Differentiable(ElementType = ElementType.Float), InputShape(6)]
public partial class SmoothMlpFloat
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly Dense fc2 = new(8, 7);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly Dense fc3 = new(7, 3);
}

[Differentiable(ElementType = ElementType.Float), InputShape(1, 8, 8)]
public partial class ReluCnnFloat
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(64, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 6, 6)]
public partial class AffineStem
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, padding: 1);
    [Layer] private readonly AvgPool2d pool1 = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc1 = new(27, 10);
    [Layer] private readonly Softplus act = new();
    [Layer] private readonly Dense fc2 = new(10, 2);
}
