using System.Collections.Generic;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// One self-attention recognised in an ONNX graph (OnnxGraphMapper.Attention.cs), ready to become a
    /// MultiHeadAttention layer: the nodes it starts and ends at, and its weights already in PyTorch's layout.
    /// </summary>
    internal sealed class OnnxAttentionMatch
    {
        public OnnxAttentionMatch(OnnxNode anchor, OnnxNode scores, OnnxNode output, string input, int length, int embed, int heads, bool packed,
            double[] inProjection, double[]? inBias, double[] outWeight, double[]? outBias, OnnxTensor? mask, string module)
        {
            Anchor = anchor;
            Scores = scores;
            Output = output;
            Input = input;
            Length = length;
            Embed = embed;
            Heads = heads;
            Packed = packed;
            InProjection = inProjection;
            InBias = inBias;
            OutWeight = outWeight;
            OutBias = outBias;
            Mask = mask;
            Module = module;
        }

        /// <summary>The first of the attention's nodes in the file's order: where the layer is applied.</summary>
        public OnnxNode Anchor { get; }

        /// <summary>The node that combines the attention weights with the values (a MatMul, or the Attention operator): named in diagnostics, its module names the layer.</summary>
        public OnnxNode Scores { get; }

        /// <summary>The node whose first output is the attention's [N, L, E] result.</summary>
        public OnnxNode Output { get; }

        /// <summary>The value the projections read, [N, L, E].</summary>
        public string Input { get; }

        /// <summary>L, the sequence length the layout was checked for.</summary>
        public int Length { get; }

        public int Embed { get; }

        public int Heads { get; }

        /// <summary>Whether one [E, 3E] product projects q, k and v (nn.MultiheadAttention's in_proj_weight) rather than three.</summary>
        public bool Packed { get; }

        /// <summary>The q, k and v projection weights as PyTorch's [3E, E] rows (in_proj_weight, or q/k/v_proj_weight one after another).</summary>
        public double[] InProjection { get; }

        /// <summary>in_proj_bias [3E] (zeros where a projection has none), or null when no projection has a bias.</summary>
        public double[]? InBias { get; }

        /// <summary>out_proj.weight as PyTorch's [E, E].</summary>
        public double[] OutWeight { get; }

        public double[]? OutBias { get; }

        /// <summary>The constant added to the scores, if any: zeros, or a causal mask (checked when the layer is applied).</summary>
        public OnnxTensor? Mask { get; }

        /// <summary>Whether a mask computed in the graph hides later positions (a constant mask is read from <see cref="Mask"/> instead).</summary>
        public bool ComputedCausal { get; set; }

        /// <summary>The pad id whose keys a mask computed from the token ids hides, or −1.</summary>
        public int PadTokenId { get; set; } = -1;

        /// <summary>The nodes that compute the mask from the token ids; they need no mapping, and several attentions may share them.</summary>
        public IReadOnlyCollection<OnnxNode> MaskNodes { get; set; } = new OnnxNode[0];

        /// <summary>The module its weights' names give ("layers.0.self_attn" from "layers.0.self_attn.in_proj_bias"), or empty.</summary>
        public string Module { get; }
    }
}
