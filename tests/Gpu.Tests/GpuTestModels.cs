using Axon;
using Axon.Layers;

namespace Axon.Gpu.Tests;

// Networks that together use every layer type, declared in this project (the GPU classes below are written from
// this compilation's model pipeline); FashionCnnGpu is written from the description stored on a referenced model.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 9, 8)]
public partial class ConvNet
{
    [Layer] private readonly Conv2d conv1 = new(2, 4, kernel: 3, padding: 1);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly BatchNorm bn = new(3);
    [Layer] private readonly LeakyReLU leaky = new(0.1);
    [Layer] private readonly AvgPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(3, 4);
    [Layer] private readonly LogSoftmax logSoftmax = new();
}

[Differentiable(ElementType = ElementType.Double), InputShape(3, 9, 9)]
public partial class OverlapNet
{
    [Layer] private readonly Conv2d conv = new(3, 4, kernel: 2, bias: false);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2);
    [Layer] private readonly AvgPool2d average = new(2, stride: 1);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(16, 5, bias: false);
    [Layer] private readonly Softmax softmax = new();
}

[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class ResidualNet
{
    [Layer] private readonly Dense a = new(5, 5);
    [Layer] private readonly Tanh t = new();
    [Layer] private readonly Dense b = new(5, 5);
    [Layer] private readonly Sigmoid s = new();
    [Layer] private readonly Activation swish = new(nameof(GpuTestActivations.Swish));
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly Dense head = new(10, 3);

    private Tensor Forward(Tensor x)
    {
        var h = t.Apply(a.Apply(x));
        var r = s.Apply(b.Apply(h)) + x;
        var joined = Tensor.Concat(swish.Apply(r), softplus.Apply(h));
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

/// <summary>Subtraction, constant factors on both sides, gating (also of a node with itself) and channel selection.</summary>
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
        var d = a * gate.Apply(h.Channels(3, 3)) - Half * x.Channels(1, 3);
        return fc.Apply((d * 2 - a * a).Flatten());
    }
}

public static partial class GpuTestActivations
{
    [Differentiable]
    public static double Swish(double x) => x / (1 + Math.Exp(-x));
}

[GpuModel(typeof(ConvNet))] public partial class ConvNetGpu;

[GpuModel(typeof(OverlapNet))] public partial class OverlapNetGpu;

[GpuModel(typeof(ResidualNet))] public partial class ResidualNetGpu;

[GpuModel(typeof(TextNet))] public partial class TextNetGpu;

[GpuModel(typeof(ShapesNet))] public partial class ShapesNetGpu;

[GpuModel(typeof(OpsNet))] public partial class OpsNetGpu;

[GpuModel(typeof(Axon.Samples.Fashion.FashionCnn))] public partial class FashionCnnGpu;
