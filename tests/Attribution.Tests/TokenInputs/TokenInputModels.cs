using Axon;
using Axon.Layers;

namespace Axon.Attribution.Tests.TokenInputs;

// A model with token ids among several inputs: five ids through an Embedding and a convolution, three metadata values gated
// by a fixed mask, mixed by a softplus. Float twin for single precision.

[Differentiable(ElementType = ElementType.Double)]
public partial class TokensAndMeta
{
    [Layer] private readonly Embedding embedding = new(6, 3);
    [Layer] private readonly Conv1d conv = new(3, 2, kernel: 2);
    [Layer] private readonly Tanh act = new();
    [Layer] private readonly Dense token_fc = new(8, 2);
    [Layer] private readonly Dense meta_fc = new(3, 2);
    [Layer] private readonly Softplus mix = new();
    [Layer] private readonly Dense head = new(2, 2);

    private Tensor Forward([InputShape(5)] Tensor tokens, [InputShape(3)] Tensor meta, [InputShape(3), Fixed] Tensor mask)
        => head.Apply(mix.Apply(token_fc.Apply(act.Apply(conv.Apply(embedding.Apply(tokens))).Flatten()) + meta_fc.Apply(meta * mask)));
}

[Differentiable]
public partial class TokensAndMetaF
{
    [Layer] private readonly Embedding embedding = new(6, 3);
    [Layer] private readonly Conv1d conv = new(3, 2, kernel: 2);
    [Layer] private readonly Tanh act = new();
    [Layer] private readonly Dense token_fc = new(8, 2);
    [Layer] private readonly Dense meta_fc = new(3, 2);
    [Layer] private readonly Softplus mix = new();
    [Layer] private readonly Dense head = new(2, 2);

    private Tensor Forward([InputShape(5)] Tensor tokens, [InputShape(3)] Tensor meta, [InputShape(3), Fixed] Tensor mask)
        => head.Apply(mix.Apply(token_fc.Apply(act.Apply(conv.Apply(embedding.Apply(tokens))).Flatten()) + meta_fc.Apply(meta * mask)));
}
