using Axon;
using Axon.Layers;

namespace Axon.Runtime.Tests.Networks;

/// <summary>Attention in its three forms (two heads with biases, causal three heads, one head without biases), stacked.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class AttentionNet
{
    [Layer] private readonly MultiHeadAttention attn = new(6, 2);
    [Layer] private readonly MultiHeadAttention causal = new(6, 3, causal: true);
    [Layer] private readonly MultiHeadAttention plain = new(6, 1, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

/// <summary>The float twin of <see cref="AttentionNet"/>.</summary>
[Differentiable, InputShape(4, 6)]
public partial class AttentionNetFloat
{
    [Layer] private readonly MultiHeadAttention attn = new(6, 2);
    [Layer] private readonly MultiHeadAttention causal = new(6, 3, causal: true);
    [Layer] private readonly MultiHeadAttention plain = new(6, 1, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

/// <summary>
/// The key padding mask: the model input is read as 5 token ids (pad id 0), lifted to [5, 6] by a per-position
/// Dense so that the test controls the ids directly.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class PaddedAttentionNet
{
    [Layer] private readonly Reshape column = new(5, 1);
    [Layer] private readonly Dense lift = new(1, 6);
    [Layer] private readonly MultiHeadAttention attn = new(6, 2, padTokenId: 0);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(30, 2);
}

/// <summary>
/// A pre-norm transformer encoder block written in the Forward subset, x + attn(ln1(x)); x + mlp(ln2(x)) with the
/// MLP applied per position, followed by the first half of the block again with the same layers (shared weights).
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 8)]
public partial class EncoderNet
{
    [Layer] private readonly LayerNorm ln1 = new(8);
    [Layer] private readonly MultiHeadAttention attn = new(8, 2);
    [Layer] private readonly LayerNorm ln2 = new(8);
    [Layer] private readonly Dense up = new(8, 16);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Dense down = new(16, 8);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense head = new(32, 3);

    private Tensor Forward(Tensor x)
    {
        var a = x + attn.Apply(ln1.Apply(x));
        var b = a + down.Apply(gelu.Apply(up.Apply(ln2.Apply(a))));
        var c = b + attn.Apply(ln1.Apply(b));
        return head.Apply(flatten.Apply(c));
    }
}

/// <summary>Learned and sinusoidal positions added before attention.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class PositionNet
{
    [Layer] private readonly PositionalEmbedding positions = new(4, 6);
    [Layer] private readonly SinusoidalPositionalEncoding sinusoid = new(4, 6);
    [Layer] private readonly MultiHeadAttention attn = new(6, 2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 2);
}
