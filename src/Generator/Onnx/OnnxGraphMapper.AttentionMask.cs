using System.Collections.Generic;
using System.Linq;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Masks computed in the graph rather than given as a constant: a key-padding mask from the token ids (PyTorch's
    /// key_padding_mask = ids == pad, in any of its exported spellings), a causal mask spelled with Where, or both.
    /// Each term is evaluated on probe ids (<see cref="OnnxMaskEvaluator"/>) and the keys it hides are compared with
    /// what MultiHeadAttention(causal, padTokenId) hides: the key positions holding the pad id, and with causal the
    /// later positions. Axon's layer reads the pad id from the model input, so this needs token-id input.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>How a mask enters the scores: added, or a Where that puts a large negative where its condition is true (or false).</summary>
        private enum MaskUse
        {
            Added,
            FilledWhereTrue,
            FilledWhereFalse,
        }

        /// <summary>The causal flag and pad id (−1 for none) that reproduce the mask terms, with the nodes that compute them; null and why otherwise.</summary>
        private (bool Causal, int Pad, HashSet<OnnxNode> Nodes)? ComputedMask(List<(string Value, MaskUse Use)> terms, HeadLayout heads, long batch, long length, ref string why)
        {
            var input = _graph.Inputs.First(i => !_graph.Initializers.ContainsKey(i.Name));
            bool tokens = (input.ElementType == 6 || input.ElementType == 7) && input.Dims.Count == 2;
            string ids = tokens ? input.Name : "\u0000no token ids";
            var first = new OnnxMaskEvaluator(_producers, ConstantOperand, ids, new[] { batch, length }, new double[batch * length]);
            foreach (var term in terms)
            {
                if (first.Evaluate(term.Value, out string problem) is null) return NoMask($"the mask '{term.Value}' is neither constant nor computed from the token ids alone: {problem}", ref why);
            }

            if (first.PadIds.Count > 1) return NoMask($"the mask compares the token ids with several pad ids ({string.Join(", ", first.PadIds)})", ref why);
            long pad = first.PadIds.Count == 1 ? first.PadIds.First() : -1;
            if (pad < -1 || pad >= int.MaxValue) return NoMask($"the pad id {pad} is out of range", ref why);
            long[] scores = heads.Leading.Concat(new[] { length, length }).ToArray();
            int groups = heads.Samples.Length;
            bool? causal = null;
            for (int probe = 0; probe < (pad >= 0 ? 2 : 1); probe++)
            {
                // Every key position is a pad in one probe and a token in the other, differently in each sample.
                var isPad = new bool[batch, length];
                var values = new double[batch * length];
                for (int b = 0; b < batch; b++)
                {
                    for (int j = 0; j < length; j++)
                    {
                        isPad[b, j] = pad >= 0 && (b + j + probe) % 2 == 0;
                        values[b * length + j] = isPad[b, j] ? pad : pad + 1;
                    }
                }

                var evaluator = new OnnxMaskEvaluator(_producers, ConstantOperand, ids, new[] { batch, length }, values);
                var hidden = new bool[groups * length * length];
                foreach (var term in terms)
                {
                    var value = evaluator.Evaluate(term.Value, out string problem);
                    var spread = value is null ? null : OnnxMaskEvaluator.BroadcastTo(value.Value, scores);
                    if (spread is null) return NoMask($"the mask '{term.Value}' does not broadcast to the scores [{string.Join(", ", scores)}]", ref why);
                    for (int e = 0; e < spread.Length; e++)
                    {
                        double m = spread[e];
                        if (term.Use == MaskUse.FilledWhereTrue) hidden[e] |= m != 0;
                        else if (term.Use == MaskUse.FilledWhereFalse) hidden[e] |= m == 0;
                        else if (m <= -1e4) hidden[e] = true;
                        else if (m != 0) return NoMask($"the mask '{term.Value}' adds {m:R} to a score, neither 0 nor ≤ −10⁴", ref why);
                    }
                }

                for (int g = 0; g < groups; g++)
                {
                    int b = heads.Samples[g];
                    for (int i = 0; i < length; i++)
                    {
                        for (int j = 0; j < length; j++)
                        {
                            bool masked = hidden[(g * length + i) * length + j];
                            if (j > i && !isPad[b, j]) causal ??= masked;
                            bool expected = isPad[b, j] || (j > i && causal == true);
                            if (masked != expected)
                            {
                                string layer = (pad >= 0 ? $"padTokenId: {pad}" : "no padding mask") + (causal == true ? ", causal" : "");
                                return NoMask($"the mask {(masked ? "hides" : "keeps")} key {j} for query {i} of sample {b} where MultiHeadAttention({layer}) would {(expected ? "hide" : "keep")} it", ref why);
                            }
                        }
                    }
                }
            }

            if (pad >= 0 && !tokens) return NoMask("a padding mask needs the token ids as the model input", ref why);
            return (causal == true, (int)pad, first.Nodes);
        }

        private static (bool, int, HashSet<OnnxNode>)? NoMask(string reason, ref string why)
        {
            why = reason;
            return null;
        }
    }
}
