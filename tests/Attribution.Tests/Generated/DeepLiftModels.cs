using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

// One small double-precision model per layer type for DeepLIFT's summation-to-delta: each puts the layer under
// test between affine maps, so a wrong multiplier anywhere shows up as a non-zero delta. Layers that change no
// values on their own (Flatten) ride along in others. DeepLiftCnn is the random CNN of the main job's shape.

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlDense
{
    [Layer] private readonly Dense fc1 = new(6, 5);
    [Layer] private readonly Dense fc2 = new(5, 3, bias: false);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 9)]
public partial class DlConv1d
{
    [Layer] private readonly Conv1d conv = new(2, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(15, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 6)]
public partial class DlConv2d
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, stride: 1, padding: 1);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(108, 3);
}

// Overlapping windows (kernel 3, stride 2): an input can win several windows and collect from each.
[Differentiable(ElementType = ElementType.Double), InputShape(2, 7, 7)]
public partial class DlMaxPool
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly MaxPool2d pool = new(3, stride: 2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(27, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 6)]
public partial class DlAvgPool
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly Softplus softplus = new();
    [Layer] private readonly AvgPool2d pool = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(27, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 5, 5)]
public partial class DlGlobalAvgPool
{
    [Layer] private readonly Conv2d conv = new(2, 4, kernel: 3, padding: 1);
    [Layer] private readonly Sigmoid sigmoid = new();
    [Layer] private readonly GlobalAvgPool pool = new();
    [Layer] private readonly Dense fc = new(4, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(3, 8)]
public partial class DlMaxOverTime
{
    [Layer] private readonly Conv1d conv = new(3, 4, kernel: 3);
    [Layer] private readonly MaxOverTime pool = new();
    [Layer] private readonly Dense fc = new(4, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 4, 4)]
public partial class DlBatchNorm
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly BatchNorm bn = new(3);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(48, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlResidual
{
    [Layer] private readonly Dense a = new(6, 6);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Dense head = new(6, 3);

    private Tensor Forward(Tensor x)
    {
        var h = gelu.Apply(a.Apply(x));
        return head.Apply(h + x);
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlConcat
{
    [Layer] private readonly Dense a = new(6, 4);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense head = new(10, 3);

    private Tensor Forward(Tensor x) => head.Apply(Tensor.Concat(tanh.Apply(a.Apply(x)), x));
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlRelu
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly ReLU act = new();
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlLeakyRelu
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly LeakyReLU act = new(0.1);
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlSigmoid
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly Sigmoid act = new();
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlTanh
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly Tanh act = new();
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlGelu
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly Gelu act = new();
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlSoftplus
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly Softplus act = new();
    [Layer] private readonly Dense fc2 = new(6, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlCustomActivation
{
    [Layer] private readonly Dense fc1 = new(6, 6);
    [Layer] private readonly Activation act = new(nameof(DlActs.Swish));
    [Layer] private readonly Dense fc2 = new(6, 3);
}

public static partial class DlActs
{
    // Non-monotonic below zero, so secants of either sign occur.
    [Differentiable] public static double Swish(double x) => x / (1 + Math.Exp(-x));
}

// A dense layer after the softmax, so the multipliers arriving at it are not one-hot.
[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlSoftmax
{
    [Layer] private readonly Dense fc1 = new(6, 5);
    [Layer] private readonly Softmax softmax = new();
    [Layer] private readonly Dense fc2 = new(5, 3);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlLogSoftmax
{
    [Layer] private readonly Dense fc1 = new(6, 5);
    [Layer] private readonly LogSoftmax logSoftmax = new();
    [Layer] private readonly Dense fc2 = new(5, 3);
}

// Token ids carry no gradient, so DeepLIFT is taken at the embedding's output.
[Differentiable(ElementType = ElementType.Double), InputShape(7)]
public partial class DlEmbedding
{
    [Layer] private readonly Embedding embedding = new(12, 4);
    [Layer] private readonly Conv1d conv = new(4, 3, kernel: 3);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly MaxOverTime pool = new();
    [Layer] private readonly Dense fc = new(3, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 12, 12)]
public partial class DeepLiftCnn
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 6, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(54, 16);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(16, 10);
}

// The same network in float, the element type the shipped model uses.
[Differentiable(ElementType = ElementType.Float), InputShape(1, 12, 12)]
public partial class DeepLiftCnnFloat
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 6, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(54, 16);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(16, 10);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlSubtract
{
    [Layer] private readonly Dense a = new(6, 6);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense head = new(6, 3);

    private Tensor Forward(Tensor x) => head.Apply(tanh.Apply(a.Apply(x)) - x);
}

[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlScale
{
    private const double Factor = -1.5;

    [Layer] private readonly Dense a = new(6, 5);
    [Layer] private readonly Sigmoid sigmoid = new();
    [Layer] private readonly Dense head = new(5, 3);

    private Tensor Forward(Tensor x) => head.Apply(Factor * sigmoid.Apply(a.Apply(x) * 3));
}

/// <summary>A gate: tanh(W₁x) ⊙ σ(W₂x), so both factors move between the reference and the input.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class DlGating
{
    [Layer] private readonly Dense value = new(6, 5);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense gate = new(6, 5);
    [Layer] private readonly Sigmoid sigmoid = new();
    [Layer] private readonly Dense head = new(5, 3);

    private Tensor Forward(Tensor x)
    {
        var v = tanh.Apply(value.Apply(x));
        return head.Apply(v * sigmoid.Apply(gate.Apply(x)) + v * v);
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(4, 3)]
public partial class DlChannels
{
    [Layer] private readonly Conv1d conv = new(4, 6, kernel: 1);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly Conv1d mix = new(2, 2, kernel: 1);
    [Layer] private readonly Dense head = new(12, 3);

    private Tensor Forward(Tensor x)
    {
        var h = relu.Apply(conv.Apply(x));
        return head.Apply(Tensor.Concat(mix.Apply(h.Channels(1, 2)), h.Channels(4, 2)).Flatten());
    }
}
