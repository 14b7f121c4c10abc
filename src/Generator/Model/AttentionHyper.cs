using System.Collections.Generic;

namespace Axon.Generator.Model
{
    /// <summary>
    /// How MultiHeadAttention keeps its constants in the hyper-parameters: [embedDim, numHeads, bias, causal,
    /// padTokenId], then a sixth entry 1 only for separate q/k/v projections (absent when packed, so that packed
    /// models describe themselves as before). Read in one place by the parser, the parameter layout, the CPU and GPU
    /// emitters.
    /// </summary>
    internal static class AttentionHyper
    {
        /// <summary>The index of the separate-projections flag.</summary>
        public const int SeparateIndex = 5;

        /// <summary>Whether the projections are q_proj_weight, k_proj_weight and v_proj_weight instead of in_proj_weight.</summary>
        public static bool SeparateProjections(IReadOnlyList<int> hyper) => hyper.Count > SeparateIndex && hyper[SeparateIndex] != 0;
    }
}
