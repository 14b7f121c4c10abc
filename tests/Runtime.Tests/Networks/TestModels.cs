using Axon;
using Axon.Layers;

namespace Axon.Runtime.Tests.Networks;

// Small networks that together use every layer type, in double precision so that finite differences can check
// the generated reverse and forward modes tightly. The float twins check the float path and allocations.

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DenseNet
{
    [Layer] private readonly Dense fc1 = new(6, 8);
    [Layer] private readonly Tanh tanh1 = new();
    [Layer] private readonly Dense fc2 = new(8, 5);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly Dense fc3 = new(5, 4, bias: false);
    [Layer] private readonly LeakyReLU leaky = new(0.1);
    [Layer] private readonly Dense fc4 = new(4, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 9, 8)]
public partial class ConvNet
{
    [Layer] private readonly Conv2d conv1 = new(2, 4, kernel: 3, padding: 1);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly BatchNorm bn = new(3);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly AvgPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(3, 4);
    [Layer] private readonly LogSoftmax logSoftmax = new();
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class ResidualNet
{
    [Layer] private readonly Dense a = new(5, 5);
    [Layer] private readonly Tanh t = new();
    [Layer] private readonly Dense b = new(5, 5);
    [Layer] private readonly Sigmoid s = new();
    [Layer] private readonly Dense head = new(10, 3);

    private Tensor Forward(Tensor x)
    {
        var h = t.Apply(a.Apply(x));
        var r = s.Apply(b.Apply(h)) + x;
        var joined = Tensor.Concat(r, h);
        return head.Apply(joined);
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(7)]
public partial class TextNet
{
    [Layer] private readonly Embedding embedding = new(10, 4);
    [Layer] private readonly Conv1d conv = new(4, 5, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly MaxOverTime pool = new();
    [Layer] private readonly Dense fc = new(5, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(3, 4, 4)]
public partial class ShapesNet
{
    [Layer] private readonly Conv2d conv = new(3, 2, kernel: 1);
    [Layer] private readonly Reshape reshape = new(2, 16);
    [Layer] private readonly Conv1d conv1d = new(2, 3, kernel: 4, stride: 3);
    [Layer] private readonly GlobalAvgPool pool = new();
    [Layer] private readonly Dense fc = new(3, 3);
    [Layer] private readonly Softmax softmax = new();
}

public static partial class TestActivations
{
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));

    [Differentiable]
    public static float SwishF(float x) => x / (1 + MathF.Exp(-x));
}

[Differentiable(ElementType = ElementType.Double), InputShape(4)]
public partial class SwishNet
{
    [Layer] private readonly Dense fc1 = new(4, 6);
    [Layer] private readonly Activation swish = new(nameof(TestActivations.Swish));
    [Layer] private readonly Dense fc2 = new(6, 2);

    private Tensor Forward(Tensor x) => fc2.Apply(swish.Apply(fc1.Apply(x)) + fc1.Apply(x).Apply(TestActivations.Swish));
}

/// <summary>The sample FashionCnn (samples/FashionModel) in double, to compare the float path against.</summary>
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

/// <summary>
/// The Forward arithmetic besides '+': channel selection, gating (a product of two nodes, and of a node with
/// itself), constant factors on either side (a literal and a const), and subtraction.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 3)]
public partial class OpsNet
{
    private const double Half = 0.5;

    [Layer] private readonly Conv1d conv = new(4, 6, kernel: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Sigmoid gate = new();
    [Layer] private readonly Dense fc = new(9, 3);

    private Tensor Forward(Tensor x)
    {
        var h = tanh.Apply(conv.Apply(x));
        var a = h.Channels(0, 3);
        var g = gate.Apply(h.Channels(3, 3));
        var d = a * g - Half * x.Channels(1, 3);
        var e = d * 2 - a * a;
        return fc.Apply(e.Flatten());
    }
}
