namespace Axon.Layers;

/// <summary>
/// Multi-head self-attention over [sequence, embedDim] (PyTorch <c>nn.MultiheadAttention(embedDim, numHeads, bias)</c>
/// with <c>batch_first=True</c>, called as <c>attn(x, x, x)</c>, inference form): parameters "in_proj_weight" [3E, E]
/// (query, key and value rows in that order), "in_proj_bias" [3E], "out_proj.weight" [E, E], "out_proj.bias" [E].
/// Heads split the width: head h uses columns h·E/numHeads onwards of q, k and v; scores are scaled by 1/√(E/numHeads).
/// </summary>
/// <param name="embedDim">E: the width of the input and output, divisible by <paramref name="numHeads"/>.</param>
/// <param name="numHeads">The number of heads.</param>
/// <param name="bias">Whether the projections have "in_proj_bias" and "out_proj.bias".</param>
/// <param name="causal">Whether position i attends only to positions ≤ i (PyTorch's <c>is_causal</c> / a triangular <c>attn_mask</c>).</param>
/// <param name="padTokenId">
/// −1: no padding mask. Otherwise the model's input must be the token ids [sequence] (an <see cref="Embedding"/>
/// reads it) and keys whose id equals this one are masked out, as PyTorch's <c>key_padding_mask = ids == pad</c>.
/// A query whose keys are all masked attends to nothing (its attention output is 0; PyTorch gives NaN).
/// </param>
/// <param name="separateProjections">
/// Whether the query, key and value projections are three parameters, "q_proj_weight", "k_proj_weight" and
/// "v_proj_weight" [E, E] (PyTorch's names when <c>_qkv_same_embed_dim</c> is false), instead of "in_proj_weight"
/// [3E, E]. The function is the same: the three lie one after another in the parameter vector, exactly where the
/// rows of "in_proj_weight" would; "in_proj_bias" stays packed, as in PyTorch. CPU only (AXN040 on <c>[GpuModel]</c>).
/// </param>
public sealed class MultiHeadAttention(int embedDim, int numHeads, bool bias = true, bool causal = false, int padTokenId = -1, bool separateProjections = false) : Layer
{
    /// <summary>E: the width of the input and output.</summary>
    public int EmbedDim { get; } = embedDim;
    /// <summary>The number of heads; each has E / NumHeads columns.</summary>
    public int NumHeads { get; } = numHeads;
    /// <summary>Whether the projections add biases.</summary>
    public bool Bias { get; } = bias;
    /// <summary>Whether the causal mask hides later positions.</summary>
    public bool Causal { get; } = causal;
    /// <summary>The token id whose keys are masked out, or −1 for none.</summary>
    public int PadTokenId { get; } = padTokenId;
    /// <summary>Whether the projections are "q_proj_weight", "k_proj_weight" and "v_proj_weight" rather than one "in_proj_weight".</summary>
    public bool SeparateProjections { get; } = separateProjections;
}
