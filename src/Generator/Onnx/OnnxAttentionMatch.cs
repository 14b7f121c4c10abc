namespace Axon.Generator.Onnx
{
    /// <summary>
    /// One self-attention recognised in an ONNX graph (OnnxGraphMapper.Attention.cs), ready to become a
    /// MultiHeadAttention layer with separate q/k/v projections: the nodes it replaces and the constants it needs.
    /// </summary>
    internal sealed class OnnxAttentionMatch
    {
        public OnnxAttentionMatch(OnnxNode anchor, OnnxNode scores, OnnxNode output, string input, int heads, OnnxTensor? mask, OnnxTensor[] projections, OnnxTensor?[] biases, (OnnxNode Node, long[] Dims)[] reshapes)
        {
            Anchor = anchor;
            Scores = scores;
            Output = output;
            Input = input;
            Heads = heads;
            Mask = mask;
            Projections = projections;
            Biases = biases;
            Reshapes = reshapes;
        }

        /// <summary>The first of the projection MatMuls in the file's order: where the layer is applied.</summary>
        public OnnxNode Anchor { get; }

        /// <summary>The product of queries and keys, whose module names the layer.</summary>
        public OnnxNode Scores { get; }

        /// <summary>The node whose output is the attention's (the out-projection's MatMul or the Add of its bias).</summary>
        public OnnxNode Output { get; }

        /// <summary>The value the projections read, [N, L, E].</summary>
        public string Input { get; }

        public int Heads { get; }

        /// <summary>The constant added to the scores, if any: zeros, or a causal mask (checked once the length is known).</summary>
        public OnnxTensor? Mask { get; }

        /// <summary>The head-splitting Reshapes ([batch, L, H, d]) and the merging one ([batch, L, E]), checked against the input's shape.</summary>
        public (OnnxNode Node, long[] Dims)[] Reshapes { get; }

        /// <summary>The MatMul weights of q, k, v and the output, each [E, E] (the transposed nn.Linear weight).</summary>
        public OnnxTensor[] Projections { get; }

        /// <summary>Their biases, or null where a projection has none.</summary>
        public OnnxTensor?[] Biases { get; }
    }
}
