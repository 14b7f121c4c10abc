using Axon.Layers;

namespace Axon.Benchmarks.Peer;

/// <summary>
/// A pre-LN transformer encoder block, x + attn(ln1(x)); a + down(gelu(up(ln2(a)))), at sequence 64, width 128,
/// 4 heads and MLP width 4 × 128 (float); the parameter names are the libtorch program's.
/// </summary>
[Differentiable, InputShape(64, 128)]
public partial class EncoderBlock
{
    [Layer] private readonly LayerNorm ln1 = new(128);
    [Layer] private readonly MultiHeadAttention attn = new(128, 4);
    [Layer] private readonly LayerNorm ln2 = new(128);
    [Layer] private readonly Dense up = new(128, 512);
    [Layer] private readonly Gelu gelu = new();
    [Layer] private readonly Dense down = new(512, 128);

    private Tensor Forward(Tensor x)
    {
        var a = x + attn.Apply(ln1.Apply(x));
        return a + down.Apply(gelu.Apply(up.Apply(ln2.Apply(a))));
    }
}
