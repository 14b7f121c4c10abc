using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// ONNX LSTM and GRU → Axon's LSTM and GRU. PyTorch exports nn.LSTM/nn.GRU(batch_first=True) as
    /// Transpose(perm = [1, 0, 2]) → LSTM (time-major, layout 0) → Squeeze(axes = [1]) → Transpose(perm = [1, 0, 2]);
    /// those reshufflings are folded away, since Axon's layers read and write [sequence, features] per sample. A
    /// graph written with layout = 1 (batch-major) needs only the Squeeze (axes = [2]). The weights are permuted
    /// from ONNX's gate order (LSTM i, o, f, c; GRU z, r, h) to PyTorch's (LSTM i, f, g, o; GRU r, z, n).
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>The [N, seq, F] value each folded time-major Transpose stands for.</summary>
        private readonly Dictionary<string, int> _timeMajor = new Dictionary<string, int>();

        /// <summary>For each PyTorch gate block, the ONNX block it comes from: LSTM i←i, f←f(2), g←c(3), o←o(1); GRU r←r(1), z←z(0), n←h(2).</summary>
        private static readonly int[] LstmGateSource = { 0, 2, 3, 1 };
        private static readonly int[] GruGateSource = { 1, 0, 2 };

        /// <summary>Initial states that a dynamic-batch export computes as zeros (ConstantOfShape of the input's batch size).</summary>
        private readonly HashSet<string> _zeroStates = new HashSet<string>();

        /// <summary>Operators of the shape arithmetic PyTorch writes to size a zero state by the input's batch.</summary>
        private static readonly HashSet<string> ShapeArithmetic = new HashSet<string> { "Shape", "Gather", "Unsqueeze", "Concat", "Constant", "Slice", "Cast", "Squeeze" };

        /// <summary>
        /// With a dynamic batch, nn.LSTM/nn.GRU's default zero state exports as ConstantOfShape(Concat(…, Gather(Shape(x), 0), …))
        /// with value 0: the state is recorded as zero and that subgraph, read by nothing else, is left out of the mapping.
        /// </summary>
        private void FoldZeroStates()
        {
            var folded = new HashSet<OnnxNode>();
            foreach (var node in _graph.Nodes.Where(n => n.OpType == "LSTM" || n.OpType == "GRU"))
            {
                for (int i = 5; i < Math.Min(node.Inputs.Count, 7); i++)
                {
                    string state = node.Inputs[i];
                    var producer = _graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(state));
                    if (producer is not { OpType: "ConstantOfShape" }) continue;
                    if (producer.Attributes.TryGetValue("value", out var value) && (value.Tensor is null || value.Tensor.Values.Any(v => v != 0))) continue;
                    if (!_consumers.TryGetValue(state, out var readers) || readers.Any(r => r.OpType != "LSTM" && r.OpType != "GRU") || _graph.Outputs.Any(o => o.Name == state)) continue;
                    _zeroStates.Add(state);
                    folded.Add(producer);
                }
            }

            if (folded.Count == 0) return;
            // Consumers come after producers, so one pass backwards takes in every node read only by folded ones.
            for (int i = _graph.Nodes.Count - 1; i >= 0; i--)
            {
                var node = _graph.Nodes[i];
                if (folded.Contains(node) || !ShapeArithmetic.Contains(node.OpType) || node.Outputs.Count == 0) continue;
                bool onlyFolded = node.Outputs.All(o => _consumers.TryGetValue(o, out var readers) && readers.All(folded.Contains) && !_graph.Outputs.Any(g => g.Name == o));
                if (onlyFolded) folded.Add(node);
            }

            foreach (var node in folded) _fused.Add(node);
        }

        /// <summary>A Transpose(perm = [1, 0, 2]) whose readers are all recurrent layers: folded, true.</summary>
        private bool TimeMajorTranspose(OnnxNode node)
        {
            if (Ints(node, "perm") is not { Count: 3 } perm || perm[0] != 1 || perm[1] != 0 || perm[2] != 2) return false;
            if (!_consumers.TryGetValue(node.Outputs[0], out var readers) || _graph.Outputs.Any(o => o.Name == node.Outputs[0])) return false;
            if (!readers.All(r => (r.OpType == "LSTM" || r.OpType == "GRU") && r.Inputs.Count > 0 && r.Inputs[0] == node.Outputs[0])) return false;
            _timeMajor[node.Outputs[0]] = Value(node, 0);
            return true;
        }

        private void Recurrent(OnnxNode node, OpKind kind, int gates)
        {
            CheckRecurrentAttributes(node, kind);
            long layout = Int(node, "layout", 0);
            int x;
            if (layout == 0)
            {
                string input = node.Inputs.Count > 0 ? node.Inputs[0] : "";
                if (!_timeMajor.TryGetValue(input, out x))
                    throw RecurrentUnsupported(node, "a time-major input not made by Transpose(perm = [1, 0, 2]) of a [batch, sequence, features] value (PyTorch's batch_first=True export)");
            }
            else
            {
                x = Value(node, 0);
            }

            if (_shapes[x].Length != 2) throw Unsupported(node, $"an input of shape [N, {string.Join(", ", _shapes[x])}] (Axon's {node.OpType} reads [N, sequence, features])");
            int inputSize = _shapes[x][1];

            if (!node.Attributes.ContainsKey("hidden_size")) throw Unsupported(node, "no hidden_size");
            long hidden = Int(node, "hidden_size", 0);
            if (hidden < 1 || hidden * gates > int.MaxValue) throw Unsupported(node, $"hidden_size = {hidden}");
            int h = (int)hidden;
            var w = Weight(node, 1, "input weights W", 3);
            var r = Weight(node, 2, "recurrence weights R", 3);
            RequireShape(node, w, 1, gates * h, inputSize);
            RequireShape(node, r, 1, gates * h, h);
            double[] b = new double[2 * gates * h];
            if (node.Inputs.Count > 3 && node.Inputs[3].Length > 0)
            {
                var bias = Weight(node, 3, "bias B", 2);
                RequireShape(node, bias, 1, 2 * gates * h);
                b = bias.Values;
            }

            if (node.Inputs.Count > 4 && node.Inputs[4].Length > 0) throw RecurrentUnsupported(node, "sequence_lens (Axon runs every sequence over its full, fixed length)");
            RequireZeroState(node, 5, "initial_h");
            if (kind == OpKind.Lstm)
            {
                RequireZeroState(node, 6, "initial_c");
                if (node.Inputs.Count > 7 && node.Inputs[7].Length > 0) throw RecurrentUnsupported(node, "peephole weights P");
            }

            for (int output = 1; output < node.Outputs.Count; output++)
            {
                string name = node.Outputs[output];
                if (name.Length > 0 && (_consumers.ContainsKey(name) || _graph.Outputs.Any(o => o.Name == name)))
                    throw RecurrentUnsupported(node, $"its final state '{name}' read (Axon's layer gives every hidden state, Y; take the last time step from it in the model)");
            }

            var bound = SequenceOutput(node, layout);
            var order = kind == OpKind.Lstm ? LstmGateSource : GruGateSource;
            string layerName = LayerName(node, null, kind == OpKind.Lstm ? "lstm" : "gru");
            var weights = new[]
            {
                ("weight_ih_l0", PermuteGates(w.Values, order, h, inputSize)),
                ("weight_hh_l0", PermuteGates(r.Values, order, h, h)),
                ("bias_ih_l0", PermuteGates(b.Take(gates * h).ToArray(), order, h, 1)),
                ("bias_hh_l0", PermuteGates(b.Skip(gates * h).ToArray(), order, h, 1)),
            };
            int layer = ApplyLayer(node, kind, layerName, new[] { inputSize, h }, 0, x, weights);
            Bind(bound, layer);
        }

        private void CheckRecurrentAttributes(OnnxNode node, OpKind kind)
        {
            string direction = String(node, "direction", "forward");
            if (direction != "forward")
                throw RecurrentUnsupported(node, $"direction = {direction}" + (direction == "bidirectional" ? " (declare two layers by hand, one over the reversed sequence)" : ""));
            if (node.Attributes.ContainsKey("clip")) throw RecurrentUnsupported(node, "clip = " + Format(Float(node, "clip", 0)));
            if (node.Attributes.ContainsKey("activation_alpha") || node.Attributes.ContainsKey("activation_beta")) throw RecurrentUnsupported(node, "activation_alpha or activation_beta");
            var defaults = kind == OpKind.Lstm ? new[] { "Sigmoid", "Tanh", "Tanh" } : new[] { "Sigmoid", "Tanh" };
            if (node.Attributes.TryGetValue("activations", out var activations)
                && !activations.Strings.SequenceEqual(defaults, StringComparer.OrdinalIgnoreCase))
                throw RecurrentUnsupported(node, $"activations = [{string.Join(", ", activations.Strings)}]");
            if (kind == OpKind.Lstm && Int(node, "input_forget", 0) != 0) throw RecurrentUnsupported(node, "input_forget = 1");
            if (kind == OpKind.Gru && Int(node, "linear_before_reset", 0) != 1)
                throw RecurrentUnsupported(node, "linear_before_reset = 0 (PyTorch's GRU, which Axon computes, applies the reset gate after the recurrent product: linear_before_reset = 1)");
            long layout = Int(node, "layout", 0);
            if (layout != 0 && layout != 1) throw Unsupported(node, $"layout = {layout}");
        }

        /// <summary>An initial state that is absent or a constant of zeros (what PyTorch passes when none is given).</summary>
        private void RequireZeroState(OnnxNode node, int index, string role)
        {
            if (node.Inputs.Count <= index || node.Inputs[index].Length == 0 || _zeroStates.Contains(node.Inputs[index])) return;
            string name = node.Inputs[index];
            if (!_constants.TryGetValue(name, out var state) || _values.ContainsKey(name))
                throw RecurrentUnsupported(node, $"a computed {role} '{name}' (Axon takes an absent or zero initial state: PyTorch's default, a constant or ConstantOfShape of 0)");
            if (state.Values.Any(v => v != 0)) throw RecurrentUnsupported(node, $"a non-zero {role} '{name}'");
        }

        /// <summary>
        /// The node whose output stands for the [N, sequence, hidden] result: Y [seq, 1, N, H] read by Squeeze(axes = [1])
        /// and Transpose(perm = [1, 0, 2]) (layout 0), or Y [N, seq, 1, H] read by Squeeze(axes = [2]) (layout 1); both folded.
        /// </summary>
        private OnnxNode SequenceOutput(OnnxNode node, long layout)
        {
            string expected = layout == 0 ? "Squeeze(axes = [1]) then Transpose(perm = [1, 0, 2])" : "Squeeze(axes = [2])";
            MappingStopped Problem() => RecurrentUnsupported(node, $"its output Y read otherwise than by {expected}, as PyTorch's batch_first=True export reads it");
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw Problem();
            if (SoleConsumer(node.Outputs[0]) is not { OpType: "Squeeze" } squeeze || !SqueezesAxis(squeeze, layout == 0 ? 1 : 2, 4)) throw Problem();
            if (layout == 1)
            {
                _fused.Add(squeeze);
                return squeeze;
            }

            if (SoleConsumer(squeeze.Outputs[0]) is not { OpType: "Transpose" } transpose || Ints(transpose, "perm") is not { Count: 3 } perm
                || perm[0] != 1 || perm[1] != 0 || perm[2] != 2)
                throw Problem();
            _fused.Add(squeeze);
            _fused.Add(transpose);
            return transpose;
        }

        /// <summary>Whether a Squeeze removes exactly one axis, <paramref name="axis"/> of a rank-<paramref name="rank"/> tensor (axes as attribute or, from opset 13, input).</summary>
        private bool SqueezesAxis(OnnxNode squeeze, int axis, int rank)
        {
            long[]? axes = null;
            if (Ints(squeeze, "axes") is { } attribute) axes = attribute.ToArray();
            else if (squeeze.Inputs.Count > 1 && squeeze.Inputs[1].Length > 0 && _constants.TryGetValue(squeeze.Inputs[1], out var tensor)) axes = tensor.Integers;
            return axes is { Length: 1 } && (axes[0] == axis || axes[0] + rank == axis);
        }

        /// <summary>Rows of <paramref name="values"/> ([gates·hidden, columns]) reordered block by block into PyTorch's gate order.</summary>
        private static double[] PermuteGates(double[] values, int[] source, int hidden, int columns)
        {
            var result = new double[values.Length];
            int block = hidden * columns;
            for (int gate = 0; gate < source.Length; gate++) Array.Copy(values, source[gate] * block, result, gate * block, block);
            return result;
        }

        private void RequireShape(OnnxNode node, OnnxTensor tensor, params long[] dims)
        {
            if (!tensor.Dims.SequenceEqual(dims))
            {
                string why = tensor.Dims.Count > 0 && tensor.Dims[0] != 1 ? $" ({tensor.Dims[0]} directions)" : "";
                throw Unsupported(node, $"'{tensor.Name}' of shape [{string.Join(", ", tensor.Dims)}] where [{string.Join(", ", dims)}] was expected{why}");
            }
        }

        private MappingStopped RecurrentUnsupported(OnnxNode node, string what) => Stop(DiagnosticDescriptors.OnnxRecurrentUnsupported, node.DisplayName, node.OpType, what);
    }
}
