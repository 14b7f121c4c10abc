using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// The layout half of attention matching: how queries, keys and values get from their projections to the product,
    /// and how the heads get back to [batch, L, E]. Every layout operator on the way is replayed on an
    /// <see cref="OnnxLayoutTrace"/> of concrete sizes (the file's batch size, or 2 where it is symbolic, and the model
    /// input's sequence length), so any order of Reshape, Transpose, Split, Slice, Gather, Squeeze and Unsqueeze the
    /// exporter chose is accepted exactly when it puts each element where nn.MultiheadAttention's arithmetic needs it.
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>Operators that only move elements; their data input is input 0.</summary>
        private static readonly HashSet<string> LayoutOperators = new HashSet<string> { "Transpose", "Reshape", "Gather", "Split", "Slice", "Squeeze", "Unsqueeze", "Identity", "Dropout" };

        /// <summary>Queries, keys or values: the projection that computes them and the steps from it to the product.</summary>
        private sealed class ProjectionPath
        {
            public ProjectionPath(string role, OnnxNode matMul, OnnxNode? add, OnnxTensor weight, OnnxTensor? bias, string input, List<(OnnxNode Node, int Output)> inputSteps, List<(OnnxNode Node, int Output)> steps, double scale)
            {
                Role = role;
                MatMul = matMul;
                Add = add;
                Weight = weight;
                Bias = bias;
                Input = input;
                InputSteps = inputSteps;
                Steps = steps;
                Scale = scale;
            }

            public string Role { get; }

            public OnnxNode MatMul { get; }

            public OnnxNode? Add { get; }

            /// <summary>The MatMul's constant [E, C] weight (C = E, or 3E when packed).</summary>
            public OnnxTensor Weight { get; }

            public OnnxTensor? Bias { get; }

            /// <summary>The attention's input, before any Transpose that feeds the projection.</summary>
            public string Input { get; }

            /// <summary>Transposes between the input and the projection (nn.MultiheadAttention's batch_first swap), in order.</summary>
            public List<(OnnxNode Node, int Output)> InputSteps { get; }

            /// <summary>Layout operators and constant scales from the projection to the product, in order.</summary>
            public List<(OnnxNode Node, int Output)> Steps { get; }

            /// <summary>The product of the constant scales on the way.</summary>
            public double Scale { get; }

            public void AddTo(List<OnnxNode> plan)
            {
                foreach (var (node, _) in InputSteps) plan.Add(node);
                plan.Add(MatMul);
                if (Add is not null) plan.Add(Add);
                foreach (var (node, _) in Steps) plan.Add(node);
            }
        }

        /// <summary>Which sample and head each leading index of the product holds, and the head width d.</summary>
        private sealed class HeadLayout
        {
            public HeadLayout(long[] leading, long headWidth, int[] samples, int[] heads)
            {
                Leading = leading;
                HeadWidth = headWidth;
                Samples = samples;
                Heads = heads;
            }

            public long[] Leading { get; }

            /// <summary>Whether the Attention operator split rank-3 operands into heads (and merges its result back to [B, L, E] itself).</summary>
            public bool SplitByOperator { get; set; }

            public long HeadWidth { get; }

            public int[] Samples { get; }

            public int[] Heads { get; }

            public bool SameAs(HeadLayout other)
                => SplitByOperator == other.SplitByOperator && Leading.SequenceEqual(other.Leading) && HeadWidth == other.HeadWidth && Samples.SequenceEqual(other.Samples) && Heads.SequenceEqual(other.Heads);

            /// <summary>Whether every (sample, head) pair appears exactly once.</summary>
            public bool CoversEveryHead(long batch, long embed)
            {
                long heads = embed / HeadWidth;
                if (Samples.Length != batch * heads) return false;
                var seen = new HashSet<long>();
                for (int g = 0; g < Samples.Length; g++) seen.Add(Samples[g] * heads + Heads[g]);
                return seen.Count == Samples.Length;
            }
        }

        /// <summary>The batch size (the file's, or 2 where symbolic) and sequence length L the layout is checked with.</summary>
        private bool SequenceSizes(out long batch, out long length)
        {
            batch = 2;
            length = 0;
            var inputs = _graph.Inputs.Where(i => !_graph.Initializers.ContainsKey(i.Name)).ToList();
            if (inputs.Count != 1 || !inputs[0].HasShape || inputs[0].Dims.Count < 2 || inputs[0].Dims[1] is not long l || l <= 0 || l > 1 << 16) return false;
            if (inputs[0].Dims[0] is long b && b > 0 && b <= 64) batch = b;
            length = l;
            return true;
        }

        /// <summary>Walks back from the product's operand to its projection: layout steps and scales, an optional bias Add, the MatMul.</summary>
        private ProjectionPath? Path(string value, string role, ref string why)
        {
            var steps = new List<(OnnxNode, int)>();
            double scale = 1;
            OnnxNode? node = null;
            for (int n = 0; n < 32; n++)
            {
                if (!_producers.TryGetValue(value, out node)) return NoPath($"the {role} are not computed by a projection", ref why);
                if (node.OpType == "MatMul" || node.OpType == "Add") break;
                if (LayoutOperators.Contains(node.OpType) && node.Inputs.Count > 0)
                {
                    steps.Add((node, node.Outputs.IndexOf(value)));
                    value = node.Inputs[0];
                    continue;
                }

                if ((node.OpType == "Mul" || node.OpType == "Div") && node.Inputs.Count == 2)
                {
                    int constant = node.OpType == "Div" ? 1 : ConstantOperand(node.Inputs[1]) is not null ? 1 : 0;
                    var factor = ConstantOperand(node.Inputs[constant]);
                    if (factor is not null && factor.Values.Length == 1 && factor.ElementCount == 1 && Computed(node.Inputs[1 - constant]))
                    {
                        scale *= node.OpType == "Div" ? 1 / factor.Values[0] : factor.Values[0];
                        steps.Add((node, 0));
                        value = node.Inputs[1 - constant];
                        continue;
                    }
                }

                return NoPath($"the {role} pass through '{node.DisplayName}' ({node.OpType}), which is neither a projection, a change of layout nor a constant scale", ref why);
            }

            steps.Reverse();
            OnnxNode? add = null;
            OnnxTensor? bias = null;
            if (node is { OpType: "Add" } && node.Inputs.Count == 2)
            {
                string other = node.Inputs.FirstOrDefault(i => _producers.TryGetValue(i, out var p) && p.OpType == "MatMul") ?? "";
                bias = node.Inputs.Where(i => i != other).Select(ConstantOperand).FirstOrDefault();
                if (other.Length == 0 || bias is null) return NoPath($"the {role} projection's Add '{node.DisplayName}' is not a constant bias after a MatMul", ref why);
                add = node;
                node = _producers[other];
            }

            if (node is not { OpType: "MatMul" } || node.Inputs.Count != 2 || ConstantOperand(node.Inputs[1]) is not { } weight || weight.Dims.Count != 2)
                return NoPath($"the {role} are not projected by a MatMul with a constant [E, E] or [E, 3E] weight", ref why);
            if (weight.DataType != 1 && weight.DataType != 11) return NoPath($"the {role} projection's weight is not float or double", ref why);
            if (bias is not null && bias.ElementCount != weight.Dims[1]) return NoPath($"the {role} projection's bias has {bias.ElementCount} values for {weight.Dims[1]} columns", ref why);

            // nn.MultiheadAttention(batch_first=True) swaps batch and sequence before projecting: Transposes back to the input.
            string input = node.Inputs[0];
            var inputSteps = new List<(OnnxNode, int)>();
            while (inputSteps.Count < 2 && _producers.TryGetValue(input, out var swap) && swap.OpType == "Transpose")
            {
                inputSteps.Insert(0, (swap, 0));
                input = swap.Inputs[0];
            }

            return new ProjectionPath(role, node, add, weight, bias, input, inputSteps, steps, scale);
        }

        private static ProjectionPath? NoPath(string reason, ref string why)
        {
            why = reason;
            return null;
        }

        /// <summary>
        /// Replays a path on a [batch, L, E] input and reads off, for every leading index of the product's operand
        /// ([…, L, d], or […, d, L] for transposed keys), the sample and head it holds; null and why if any element is
        /// not row i, column <paramref name="columnBase"/> + h·d + j of its projection.
        /// </summary>
        private HeadLayout? Heads(ProjectionPath path, long batch, long length, long embed, long columns, long columnBase, bool keys, int operatorHeads, ref string why)
        {
            var trace = OnnxLayoutTrace.Contiguous(batch, length, embed);
            foreach (var step in path.InputSteps)
            {
                trace = Replay(step.Node, step.Output, trace);
                if (trace is null) return NoHeads($"'{step.Node.DisplayName}' ({step.Node.OpType}) does not apply to the [{batch}, {length}, {embed}] input", ref why);
            }

            trace = trace.Project(embed, columns);
            if (trace is null) return NoHeads($"the {path.Role} projection '{path.MatMul.DisplayName}' does not read whole positions of the input", ref why);
            foreach (var step in path.Steps)
            {
                var dims = trace.Dims;
                trace = Replay(step.Node, step.Output, trace);
                if (trace is null) return NoHeads($"'{step.Node.DisplayName}' ({step.Node.OpType}) on the {path.Role} does not apply to [{string.Join(", ", dims)}]", ref why);
            }

            bool split = operatorHeads > 0 && trace.Rank == 3;
            if (split)
            {
                // The Attention operator's rank-3 form: [B, L, H·d] split into H heads as [B, H, L, d].
                var heads4 = trace.Reshape(new long[] { 0, 0, operatorHeads, -1 })?.Transpose(new long[] { 0, 2, 1, 3 });
                if (heads4 is null) return NoHeads($"the {path.Role} [{string.Join(", ", trace.Dims)}] do not split into {operatorHeads} heads", ref why);
                trace = heads4;
            }

            int rank = trace.Rank;
            string arrived = $"the {path.Role} reach the product as [{string.Join(", ", trace.Dims)}]";
            if (rank < 3) return NoHeads(arrived + ", without a batch of heads", ref why);
            long d = keys ? trace.Dims[rank - 2] : trace.Dims[rank - 1];
            long rows = keys ? trace.Dims[rank - 1] : trace.Dims[rank - 2];
            if (rows != length || d <= 0 || embed % d != 0) return NoHeads(arrived + $", not [heads…, {length}, d] with d dividing {embed}", ref why);
            int groups = (int)(trace.Source.Length / (length * d));
            var samples = new int[groups];
            var heads = new int[groups];
            for (int g = 0; g < groups; g++)
            {
                for (long i = 0; i < length; i++)
                {
                    for (long j = 0; j < d; j++)
                    {
                        long flat = g * length * d + (keys ? j * length + i : i * d + j);
                        long source = trace.Source[flat];
                        long row = source / columns, column = source % columns - columnBase;
                        bool fits = row % length == i && column >= 0 && column < embed && column % d == j;
                        if (fits && i == 0 && j == 0)
                        {
                            samples[g] = (int)(row / length);
                            heads[g] = (int)(column / d);
                        }

                        if (!fits || samples[g] != row / length || heads[g] != column / d)
                        {
                            string which = path.Role == "keys" ? "key" : path.Role == "values" ? "value" : "query";
                            return NoHeads(arrived + $" and position {i}, channel {j} of head batch {g} is not the {which} columns of one head at that position", ref why);
                        }
                    }
                }
            }

            return new HeadLayout(trace.Dims.Take(rank - 2).ToArray(), d, samples, heads) { SplitByOperator = split };
        }

        private static HeadLayout? NoHeads(string reason, ref string why)
        {
            why = reason;
            return null;
        }

        /// <summary>
        /// From the product with the values to the attention's output: layout steps, the out projection (a MatMul by a
        /// constant [E, E], with an optional Add of its bias, or a Gemm), layout steps until the result is [batch, L, E]
        /// in order. The node whose output that is, or null and why.
        /// </summary>
        private OnnxNode? Merge(OnnxNode context, HeadLayout layout, long batch, long length, long embed, List<OnnxNode> plan,
            out OnnxTensor? weight, out bool transposed, out OnnxTensor? bias, ref string why)
        {
            weight = null;
            bias = null;
            transposed = false;
            long d = layout.HeadWidth;
            int groups = layout.Samples.Length;

            // The merged heads as PyTorch concatenates them: element (g, i, j) is [sample, i, head·d + j] of [batch, L, E].
            var source = new int[groups * length * d];
            for (int g = 0; g < groups; g++)
            {
                for (long i = 0; i < length; i++)
                {
                    for (long j = 0; j < d; j++) source[g * length * d + i * d + j] = (int)((layout.Samples[g] * length + i) * embed + layout.Heads[g] * d + j);
                }
            }

            OnnxLayoutTrace? trace = new OnnxLayoutTrace(layout.Leading.Concat(new[] { length, d }).ToArray(), source);
            if (layout.SplitByOperator) trace = trace.Transpose(new long[] { 0, 2, 1, 3 })?.Reshape(new long[] { 0, 0, -1 });
            if (trace is null) return NoMerge("the Attention operator's heads do not merge back to [batch, L, E]", ref why);
            string value = context.Outputs[0];
            OnnxNode? projection = null;
            for (int n = 0; n < 16 && projection is null; n++)
            {
                var next = SoleConsumer(value);
                if (next is null || next.Inputs.Count == 0 || next.Inputs[0] != value) return NoMerge("the heads are read by more than one node, or as another than the first input, before the out projection", ref why);
                if (next.OpType == "MatMul" || next.OpType == "Gemm")
                {
                    projection = next;
                    break;
                }

                if (!LayoutOperators.Contains(next.OpType)) return NoMerge($"'{next.DisplayName}' ({next.OpType}) between the heads and the out projection is not a change of layout", ref why);
                trace = Replay(next, 0, trace!);
                if (trace is null) return NoMerge($"'{next.DisplayName}' ({next.OpType}) does not apply to the merged heads", ref why);
                plan.Add(next);
                value = next.Outputs[0];
            }

            if (projection is null || ConstantOperand(projection.Inputs.Count > 1 ? projection.Inputs[1] : "") is not { } w || w.Dims.Count != 2 || w.Dims[0] != embed || w.Dims[1] != embed)
                return NoMerge("the merged heads are not projected by a MatMul or Gemm with a constant [E, E] weight", ref why);
            var output = projection;
            if (projection.OpType == "Gemm")
            {
                if (Float(projection, "alpha", 1f) != 1f || Float(projection, "beta", 1f) != 1f || Int(projection, "transA", 0) != 0)
                    return NoMerge($"the out projection '{projection.DisplayName}' has alpha, beta or transA other than 1, 1, 0", ref why);
                transposed = Int(projection, "transB", 0) != 0;
                if (projection.Inputs.Count > 2 && projection.Inputs[2].Length > 0)
                {
                    bias = ConstantOperand(projection.Inputs[2]);
                    if (bias is null || bias.ElementCount != embed) return NoMerge($"the out projection '{projection.DisplayName}' has no constant [E] bias", ref why);
                }
            }

            plan.Add(projection);
            trace = trace!.Project(embed, embed);
            if (trace is null) return NoMerge("the out projection does not read whole positions of the merged heads", ref why);
            value = projection.Outputs[0];
            if (projection.OpType == "MatMul" && SoleConsumer(value) is { OpType: "Add" } add && add.Inputs.Count == 2
                && add.Inputs.Where(i => i != value).Select(ConstantOperand).FirstOrDefault() is { } b && b.ElementCount == embed && b.Values.Length == embed)
            {
                bias = b;
                plan.Add(add);
                output = add;
                value = add.Outputs[0];
            }

            for (int n = 0; n < 16 && !trace.IsContiguous(batch, length, embed); n++)
            {
                var next = SoleConsumer(value);
                if (next is null || !LayoutOperators.Contains(next.OpType) || next.Inputs[0] != value) break;
                trace = Replay(next, 0, trace);
                if (trace is null) break;
                plan.Add(next);
                output = next;
                value = next.Outputs[0];
            }

            if (trace is null || !trace.IsContiguous(batch, length, embed)) return NoMerge("the out projection's result is not brought back to [batch, L, E] by changes of layout", ref why);
            weight = w;
            return output;
        }

        private static OnnxNode? NoMerge(string reason, ref string why)
        {
            why = reason;
            return null;
        }
    }
}
