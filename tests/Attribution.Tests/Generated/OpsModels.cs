using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.Generated;

/// <summary>An affine prefix through channel selection, a constant factor and a subtraction (node 5 is the first non-input cut).</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 3)]
public partial class AffineOpsNet
{
    [Layer] private readonly Conv1d conv = new(4, 4, kernel: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Dense head = new(6, 2);

    private Tensor Forward(Tensor x)
    {
        var h = conv.Apply(x);
        var d = h.Channels(0, 2) * 0.5 - x.Channels(2, 2);
        return head.Apply(tanh.Apply(d).Flatten());
    }
}
