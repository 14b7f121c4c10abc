using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Self-attention. torch.onnx.export writes scaled dot-product attention as a subgraph whose shape depends on the
    /// module and the exporter version; it is recognised by its core — MatMul(queries, keys) → constant scales and masks
    /// → Softmax(axis −1) → (Dropout) → MatMul(·, values), or opset 23's Attention operator — and mapped to one
    /// MultiHeadAttention when:
    /// <list type="bullet">
    /// <item>queries, keys and values come from projections of the same value x (MatMul by a constant [E, E] each,
    /// HuggingFace/BERT style, → separateProjections: true; or one MatMul by [E, 3E], nn.MultiheadAttention's
    /// transposed in_proj_weight, → in_proj_weight), each with an optional constant bias Add, perhaps after a Transpose
    /// of x (batch_first's swap to sequence first);</item>
    /// <item>from there to the product, only layout operators (Reshape, Transpose, Split, Slice, Gather, Squeeze,
    /// Unsqueeze, Identity) and constant scales (Mul, Div) — replayed on concrete sizes (OnnxGraphMapper.AttentionLayout.cs),
    /// so every element must be the query, key or value column of one head at its own position, whatever order the
    /// exporter chose; the scales together (on q, on k, on the scores) are 1/√d;</item>
    /// <item>the mask is a constant (zeros or causal) or is computed from the token ids and constants and hides exactly
    /// the pad keys (and later positions): OnnxGraphMapper.AttentionMask.cs;</item>
    /// <item>the result reaches a MatMul by a constant [E, E] (+ Add of its bias) or a Gemm through layout operators,
    /// and layout operators after it bring it back to [batch, L, E];</item>
    /// <item>no value computed inside is read outside.</item>
    /// </list>
    /// An attention core that fails any of these is reported once (AXN128) at the first node of its module, naming what
    /// did not match, instead of failing at whichever operator inside it comes first.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>Operators that may sit between the scores product and the Softmax: the scale, a mask, a cast.</summary>
        private static readonly HashSet<string> ScoreSteps = new HashSet<string> { "Div", "Mul", "Add", "Where", "Cast" };

        /// <summary>Recognised attentions by their anchor (their first node in the file's order).</summary>
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
                    foreach (var node in match.MaskNodes) _fused.Add(node);
                    continue;
                }

                var start = ModuleStart(scores);
                string what = $"the product of queries and keys '{scores.DisplayName}', the Softmax '{softmax.DisplayName}' and the product with the values '{context.DisplayName}' "
                    + $"are a scaled dot-product attention, but {why}, so it is not a form Axon maps to MultiHeadAttention (docs/own-model.md, Self-attention)";
                Report(DiagnosticDescriptors.OnnxAttentionUnsupported, start.DisplayName, start.OpType, what);
                clean = false;
            }

            // Opset 23's Attention operator over projected queries, keys and values.
            foreach (var attention in _graph.Nodes.Where(n => n.OpType == "Attention" && (n.Domain.Length == 0 || n.Domain == "ai.onnx")))
            {
                var plan = new List<OnnxNode>();
                var match = MatchOperator(attention, plan, out string why);
                if (match is not null)
                {
                    _attentions[match.Anchor] = match;
                    foreach (var node in plan.Where(n => n != match.Anchor)) _fused.Add(node);
                    continue;
                }

                Report(DiagnosticDescriptors.OnnxAttentionUnsupported, attention.DisplayName, attention.OpType,
                    $"the Attention operator maps to MultiHeadAttention when it reads self-attention projections (MatMul by constants) with as many key/value heads as query heads, but {why}");
                clean = false;
            }

            return clean;
        }

        /// <summary>
        /// Opset 23's Attention(Q, K, V): Q, K and V traced to their projections like a decomposed attention's (rank 3,
        /// split into q_num_heads by the operator, or rank 4 already split), is_causal for the causal mask, scale
        /// 1/√d (the default) in all; then the out projection.
        /// </summary>
        private OnnxAttentionMatch? MatchOperator(OnnxNode attention, List<OnnxNode> plan, out string why)
        {
            why = "";
            if (attention.Inputs.Count < 3 || attention.Inputs.Take(3).Any(i => i.Length == 0)) return Fail("it lacks queries, keys or values", out why);
            string[] optional = { "attn_mask", "past_key", "past_value", "nonpad_kv_seqlen" };
            OnnxTensor? mask = null;
            for (int i = 3; i < attention.Inputs.Count && i < 3 + optional.Length; i++)
            {
                if (attention.Inputs[i].Length == 0) continue;
                if (i == 3 && ConstantOperand(attention.Inputs[3]) is { DataType: 1 or 11 } constant)
                {
                    mask = constant;
                    continue;
                }

                return Fail($"it has the input {optional[i - 3]} '{attention.Inputs[i]}' (Axon takes no mask other than a constant float one, and no key/value cache)", out why);
            }

            for (int o = 1; o < attention.Outputs.Count; o++)
            {
                string output = attention.Outputs[o];
                if (output.Length > 0 && (_consumers.ContainsKey(output) || _graph.Outputs.Any(g => g.Name == output)))
                    return Fail($"its output {o} '{output}' is read (present_key, present_value and the raw scores are not computed)", out why);
            }

            long queryHeads = Int(attention, "q_num_heads", 0), keyValueHeads = Int(attention, "kv_num_heads", 0);
            if (queryHeads != keyValueHeads)
                return Fail($"it is grouped-query attention (q_num_heads = {queryHeads}, kv_num_heads = {keyValueHeads}), and Axon's MultiHeadAttention has as many key/value heads as query heads", out why);
            if (queryHeads < 0 || queryHeads > int.MaxValue) return Fail($"q_num_heads = {queryHeads}", out why);
            if (Float(attention, "softcap", 0f) != 0f) return Fail($"softcap = {Format(Float(attention, "softcap", 0f))}", out why);
            var core = Projections(attention.Inputs[0], attention.Inputs[1], attention.Inputs[2], false, (int)queryHeads, plan, ref why);
            if (core is null) return null;
            var (q, k, _, heads, _, _, _) = core.Value;
            double d = heads.HeadWidth;
            double scale = (attention.Attributes.ContainsKey("scale") ? Float(attention, "scale", 0f) : 1 / Math.Sqrt(d)) * q.Scale * k.Scale;
            if (!(Math.Abs(scale * Math.Sqrt(d) - 1) <= 1e-6)) return Fail($"the scores are scaled by {scale:R} in all, not 1/√{d}", out why);
            plan.Add(attention);
            var terms = new List<(string Value, MaskUse Use)>();
            if (mask is not null) terms.Add((attention.Inputs[3], MaskUse.Added));
            var match = Finish(core.Value, attention, plan, mask, terms, ref why);
            if (match is not null && Int(attention, "is_causal", 0) != 0) match.ComputedCausal = true;
            return match;
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
        private OnnxNode? ScoresProduct(OnnxNode softmax) => ScoresProduct(softmax.Inputs[0], 0);

        /// <summary>Searches the computed operands (the scores, or a mask computed beside them) for the product, a few steps deep.</summary>
        private OnnxNode? ScoresProduct(string value, int depth)
        {
            if (depth >= 8 || !_producers.TryGetValue(value, out var node)) return null;
            if (node.OpType == "MatMul") return IsProductOfComputedValues(node) ? node : null;
            if (!ScoreSteps.Contains(node.OpType)) return null;
            foreach (var operand in node.Inputs.Where(i => Computed(i) && _producers.ContainsKey(i)))
            {
                if (ScoresProduct(operand, depth + 1) is { } product) return product;
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

        /// <summary>The accepted form (see the class comment), with every node it replaces in <paramref name="plan"/>; null and what differs otherwise.</summary>
        private OnnxAttentionMatch? Match(OnnxNode scores, OnnxNode softmax, OnnxNode context, List<OnnxNode> plan, out string why)
        {
            why = "";
            var core = Projections(scores.Inputs[0], scores.Inputs[1], context.Inputs[1], true, 0, plan, ref why);
            if (core is null) return null;
            var (q, k, _, qHeads, batch, length, embed) = core.Value;

            // Scores → scale (and mask) → Softmax over the keys.
            plan.Add(scores);
            double scale = q.Scale * k.Scale;
            OnnxTensor? mask = null;
            var terms = new List<(string Value, MaskUse Use)>();
            string value = scores.Outputs[0];
            while (SoleConsumer(value) is { } step && step != softmax)
            {
                if (step.OpType == "Where" && step.Inputs.Count == 3 && step.Inputs[0] != value && (step.Inputs[1] == value ^ step.Inputs[2] == value))
                {
                    // masked_fill: a constant large negative where the condition says (true in input 1's place, false in input 2's).
                    var fill = ConstantOperand(step.Inputs[1] == value ? step.Inputs[2] : step.Inputs[1]);
                    if (fill is null || fill.Values.Length != 1 || !(fill.Values[0] <= -1e4)) return Fail($"'{step.DisplayName}' (Where) fills the scores with something other than a constant ≤ −10⁴", out why);
                    terms.Add((step.Inputs[0], step.Inputs[1] == value ? MaskUse.FilledWhereFalse : MaskUse.FilledWhereTrue));
                    plan.Add(step);
                    value = step.Outputs[0];
                    continue;
                }

                if (step.OpType == "Add" && step.Inputs.Count == 2 && step.Inputs.Count(i => i == value) == 1 && ConstantOperand(step.Inputs.First(i => i != value)) is null)
                {
                    terms.Add((step.Inputs.First(i => i != value), MaskUse.Added));
                    plan.Add(step);
                    value = step.Outputs[0];
                    continue;
                }

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
                    terms.Add((step.Inputs.First(i => i != value), MaskUse.Added));
                }
                else
                {
                    return Fail($"'{step.DisplayName}' ({step.OpType}) between the scores and the Softmax is not a constant scale or mask", out why);
                }

                plan.Add(step);
                value = step.Outputs[0];
            }

            if (SoleConsumer(value) != softmax) return Fail("the scores have another reader than the Softmax", out why);
            int rank = qHeads.Leading.Length + 2;
            long softmaxAxis = Int(softmax, "axis", -1);
            if (softmaxAxis != -1 && softmaxAxis != rank - 1) return Fail($"the Softmax runs over axis {softmaxAxis}, not over the keys (−1)", out why);
            double d = qHeads.HeadWidth;
            if (!(Math.Abs(scale * Math.Sqrt(d) - 1) <= 1e-6)) return Fail($"the scores are scaled by {scale:R} in all, not 1/√{d}", out why);
            plan.Add(softmax);
            string weights = softmax.Outputs[0];
            while (SoleConsumer(weights) is { } pass && pass != context && (pass.OpType == "Dropout" || pass.OpType == "Identity"))
            {
                plan.Add(pass);
                weights = pass.Outputs[0];
            }

            if (SoleConsumer(weights) != context || context.Inputs[0] != weights) return Fail("the attention weights are read otherwise than by the product with the values", out why);
            plan.Add(context);

            return Finish(core.Value, context, plan, mask, terms, ref why);
        }

        /// <summary>
        /// The queries, keys and values traced back to their projections (three [E, E] MatMuls, or one [E, 3E] split in
        /// three) and checked head by head, their nodes added to <paramref name="plan"/>; null and why otherwise.
        /// <paramref name="keysTransposed"/>: the keys arrive as […, d, L] (a MatMul computes the scores);
        /// <paramref name="operatorHeads"/> &gt; 0: rank-3 operands that the Attention operator splits into that many heads itself.
        /// </summary>
        private (ProjectionPath Q, ProjectionPath K, ProjectionPath V, HeadLayout Heads, long Batch, long Length, long Embed)? Projections(string queries, string keys, string values, bool keysTransposed, int operatorHeads, List<OnnxNode> plan, ref string why)
        {
            var q = Path(queries, "queries", ref why);
            var k = q is null ? null : Path(keys, "keys", ref why);
            var v = k is null ? null : Path(values, "values", ref why);
            if (q is null || k is null || v is null) return null;
            if (q.Input != k.Input || q.Input != v.Input) return NoProjections("the queries, keys and values project different inputs (not self-attention)", ref why);
            if (v.Scale != 1) return NoProjections("the values are scaled", ref why);
            bool packed = q.MatMul == k.MatMul && k.MatMul == v.MatMul;
            if (!packed && (q.MatMul == k.MatMul || k.MatMul == v.MatMul || q.MatMul == v.MatMul))
                return NoProjections("two of the queries, keys and values share a projection and the third has its own", ref why);
            long embed = q.Weight.Dims[0];
            long columns = packed ? 3 * embed : embed;
            foreach (var path in new[] { q, k, v })
            {
                if (path.Weight.Dims[0] != embed || path.Weight.Dims[1] != columns)
                    return NoProjections($"the {path.Role} are projected by a [{string.Join(", ", path.Weight.Dims)}] weight, not [{embed}, {columns}]", ref why);
            }

            if (!SequenceSizes(out long batch, out long length)) return NoProjections("the model input gives no [batch, L, …] sequence length", ref why);
            // The layout is checked element by element; a bound on that work keeps a corrupt or huge file from exhausting memory.
            if (embed <= 0 || (double)batch * length * columns > 1 << 24 || (double)batch * length * length * embed > 1 << 26)
                return NoProjections($"it is too large to check its layout ({batch} × {length} positions × {columns} columns)", ref why);
            var qHeads = Heads(q, batch, length, embed, columns, 0, false, operatorHeads, ref why);
            var kHeads = qHeads is null ? null : Heads(k, batch, length, embed, columns, packed ? embed : 0, keysTransposed, operatorHeads, ref why);
            var vHeads = kHeads is null ? null : Heads(v, batch, length, embed, columns, packed ? 2 * embed : 0, false, operatorHeads, ref why);
            if (qHeads is null || kHeads is null || vHeads is null) return null;
            if (!qHeads.SameAs(kHeads) || !qHeads.SameAs(vHeads)) return NoProjections("the queries, keys and values are not split into the same heads in the same order", ref why);
            if (!qHeads.CoversEveryHead(batch, embed)) return NoProjections("the heads of the queries do not cover every sample and head once", ref why);
            foreach (var path in new[] { q, k, v }) path.AddTo(plan);
            return (q, k, v, qHeads, batch, length, embed);
        }

        private static (ProjectionPath, ProjectionPath, ProjectionPath, HeadLayout, long, long, long)? NoProjections(string reason, ref string why)
        {
            why = reason;
            return null;
        }

        /// <summary>
        /// From the heads' product with the values (<paramref name="context"/>'s output) to the layer: the out projection
        /// and the way back to [batch, L, E], the mask, the weights in PyTorch's layout; null and why otherwise.
        /// </summary>
        private OnnxAttentionMatch? Finish((ProjectionPath Q, ProjectionPath K, ProjectionPath V, HeadLayout Heads, long Batch, long Length, long Embed) core, OnnxNode context,
            List<OnnxNode> plan, OnnxTensor? mask, List<(string Value, MaskUse Use)> terms, ref string why)
        {
            var (q, k, v, qHeads, batch, length, embed) = core;
            bool packed = q.MatMul == v.MatMul;
            long columns = packed ? 3 * embed : embed;
            var output = Merge(context, qHeads, batch, length, embed, plan, out var outWeightTensor, out bool outTransposed, out var outBiasTensor, ref why);
            if (output is null || outWeightTensor is null) return null;
            var outWeight = outTransposed ? outWeightTensor.Values : Transpose(outWeightTensor.Values, (int)embed, (int)embed);
            var unread = Escaping(plan, output);
            if (unread is not null) return Fail($"the intermediate value '{unread}' is also read outside the attention", out why);

            var inProjection = packed
                ? Transpose(q.Weight.Values, (int)embed, (int)columns)
                : new[] { q, k, v }.SelectMany(p => Transpose(p.Weight.Values, (int)embed, (int)embed)).ToArray();
            double[]? inBias = null;
            if (packed && q.Bias is not null) inBias = q.Bias.Values;
            else if (!packed && new[] { q, k, v }.Any(p => p.Bias is not null)) inBias = new[] { q, k, v }.SelectMany(p => p.Bias?.Values ?? new double[embed]).ToArray();

            // A mask computed in the graph (or a constant beside one) is checked by evaluation; a lone constant when the layer is applied.
            bool computedCausal = false;
            int padTokenId = -1;
            var maskNodes = new HashSet<OnnxNode>();
            if (terms.Count > (mask is null ? 0 : 1))
            {
                var computed = ComputedMask(terms, qHeads, batch, length, ref why);
                if (computed is null) return null;
                (computedCausal, padTokenId, maskNodes) = computed.Value;
                mask = null;
            }

            var inPlan = new HashSet<OnnxNode>(plan);
            var anchor = _graph.Nodes.First(inPlan.Contains);
            return new OnnxAttentionMatch(anchor, context, output, q.Input, (int)length, (int)embed, (int)(embed / qHeads.HeadWidth), packed,
                inProjection, inBias, outWeight, outBiasTensor?.Values, mask, ModuleOf(q.Bias, ".in_proj_bias") ?? ModuleOf(outBiasTensor, ".out_proj.bias") ?? ModuleOf(outWeightTensor, ".out_proj.weight") ?? "")
            {
                ComputedCausal = computedCausal,
                PadTokenId = padTokenId,
                MaskNodes = maskNodes,
            };
        }

        private static OnnxAttentionMatch? Fail(string reason, out string why)
        {
            why = reason;
            return null;
        }

        /// <summary>"layers.0.self_attn" from "layers.0.self_attn.in_proj_bias", or null when the name has another ending.</summary>
        private static string? ModuleOf(OnnxTensor? tensor, string suffix)
            => tensor is not null && tensor.Name.Length > suffix.Length && tensor.Name.EndsWith(suffix, StringComparison.Ordinal) ? tensor.Name.Substring(0, tensor.Name.Length - suffix.Length) : null;

        /// <summary>The first value computed inside the attention (before its output) that a node outside it, or the graph, reads; null if none.</summary>
        private string? Escaping(List<OnnxNode> plan, OnnxNode output)
        {
            var inPlan = new HashSet<OnnxNode>(plan);
            foreach (var node in plan)
            {
                if (node == output) continue;
                foreach (var value in node.Outputs)
                {
                    if (_graph.Outputs.Any(o => o.Name == value)) return value;
                    if (_consumers.TryGetValue(value, out var readers) && readers.Any(r => !inPlan.Contains(r))) return value;
                }
            }

            return null;
        }

        /// <summary>The matched attention as one MultiHeadAttention layer (packed, or with separate q/k/v projections).</summary>
        private void MapAttention(OnnxAttentionMatch match)
        {
            if (!_values.TryGetValue(match.Input, out int x) || (x == 0 && _tokenInput))
                throw Stop(DiagnosticDescriptors.OnnxUnsupportedGraph, _request.Identity.ClassName, $"uses the value '{match.Input}' in the attention '{match.Scores.DisplayName}' before any supported operator computes it as [N, L, E] values");
            var shape = _shapes[x];
            int embed = match.Embed, length = match.Length;
            if (shape.Length != 2 || shape[0] != length || shape[1] != embed)
                throw Unsupported(match.Scores, $"attention over an input of shape [N, {string.Join(", ", shape)}] (its layout was checked for [N, {length}, {embed}])");

            bool causal = match.ComputedCausal;
            if (match.Mask is { } mask)
            {
                bool alsoCausal = causal;
                if (mask.ElementCount != (long)length * length || mask.Values.Length != length * length)
                    throw Unsupported(match.Scores, $"an attention mask '{mask.Name}' of shape [{string.Join(", ", mask.Dims)}] for {length} positions");
                bool zero = mask.Values.All(m => m == 0);
                causal = !zero && Enumerable.Range(0, length * length).All(i => i % length <= i / length ? mask.Values[i] == 0 : mask.Values[i] <= -1e4);
                if (!zero && !causal) throw Unsupported(match.Scores, $"the attention mask '{mask.Name}', neither zero nor causal (0 on and below the diagonal, ≤ −10⁴ above)");
                causal |= alsoCausal;
            }

            bool bias = match.InBias is not null || match.OutBias is not null;
            var weights = new List<(string, double[])>();
            int block = embed * embed;
            if (match.Packed)
            {
                weights.Add(("in_proj_weight", match.InProjection));
            }
            else
            {
                string[] roles = { "q_proj_weight", "k_proj_weight", "v_proj_weight" };
                for (int i = 0; i < 3; i++) weights.Add((roles[i], match.InProjection.Skip(i * block).Take(block).ToArray()));
            }

            if (bias) weights.Add(("in_proj_bias", match.InBias ?? new double[3 * embed]));
            weights.Add(("out_proj.weight", match.OutWeight));
            if (bias) weights.Add(("out_proj.bias", match.OutBias ?? new double[embed]));
            var hyper = match.Packed
                ? new[] { embed, match.Heads, bias ? 1 : 0, causal ? 1 : 0, match.PadTokenId }
                : new[] { embed, match.Heads, bias ? 1 : 0, causal ? 1 : 0, match.PadTokenId, 1 };
            string module = Sanitize(match.Module);
            string name = module.Length == 0 ? LayerName(match.Scores, null, "attention") : _taken.Add(module) ? module : Numbered(module + "_");
            Bind(match.Output, ApplyLayer(match.Scores, OpKind.MultiHeadAttention, name, hyper, 0, x, weights.ToArray()));
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
