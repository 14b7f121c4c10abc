using System.Collections.Generic;

namespace Axon.Generator.Model
{
    /// <summary>
    /// How MultiHeadAttention keeps its constants in the hyper-parameters: [embedDim, numHeads, bias, causal,
    /// padTokenId], then a sixth entry 1 only for separate q/k/v projections (absent when packed, so that packed
    /// models describe themselves as before). Read in one place by the parser, the parameter layout, the emitter and
    /// the GPU check.
    /// </summary>
    internal static class AttentionHyper
    {
        /// <summary>The index of the separate-projections flag.</summary>
        public const int SeparateIndex = 5;

        /// <summary>Whether the projections are q_proj_weight, k_proj_weight and v_proj_weight instead of in_proj_weight.</summary>
        public static bool SeparateProjections(IReadOnlyList<int> hyper) => hyper.Count > SeparateIndex && hyper[SeparateIndex] != 0;

        /// <summary>Why the attention cannot run on the GPU beyond what its kernels say (AXN040), or null.</summary>
        public static string? GpuUnsupported(NodeSpec node)
            => node.Kind == OpKind.MultiHeadAttention && SeparateProjections(node.Hyper)
                ? "separate q/k/v projections (separateProjections: true) have no GPU kernels; declare the attention with a packed in_proj_weight"
                : null;
    }
}
