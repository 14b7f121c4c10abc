using Axon;
using Axon.Layers;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// x.Transpose() both ways around a per-position Dense: [3, 5] → [5, 3] → Dense per row → [5, 4] → back to [4, 5],
/// mean over positions (GlobalAvgPool), a head.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(3, 5)]
public partial class TransposeNet
{
    [Layer] private readonly Dense rows = new(3, 4);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(4, 2);

    private Tensor Forward(Tensor x) => head.Apply(mean.Apply(tanh.Apply(rows.Apply(x.Transpose())).Transpose()));
}

/// <summary>The float twin of <see cref="TransposeNet"/>.</summary>
[Differentiable, InputShape(3, 5)]
public partial class TransposeNetFloat
{
    [Layer] private readonly Dense rows = new(3, 4);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(4, 2);

    private Tensor Forward(Tensor x) => head.Apply(mean.Apply(tanh.Apply(rows.Apply(x.Transpose())).Transpose()));
}

/// <summary>
/// A token model: 5 ids, a channels-first embedding [4, 5] turned to [5, 4] for attention with the PAD mask, and
/// back for the mean over positions.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class TokenTransposeNet
{
    [Layer] private readonly Embedding embedding = new(6, 4);
    [Layer] private readonly MultiHeadAttention attn = new(4, 2, padTokenId: 0);
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(4, 2);

    private Tensor Forward(Tensor x) => head.Apply(mean.Apply(attn.Apply(embedding.Apply(x).Transpose()).Transpose()));
}
