using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.MultiInput;

// Models with several inputs for the attribution tests: an image (1×2×2), a metadata vector (2) and a fixed mask (2)
// that gates the metadata. TwoInputNet is smooth (tanh) for brute-force checks; GatedLinearNet is linear in the attributed
// inputs, so its Integrated Gradients have a closed form. Float twins run the same checks in single precision.

[Differentiable(ElementType = ElementType.Double)]
public partial class TwoInputNet
{
    [Layer] private readonly Dense image_fc = new(4, 2);
    [Layer] private readonly Dense meta_fc = new(2, 2, bias: false);
    [Layer] private readonly Tanh act = new();
    [Layer] private readonly Dense head = new(2, 1);

    private Tensor Forward([InputShape(1, 2, 2)] Tensor image, [InputShape(2)] Tensor meta, [InputShape(2), Fixed] Tensor mask)
        => head.Apply(act.Apply(image_fc.Apply(image.Flatten()) + meta_fc.Apply(meta * mask)));
}

[Differentiable]
public partial class TwoInputNetF
{
    [Layer] private readonly Dense image_fc = new(4, 2);
    [Layer] private readonly Dense meta_fc = new(2, 2, bias: false);
    [Layer] private readonly Tanh act = new();
    [Layer] private readonly Dense head = new(2, 1);

    private Tensor Forward([InputShape(1, 2, 2)] Tensor image, [InputShape(2)] Tensor meta, [InputShape(2), Fixed] Tensor mask)
        => head.Apply(act.Apply(image_fc.Apply(image.Flatten()) + meta_fc.Apply(meta * mask)));
}

[Differentiable(ElementType = ElementType.Double)]
public partial class GatedLinearNet
{
    [Layer] private readonly Dense image_fc = new(3, 1);
    [Layer] private readonly Dense meta_fc = new(2, 1, bias: false);

    private Tensor Forward([InputShape(3)] Tensor image, [InputShape(2)] Tensor meta, [InputShape(2), Fixed] Tensor mask)
        => image_fc.Apply(image) + meta_fc.Apply(meta * mask);
}

[Differentiable]
public partial class GatedLinearNetF
{
    [Layer] private readonly Dense image_fc = new(3, 1);
    [Layer] private readonly Dense meta_fc = new(2, 1, bias: false);

    private Tensor Forward([InputShape(3)] Tensor image, [InputShape(2)] Tensor meta, [InputShape(2), Fixed] Tensor mask)
        => image_fc.Apply(image) + meta_fc.Apply(meta * mask);
}
