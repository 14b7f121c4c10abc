using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Fields;

// Networks for the receptive-field checks: pooling whose floor drops the last row and column, followed by a padded
// convolution (so the field's limit is below the input's edge); channel-wise nodes straight on a two-channel input;
// strided and overlapping windows; padded pooling; a residual + and a channel concat; a channel slice. Only LeakyReLU, average and max
// pooling: every feature inside a field can move its neuron, which the brute-force search relies on.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 9, 7)]
public partial class FieldCnnFloor
{
    [Layer] private readonly LeakyReLU act0 = new(0.3);
    [Layer] private readonly MaxPool2d pool0 = new(2);
    [Layer] private readonly Conv2d conv1 = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly LeakyReLU act1 = new(0.3);
    [Layer] private readonly Conv2d conv2 = new(3, 2, kernel: 2, stride: 2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(4, 2);
}

// Padded pooling (PyTorch semantics: max pads with −∞, average counts the zero padding): windows that start above the
// input's edge and are clipped to it.
[Differentiable(ElementType = ElementType.Double), InputShape(1, 9, 8)]
public partial class FieldPaddedPool
{
    [Layer] private readonly Conv2d conv1 = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly LeakyReLU act1 = new(0.3);
    [Layer] private readonly MaxPool2d pool1 = new(3, stride: 2, padding: 1);
    [Layer] private readonly AvgPool2d pool2 = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(12, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 11, 10)]
public partial class FieldCnnStrided
{
    [Layer] private readonly Conv2d conv1 = new(1, 3, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly LeakyReLU act1 = new(0.3);
    [Layer] private readonly MaxPool2d pool1 = new(3, 2);
    [Layer] private readonly Conv2d conv2 = new(3, 2, kernel: 1);
    [Layer] private readonly AvgPool2d pool2 = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(2, 2);
}

[Differentiable(ElementType = ElementType.Double), InputShape(2, 8, 8)]
public partial class FieldResidual
{
    [Layer] private readonly Conv2d conv1 = new(2, 2, kernel: 3, padding: 1);
    [Layer] private readonly LeakyReLU act1 = new(0.3);
    [Layer] private readonly Conv2d conv2 = new(2, 2, kernel: 3, padding: 1);
    [Layer] private readonly LeakyReLU act2 = new(0.2);
    [Layer] private readonly AvgPool2d pool = new(2);
    [Layer] private readonly Flatten flat = new();
    [Layer] private readonly Dense fc = new(48, 2);

    private Tensor Forward(Tensor x)
    {
        var h = conv2.Apply(act1.Apply(conv1.Apply(x))) + x;
        var both = Tensor.Concat(h, act2.Apply(x));
        return fc.Apply(flat.Apply(pool.Apply(both.Channels(1, 3))));
    }
}

[Differentiable(ElementType = ElementType.Double), InputShape(1, 28, 28)]
public partial class FashionShaped
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
