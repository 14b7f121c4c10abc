using Axon.Layers;

namespace Axon.Samples.Fashion;

/// <summary>
/// The Fashion-MNIST classifier of the design notes: two 3×3 convolution blocks with max pooling, then two dense
/// layers. Layer names match a PyTorch module with the same attributes, so its state_dict loads by name.
/// The output is the pre-softmax score (logit) of each of the 10 classes.
/// </summary>
[Differentiable, InputShape(1, 28, 28)]
public partial class FashionCnn
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
