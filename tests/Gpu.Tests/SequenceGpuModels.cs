using Axon;
using Axon.Layers;

namespace Axon.Gpu.Tests;

/// <summary>Attention in three forms (two heads with biases, causal three heads, one head without biases), stacked.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class AttentionGpuNet
{
    [Layer] private readonly MultiHeadAttention attn = new(6, 2);
    [Layer] private readonly MultiHeadAttention causal = new(6, 3, causal: true);
    [Layer] private readonly MultiHeadAttention plain = new(6, 1, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

[GpuModel(typeof(AttentionGpuNet))] public partial class AttentionGpuNetGpu;

/// <summary>The float twin of <see cref="AttentionGpuNet"/>.</summary>
[Differentiable, InputShape(4, 6)]
public partial class AttentionGpuNetFloat
{
    [Layer] private readonly MultiHeadAttention attn = new(6, 2);
    [Layer] private readonly MultiHeadAttention causal = new(6, 3, causal: true);
    [Layer] private readonly MultiHeadAttention plain = new(6, 1, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

[GpuModel(typeof(AttentionGpuNetFloat))] public partial class AttentionGpuNetFloatGpu;

/// <summary>
/// The key padding mask: the model input is read as 5 token ids (pad id 0), lifted to [5, 6] by a per-position Dense;
/// the second attention combines the padding and causal masks.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5)]
public partial class PaddedAttentionGpuNet
{
    [Layer] private readonly Reshape column = new(5, 1);
    [Layer] private readonly Dense lift = new(1, 6);
    [Layer] private readonly MultiHeadAttention attn = new(6, 2, padTokenId: 0);
    [Layer] private readonly MultiHeadAttention causal = new(6, 3, causal: true, padTokenId: 0);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(30, 2);
}

[GpuModel(typeof(PaddedAttentionGpuNet))] public partial class PaddedAttentionGpuNetGpu;

/// <summary>
/// A pre-norm encoder block in the Forward subset, x + attn(ln1(x)); x + mlp(ln2(x)), then the first half again with
/// the same layers (shared weights: the attention's parameter gradients are summed over its two nodes).
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 8)]
public partial class EncoderGpuNet
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

[GpuModel(typeof(EncoderGpuNet))] public partial class EncoderGpuNetGpu;

/// <summary>An LSTM feeding a GRU over 5 steps, then a dense head.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(5, 3)]
public partial class RecurrentGpuNet
{
    [Layer] private readonly LSTM lstm = new(3, 4);
    [Layer] private readonly GRU gru = new(4, 3);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(15, 2);
}

[GpuModel(typeof(RecurrentGpuNet))] public partial class RecurrentGpuNetGpu;

/// <summary>The float twin of <see cref="RecurrentGpuNet"/>.</summary>
[Differentiable, InputShape(5, 3)]
public partial class RecurrentGpuNetFloat
{
    [Layer] private readonly LSTM lstm = new(3, 4);
    [Layer] private readonly GRU gru = new(4, 3);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(15, 2);
}

[GpuModel(typeof(RecurrentGpuNetFloat))] public partial class RecurrentGpuNetFloatGpu;

/// <summary>
/// Attention with separate q/k/v projections (q_proj_weight, k_proj_weight, v_proj_weight), with and without biases:
/// the GPU kernels must find the out projection and the biases two tensors further on than for a packed in_proj_weight.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class SeparateAttentionGpuNet
{
    [Layer] private readonly MultiHeadAttention attn = new(6, 2, separateProjections: true);
    [Layer] private readonly MultiHeadAttention plain = new(6, 3, bias: false, causal: true, separateProjections: true);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(24, 3);
}

[GpuModel(typeof(SeparateAttentionGpuNet))] public partial class SeparateAttentionGpuNetGpu;
