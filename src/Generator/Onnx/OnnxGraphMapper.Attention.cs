using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Recognises the scaled dot-product attention that torch.onnx.export writes for nn.MultiheadAttention and
    /// transformer blocks — MatMul(queries, keys) of two computed values, an optional Div or Mul (the 1/√d scale) and
    /// Add (a mask), a Softmax, then MatMul(weights, values) — and reports it as AXN128 at the node where the
    /// attention module starts, before mapping would stop somewhere inside it with a less helpful message (the
    /// rank-3 projections, the head Reshape/Transpose). Axon does not map this subgraph to its MultiHeadAttention:
    /// the exporter's head split, packed or separate projections and mask handling vary between PyTorch versions and
    /// options, and a partial match would risk importing a different function. The model is declared by hand instead.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>Operators that may sit between the scores product and the Softmax: the scale, a mask, a cast.</summary>
        private static readonly HashSet<string> ScoreSteps = new HashSet<string> { "Div", "Mul", "Add", "Where", "Cast" };

        /// <summary>AXN128 for every attention found; false if there was one.</summary>
        private bool ReportAttention()
        {
            bool clean = true;
            var producers = new Dictionary<string, OnnxNode>();
            foreach (var node in _graph.Nodes)
            {
                foreach (var output in node.Outputs) producers[output] = node;
            }

            bool Computed(string value) => value.Length > 0 && !_graph.Initializers.ContainsKey(value) && !(producers.TryGetValue(value, out var p) && p.OpType == "Constant");

            foreach (var softmax in _graph.Nodes.Where(n => n.OpType == "Softmax" && n.Inputs.Count > 0))
            {
                var scores = ScoresProduct(softmax, producers, Computed);
                if (scores is null) continue;
                var context = WeightedValues(softmax, Computed);
                if (context is null) continue;
                var start = ModuleStart(scores);
                string what = $"the product of queries and keys '{scores.DisplayName}', the Softmax '{softmax.DisplayName}' and the product with the values '{context.DisplayName}' "
                    + "are a scaled dot-product attention (as torch.onnx.export writes nn.MultiheadAttention), which Axon does not map to a layer";
                Report(DiagnosticDescriptors.OnnxAttentionUnsupported, start.DisplayName, start.OpType, what);
                clean = false;
            }

            return clean;
        }

        /// <summary>The MatMul of two computed values that feeds the Softmax through scale and mask steps, or null.</summary>
        private static OnnxNode? ScoresProduct(OnnxNode softmax, Dictionary<string, OnnxNode> producers, System.Func<string, bool> computed)
        {
            string value = softmax.Inputs[0];
            for (int step = 0; step < 8 && producers.TryGetValue(value, out var node); step++)
            {
                if (node.OpType == "MatMul") return IsProductOfComputedValues(node, computed) ? node : null;
                if (!ScoreSteps.Contains(node.OpType)) return null;
                // Follow the computed operand (the scores), not the constant scale or a mask initializer.
                var operands = node.Inputs.Where(i => computed(i) && producers.ContainsKey(i)).ToList();
                if (operands.Count == 0) return null;
                value = operands.FirstOrDefault(i => producers[i].OpType == "MatMul") ?? operands[0];
            }

            return null;
        }

        /// <summary>The MatMul that multiplies the Softmax's output (perhaps through a Dropout) by another computed value, or null.</summary>
        private OnnxNode? WeightedValues(OnnxNode softmax, System.Func<string, bool> computed)
        {
            var frontier = new List<string> { softmax.Outputs[0] };
            for (int step = 0; step < 2; step++)
            {
                var next = new List<string>();
                foreach (var value in frontier)
                {
                    if (!_consumers.TryGetValue(value, out var readers)) continue;
                    foreach (var reader in readers)
                    {
                        if (reader.OpType == "MatMul" && IsProductOfComputedValues(reader, computed)) return reader;
                        if (reader.OpType == "Dropout" || reader.OpType == "Identity" || reader.OpType == "Cast") next.Add(reader.Outputs[0]);
                    }
                }

                frontier = next;
            }

            return null;
        }

        private static bool IsProductOfComputedValues(OnnxNode matMul, System.Func<string, bool> computed)
            => matMul.Inputs.Count == 2 && matMul.Inputs.All(computed);

        /// <summary>
        /// The first node, in the file's order, of the module that computes the scores: the nodes whose names share
        /// the product's module path ("/encoder/layers.0/self_attn/MatMul" → "/encoder/layers.0/self_attn/"); the
        /// product itself when the names carry no module path.
        /// </summary>
        private OnnxNode ModuleStart(OnnxNode scores)
        {
            int slash = scores.Name.LastIndexOf('/');
            if (slash <= 0) return scores;
            string module = scores.Name.Substring(0, slash + 1);
            return _graph.Nodes.First(n => n.Name.StartsWith(module, System.StringComparison.Ordinal));
        }
    }
}
