using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Self-attention. torch.onnx.export writes scaled dot-product attention as a subgraph; one form of it is mapped to
    /// MultiHeadAttention(separateProjections: true), the form a module with separate nn.Linear projections exports
    /// (HuggingFace's q_proj/k_proj/v_proj/out_proj, BERT's query/key/value/dense) with fixed sizes:
    /// <code>
    /// q = Transpose[0,2,1,3](Reshape[b, L, H, d](Add(MatMul(x, Wq), bq)))      (the Adds optional: bias=False)
    /// k = Transpose[0,2,3,1](Reshape[b, L, H, d](Add(MatMul(x, Wk), bk)))      (keys transposed for the product)
    /// v = Transpose[0,2,1,3](Reshape[b, L, H, d](Add(MatMul(x, Wv), bv)))
    /// s = MatMul(q, k), then Div by √d or Mul by 1/√d, then optionally Add of a constant mask (zeros, or causal:
    ///     0 on and below the diagonal, ≤ −10⁴ above)
    /// y = Add(MatMul(Reshape[b, L, E](Transpose[0,2,1,3](MatMul(Softmax[axis −1](s), v))), Wo), bo)
    /// </code>
    /// with b ∈ {0, −1, the batch}, H·d = E, every intermediate read once. Any other attention — the packed in-projection
    /// nn.MultiheadAttention exports (MatMul by [E, 3E], then Split or Gather of the chunks), a scale split between q and
    /// k, a computed mask — is recognised by its MatMul(queries, keys) → Softmax → MatMul(·, values) core and reported
    /// once (AXN128) at the first node of its module, naming the part that did not match, instead of failing at
    /// whichever operator inside it comes first.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>Operators that may sit between the scores product and the Softmax: the scale, a mask, a cast.</summary>
        private static readonly HashSet<string> ScoreSteps = new HashSet<string> { "Div", "Mul", "Add", "Where", "Cast" };

        /// <summary>Recognised attentions by their anchor (first projection MatMul).</summary>
        private readonly Dictionary<OnnxNode, OnnxAttentionMatch> _attentions = new Dictionary<OnnxNode, OnnxAttentionMatch>();

        private Dictionary<string, OnnxNode> _producers = new Dictionary<string, OnnxNode>();

        /// <summary>Matches every attention core; AXN128 for those of another form. False if one was reported.</summary>
        private bool PlanAttention()
        {
            bool clean = true;
            _producers = new Dictionary<string, OnnxNode>();
            foreach (var node in _graph.Nodes)
            {
                foreach (var output in node.Outputs) _producers[output] = node;
            }

            foreach (var softmax in _graph.Nodes.Where(n => n.OpType == "Softmax" && n.Inputs.Count > 0))
            {
                var scores = ScoresProduct(softmax);
                if (scores is null) continue;
                var context = WeightedValues(softmax);
                if (context is null) continue;
                var plan = new List<OnnxNode>();
                var match = Match(scores, softmax, context, plan, out string why);
                if (match is not null)
                {
                    _attentions[match.Anchor] = match;
                    foreach (var node in plan.Where(n => n != match.Anchor)) _fused.Add(node);
                    continue;
                }

                var start = ModuleStart(scores);
                string what = $"the product of queries and keys '{scores.DisplayName}', the Softmax '{softmax.DisplayName}' and the product with the values '{context.DisplayName}' "
                    + $"are a scaled dot-product attention, but {why}, so it is not the form Axon maps to MultiHeadAttention (separate q, k, v projections; docs/own-model.md)";
                Report(DiagnosticDescriptors.OnnxAttentionUnsupported, start.DisplayName, start.OpType, what);
                clean = false;
            }

            return clean;
        }

        private bool Computed(string value) => value.Length > 0 && !_graph.Initializers.ContainsKey(value) && !(_producers.TryGetValue(value, out var p) && p.OpType == "Constant");

        /// <summary>A constant operand (initializer or Constant node) by name, before mapping has collected the Constant nodes.</summary>
        private OnnxTensor? ConstantOperand(string value)
        {
            if (_graph.Initializers.TryGetValue(value, out var tensor)) return tensor;
            if (_producers.TryGetValue(value, out var node) && node.OpType == "Constant" && node.Attributes.TryGetValue("value", out var a)) return a.Tensor;
            return null;
        }

        /// <summary>The MatMul of two computed values that feeds the Softmax through scale and mask steps, or null.</summary>
        private OnnxNode? ScoresProduct(OnnxNode softmax)
        {
            string value = softmax.Inputs[0];
            for (int step = 0; step < 8 && _producers.TryGetValue(value, out var node); step++)
            {
                if (node.OpType == "MatMul") return IsProductOfComputedValues(node) ? node : null;
                if (!ScoreSteps.Contains(node.OpType)) return null;
                // Follow the computed operand (the scores), not the constant scale or a mask initializer.
                var operands = node.Inputs.Where(i => Computed(i) && _producers.ContainsKey(i)).ToList();
                if (operands.Count == 0) return null;
                value = operands.FirstOrDefault(i => _producers[i].OpType == "MatMul") ?? operands[0];
            }

            return null;
        }

        /// <summary>The MatMul that multiplies the Softmax's output (perhaps through a Dropout) by another computed value, or null.</summary>
        private OnnxNode? WeightedValues(OnnxNode softmax)
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
                        if (reader.OpType == "MatMul" && IsProductOfComputedValues(reader)) return reader;
                        if (reader.OpType == "Dropout" || reader.OpType == "Identity" || reader.OpType == "Cast") next.Add(reader.Outputs[0]);
                    }
                }

                frontier = next;
            }

            return null;
        }

        private bool IsProductOfComputedValues(OnnxNode matMul) => matMul.Inputs.Count == 2 && matMul.Inputs.All(Computed);

        /// <summary>The documented form, with every node it replaces in <paramref name="plan"/>; null and what differs otherwise.</summary>
        private OnnxAttentionMatch? Match(OnnxNode scores, OnnxNode softmax, OnnxNode context, List<OnnxNode> plan, out string why)
        {
            why = "";
            var reshapes = new List<(OnnxNode, long[])>();
            var q = Projection(scores.Inputs[0], new long[] { 0, 2, 1, 3 }, "queries", plan, reshapes, ref why);
            var k = q is null ? null : Projection(scores.Inputs[1], new long[] { 0, 2, 3, 1 }, "keys", plan, reshapes, ref why);
            var v = k is null ? null : Projection(context.Inputs[1], new long[] { 0, 2, 1, 3 }, "values", plan, reshapes, ref why);
            if (q is null || k is null || v is null) return null;
            if (q.Value.Input != k.Value.Input || q.Value.Input != v.Value.Input) return Fail("the queries, keys and values project different inputs (not self-attention)", out why);
            long embed = q.Value.Weight.Dims[0];
            int heads = q.Value.Heads;
            if (k.Value.Heads != heads || v.Value.Heads != heads) return Fail("the queries, keys and values are split into different numbers of heads", out why);

            // Scores → scale (and mask) → Softmax over the keys.
            plan.Add(scores);
            double scale = 1;
            OnnxTensor? mask = null;
            string value = scores.Outputs[0];
            while (SoleConsumer(value) is { } step && step != softmax)
            {
                var constant = step.Inputs.Where(i => i != value).Select(ConstantOperand).FirstOrDefault();
                if (step.Inputs.Count != 2 || constant is null) return Fail($"'{step.DisplayName}' ({step.OpType}) between the scores and the Softmax is not a constant scale or mask", out why);
                if ((step.OpType == "Div" || step.OpType == "Mul") && constant.ElementCount == 1 && constant.Values.Length == 1)
                {
                    if (step.OpType == "Div" && step.Inputs[1] != value) scale *= constant.Values[0] == 0 ? double.NaN : 1 / constant.Values[0];
                    else if (step.OpType == "Div") return Fail($"'{step.DisplayName}' divides a constant by the scores", out why);
                    else scale *= constant.Values[0];
                }
                else if (step.OpType == "Add" && mask is null)
                {
                    mask = constant;
                }
                else
                {
                    return Fail($"'{step.DisplayName}' ({step.OpType}) between the scores and the Softmax is not a constant scale or mask", out why);
                }

                plan.Add(step);
                value = step.Outputs[0];
            }

            if (SoleConsumer(value) != softmax) return Fail("the scores have another reader than the Softmax", out why);
            long softmaxAxis = Int(softmax, "axis", -1);
            if (softmaxAxis != -1 && softmaxAxis != 3) return Fail($"the Softmax runs over axis {softmaxAxis}, not over the keys (−1)", out why);
            double d = embed / heads;
            if (!(Math.Abs(scale * Math.Sqrt(d) - 1) <= 1e-6)) return Fail($"the scores are scaled by {scale:R}, not 1/√{d}", out why);
            plan.Add(softmax);
            string weights = softmax.Outputs[0];
            while (SoleConsumer(weights) is { } pass && pass != context && (pass.OpType == "Dropout" || pass.OpType == "Identity"))
            {
                plan.Add(pass);
                weights = pass.Outputs[0];
            }

            if (SoleConsumer(weights) != context || context.Inputs[0] != weights) return Fail("the attention weights are read otherwise than by the product with the values", out why);
            plan.Add(context);

            // Heads merged: Transpose[0,2,1,3] → Reshape[b, L, E] → MatMul(Wo) → Add(bo).
            if (SoleConsumer(context.Outputs[0]) is not { OpType: "Transpose" } merge || !Perm(merge, 0, 2, 1, 3)) return Fail("the heads are not merged by Transpose(perm = [0, 2, 1, 3])", out why);
            plan.Add(merge);
            if (SoleConsumer(merge.Outputs[0]) is not { OpType: "Reshape" } merged || merged.Inputs.Count < 2 || ConstantOperand(merged.Inputs[1]) is not { } mergedShape || mergedShape.Integers.Length != 3)
                return Fail("the merged heads are not reshaped to [batch, L, E] by a constant shape", out why);
            plan.Add(merged);
            reshapes.Add((merged, mergedShape.Integers));
            if (SoleConsumer(merged.Outputs[0]) is not { OpType: "MatMul" } outProjection || outProjection.Inputs[0] != merged.Outputs[0]
                || ConstantOperand(outProjection.Inputs[1]) is not { } outWeight || !outWeight.Dims.SequenceEqual(new[] { embed, embed }))
                return Fail("the merged heads are not projected by a MatMul with a constant [E, E] weight", out why);
            plan.Add(outProjection);
            var output = outProjection;
            OnnxTensor? outBias = null;
            if (SoleConsumer(outProjection.Outputs[0]) is { OpType: "Add" } add && add.Inputs.Count == 2
                && add.Inputs.Where(i => i != outProjection.Outputs[0]).Select(ConstantOperand).FirstOrDefault() is { } bias && bias.ElementCount == embed)
            {
                plan.Add(add);
                output = add;
                outBias = bias;
            }

            var anchor = _graph.Nodes.First(n => n == q.Value.MatMul || n == k.Value.MatMul || n == v.Value.MatMul);
            return new OnnxAttentionMatch(anchor, scores, output, q.Value.Input, heads, mask,
                new[] { q.Value.Weight, k.Value.Weight, v.Value.Weight, outWeight }, new[] { q.Value.Bias, k.Value.Bias, v.Value.Bias, outBias }, reshapes.ToArray());
        }

        /// <summary>Transpose(perm) ← Reshape[b, L, H, d] ← (Add of a constant bias) ← MatMul(x, constant [E, E]), each read once.</summary>
        private (OnnxNode MatMul, string Input, OnnxTensor Weight, OnnxTensor? Bias, int Heads)? Projection(string value, long[] perm, string role, List<OnnxNode> plan, List<(OnnxNode, long[])> reshapes, ref string why)
        {
            string permText = "[" + string.Join(", ", perm) + "]";
            if (!_producers.TryGetValue(value, out var transpose) || transpose.OpType != "Transpose" || !Perm(transpose, perm) || SoleConsumer(value) is null)
                return NoProjection($"the {role} do not come from Transpose(perm = {permText}) of their heads", ref why);
            string split = transpose.Inputs[0];
            if (!_producers.TryGetValue(split, out var reshape) || reshape.OpType != "Reshape" || SoleConsumer(split) is null || reshape.Inputs.Count < 2
                || ConstantOperand(reshape.Inputs[1]) is not { } shape || shape.Integers.Length != 4 || shape.Integers[2] <= 0 || shape.Integers[3] <= 0)
                return NoProjection($"the {role} are not split into heads by a Reshape to a constant [batch, L, H, d]", ref why);
            string projected = reshape.Inputs[0];
            if (!_producers.TryGetValue(projected, out var node) || SoleConsumer(projected) is null) return NoProjection($"the {role} are not a projection read once", ref why);
            OnnxTensor? bias = null;
            OnnxNode? add = null;
            if (node.OpType == "Add" && node.Inputs.Count == 2)
            {
                string other = node.Inputs.FirstOrDefault(i => _producers.TryGetValue(i, out var p) && p.OpType == "MatMul") ?? "";
                bias = node.Inputs.Where(i => i != other).Select(ConstantOperand).FirstOrDefault();
                if (other.Length == 0 || bias is null || SoleConsumer(other) is null) return NoProjection($"the {role} projection's Add is not a constant bias after a MatMul", ref why);
                add = node;
                node = _producers[other];
            }

            if (node.OpType != "MatMul" || node.Inputs.Count != 2 || ConstantOperand(node.Inputs[1]) is not { } weight || weight.Dims.Count != 2 || weight.Dims[0] != weight.Dims[1])
                return NoProjection($"the {role} are not projected by a MatMul with a constant [E, E] weight", ref why);
            long embed = weight.Dims[0];
            if (bias is not null && bias.ElementCount != embed) return NoProjection($"the {role} projection's bias has {bias.ElementCount} values for {embed}", ref why);
            if (weight.DataType != 1 && weight.DataType != 11) return NoProjection($"the {role} projection's weight is not float or double", ref why);
            long heads = shape.Integers[2];
            if (heads * shape.Integers[3] != embed || heads > int.MaxValue) return NoProjection($"the {role} are split into {heads} heads of {shape.Integers[3]}, not E = {embed}", ref why);
            plan.Add(node);
            if (add is not null) plan.Add(add);
            plan.Add(reshape);
            plan.Add(transpose);
            reshapes.Add((reshape, shape.Integers));
            return (node, node.Inputs[0], weight, bias, (int)heads);
        }

        /// <summary>The matched attention as one MultiHeadAttention(E, H, bias, causal, separateProjections: true) layer.</summary>
        private void MapAttention(OnnxAttentionMatch match)
        {
            var anchor = match.Anchor;
            if (!_values.TryGetValue(match.Input, out int x)) x = Value(anchor, 0);
            var shape = _shapes[x];
            int embed = (int)match.Projections[0].Dims[0];
            if (shape.Length != 2 || shape[1] != embed) throw Unsupported(match.Scores, $"attention over an input of shape [N, {string.Join(", ", shape)}] (Axon's MultiHeadAttention reads [N, L, {embed}])");
            int length = shape[0];
            foreach (var (node, dims) in match.Reshapes)
            {
                bool batchKept = dims[0] == 0 || dims[0] == -1 || (_batch.HasValue && dims[0] == _batch.Value);
                bool lengthKept = dims[1] == length || dims[1] == 0 || (dims[1] == -1 && dims[0] != -1);
                bool rest = dims.Length == 4 || dims[2] == embed;
                if (!batchKept || !lengthKept || !rest) throw Unsupported(node, $"the target shape [{string.Join(", ", dims)}] for the attention's [N, {length}, {embed}]");
            }

            bool causal = false;
            if (match.Mask is { } mask)
            {
                if (mask.ElementCount != (long)length * length || mask.Values.Length != length * length)
                    throw Unsupported(match.Scores, $"an attention mask '{mask.Name}' of shape [{string.Join(", ", mask.Dims)}] for {length} positions");
                bool zero = mask.Values.All(m => m == 0);
                causal = !zero && Enumerable.Range(0, length * length).All(i => i % length <= i / length ? mask.Values[i] == 0 : mask.Values[i] <= -1e4);
                if (!zero && !causal) throw Unsupported(match.Scores, $"the attention mask '{mask.Name}', neither zero nor causal (0 on and below the diagonal, ≤ −10⁴ above)");
            }

            bool bias = match.Biases.Any(b => b is not null);
            var weights = new List<(string, double[])>();
            string[] roles = { "q_proj_weight", "k_proj_weight", "v_proj_weight" };
            for (int i = 0; i < 3; i++) weights.Add((roles[i], Transpose(match.Projections[i].Values, embed, embed)));
            if (bias) weights.Add(("in_proj_bias", match.Biases.Take(3).SelectMany(b => b?.Values ?? new double[embed]).ToArray()));
            weights.Add(("out_proj.weight", Transpose(match.Projections[3].Values, embed, embed)));
            if (bias) weights.Add(("out_proj.bias", match.Biases[3]?.Values ?? new double[embed]));
            var hyper = new[] { embed, match.Heads, bias ? 1 : 0, causal ? 1 : 0, -1, 1 };
            Bind(match.Output, ApplyLayer(match.Scores, OpKind.MultiHeadAttention, LayerName(match.Scores, null, "attention"), hyper, 0, x, weights.ToArray()));
        }

        private bool Perm(OnnxNode transpose, params long[] expected) => Ints(transpose, "perm") is { } perm && perm.SequenceEqual(expected);

        private static (OnnxNode, string, OnnxTensor, OnnxTensor?, int)? NoProjection(string reason, ref string why)
        {
            why = reason;
            return null;
        }

        private static OnnxAttentionMatch? Fail(string reason, out string why)
        {
            why = reason;
            return null;
        }

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
            return _graph.Nodes.First(n => n.Name.StartsWith(module, StringComparison.Ordinal));
        }
    }
}
