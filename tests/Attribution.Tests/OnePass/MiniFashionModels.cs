using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.OnePass;

// The main job's network (samples/FashionModel/FashionCnn) at a size the tests can afford: the same layers in the same
// order — convolution, ReLU, max-pool twice, then two dense layers with a ReLU between — on an 8×8 image, so relu2 is
// a cut, conv1 is the affine prefix, and every ReLU and pooling kink of the real network has its counterpart.

[Differentiable(ElementType = ElementType.Double), InputShape(1, 8, 8)]
public partial class MiniFashionCnn
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 8, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(32, 16);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(16, 5);
}

[Differentiable(ElementType = ElementType.Float), InputShape(1, 8, 8)]
public partial class MiniFashionCnnF
{
    [Layer] private readonly Conv2d conv1 = new(1, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 8, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc1 = new(32, 16);
    [Layer] private readonly ReLU relu3 = new();
    [Layer] private readonly Dense fc2 = new(16, 5);
}
