using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Computes an attention mask the graph derives from its token ids (PyTorch's key_padding_mask: Equal(ids, pad),
    /// then Where / Cast / Not / arithmetic with −∞ or a large negative, Unsqueeze / Reshape / Expand to the scores'
    /// shape) on concrete probe ids, so the importer can see which keys it hides without matching each exporter's
    /// spelling. Only element-wise operators with numpy broadcasting and layout operators are understood; anything
    /// else (an activation, a Shape of a computed value) makes the value not a mask of the ids.
    /// </summary>
    internal sealed class OnnxMaskEvaluator
    {
        private static readonly HashSet<string> Operators = new HashSet<string>
        {
            "Equal", "Not", "Cast", "Where", "Add", "Sub", "Mul", "Div", "Neg", "And", "Or",
            "Unsqueeze", "Squeeze", "Reshape", "Expand", "Transpose", "Identity", "Constant",
        };

        private readonly Dictionary<string, OnnxNode> _producers;
        private readonly Func<string, OnnxTensor?> _constant;
        private readonly string _ids;
        private readonly Dictionary<string, (long[] Dims, double[] Values)> _known = new Dictionary<string, (long[], double[])>();

        public OnnxMaskEvaluator(Dictionary<string, OnnxNode> producers, Func<string, OnnxTensor?> constant, string ids, long[] idDims, double[] idValues)
        {
            _producers = producers;
            _constant = constant;
            _ids = ids;
            _known[ids] = (idDims, idValues);
        }

        /// <summary>The nodes evaluated so far: the mask's own subgraph.</summary>
        public HashSet<OnnxNode> Nodes { get; } = new HashSet<OnnxNode>();

        /// <summary>The pad ids the ids are compared with (Equal of the ids and a constant).</summary>
        public HashSet<long> PadIds { get; } = new HashSet<long>();

        /// <summary>The value, or null with the node that is not a mask operator in <paramref name="why"/>.</summary>
        public (long[] Dims, double[] Values)? Evaluate(string value, out string why)
        {
            why = "";
            return Eval(value, 0, ref why);
        }

        private (long[] Dims, double[] Values)? Eval(string value, int depth, ref string why)
        {
            if (_known.TryGetValue(value, out var known)) return known;
            if (_constant(value) is { } constant)
            {
                if (constant.Values.Length != constant.ElementCount) return Fail($"the constant '{value}' has no numeric data", ref why);
                return _known[value] = (constant.Dims.ToArray(), constant.Values);
            }

            if (depth > 24 || !_producers.TryGetValue(value, out var node) || !Operators.Contains(node.OpType) || node.Outputs.IndexOf(value) != 0)
                return Fail(_producers.TryGetValue(value, out var other) ? $"'{other.DisplayName}' ({other.OpType}) computes it from something other than the token ids and constants" : $"'{value}' is not computed from the token ids", ref why);
            var inputs = new List<(long[] Dims, double[] Values)>();
            foreach (var input in node.Inputs.Take(node.OpType is "Reshape" or "Expand" or "Unsqueeze" or "Squeeze" ? 1 : node.Inputs.Count))
            {
                var evaluated = Eval(input, depth + 1, ref why);
                if (evaluated is null) return null;
                inputs.Add(evaluated.Value);
            }

            Nodes.Add(node);
            if (node.OpType == "Equal" && node.Inputs.Count == 2)
            {
                int idSide = node.Inputs.IndexOf(_ids);
                if (idSide >= 0 && _constant(node.Inputs[1 - idSide]) is { } pad && pad.Integers.Length == 1) PadIds.Add(pad.Integers[0]);
            }

            var result = Apply(node, inputs);
            if (result is null) return Fail($"'{node.DisplayName}' ({node.OpType}) does not apply to its operands' shapes", ref why);
            return _known[value] = result.Value;
        }

        private (long[] Dims, double[] Values)? Apply(OnnxNode node, List<(long[] Dims, double[] Values)> x)
        {
            switch (node.OpType)
            {
                case "Identity":
                case "Cast":
                    // Casting 0/1 masks and −∞ between float types changes no value the mask test looks at.
                    return x[0];
                case "Not": return (x[0].Dims, x[0].Values.Select(v => v == 0 ? 1.0 : 0.0).ToArray());
                case "Neg": return (x[0].Dims, x[0].Values.Select(v => -v).ToArray());
                case "Equal": return Broadcast(x, v => v[0] == v[1] ? 1 : 0);
                case "And": return Broadcast(x, v => v[0] != 0 && v[1] != 0 ? 1 : 0);
                case "Or": return Broadcast(x, v => v[0] != 0 || v[1] != 0 ? 1 : 0);
                case "Add": return Broadcast(x, v => v[0] + v[1]);
                case "Sub": return Broadcast(x, v => v[0] - v[1]);
                case "Mul": return Broadcast(x, v => v[0] * v[1]);
                case "Div": return Broadcast(x, v => v[0] / v[1]);
                case "Where": return Broadcast(x, v => v[0] != 0 ? v[1] : v[2]);
                default: return Layout(node, x[0]);
            }
        }

        private (long[] Dims, double[] Values)? Layout(OnnxNode node, (long[] Dims, double[] Values) x)
        {
            var trace = new OnnxLayoutTrace(x.Dims, Enumerable.Range(0, x.Values.Length).ToArray());
            OnnxLayoutTrace? result;
            IReadOnlyList<long>? second = node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? _constant(node.Inputs[1])?.Integers : null;
            switch (node.OpType)
            {
                case "Transpose":
                    result = trace.Transpose(node.Attributes.TryGetValue("perm", out var perm) ? perm.Ints : null);
                    break;
                case "Reshape":
                    result = second is null ? null : trace.Reshape(second);
                    break;
                case "Unsqueeze":
                    var axes = node.Attributes.TryGetValue("axes", out var a) ? a.Ints : second;
                    result = axes is null ? null : trace.Unsqueeze(axes);
                    break;
                case "Squeeze":
                    result = trace.Squeeze(node.Attributes.TryGetValue("axes", out var s) ? s.Ints : second);
                    break;
                case "Expand":
                    if (second is null) return null;
                    var shape = BroadcastShape(x.Dims, second.ToArray());
                    return shape is null || Count(shape) < 0 ? null : Broadcast(new List<(long[] Dims, double[] Values)> { x, (shape, new double[Count(shape)]) }, v => v[0]);
                default:
                    return null;
            }

            return result is null ? null : (result.Dims, result.Source.Select(i => x.Values[i]).ToArray());
        }

        /// <summary>An element-wise function of the operands with numpy broadcasting.</summary>
        private static (long[] Dims, double[] Values)? Broadcast(List<(long[] Dims, double[] Values)> operands, Func<double[], double> f)
        {
            long[]? shape = new long[0];
            foreach (var operand in operands) shape = shape is null ? null : BroadcastShape(shape, operand.Dims);
            if (shape is null) return null;
            long count = Count(shape);
            if (count < 0) return null;
            var values = new double[count];
            var index = new long[shape.Length];
            var arguments = new double[operands.Count];
            var strides = operands.Select(o => OnnxLayoutTrace.Strides(o.Dims)).ToArray();
            for (long flat = 0; flat < count; flat++)
            {
                for (int k = 0; k < operands.Count; k++)
                {
                    var dims = operands[k].Dims;
                    long offset = 0;
                    for (int a = 0; a < dims.Length; a++)
                    {
                        long i = index[shape.Length - dims.Length + a];
                        if (dims[a] != 1) offset += i * strides[k][a];
                    }

                    arguments[k] = operands[k].Values[offset];
                }

                values[flat] = f(arguments);
                for (int a = shape.Length - 1; a >= 0; a--)
                {
                    if (++index[a] < shape[a]) break;
                    index[a] = 0;
                }
            }

            return (shape, values);
        }

        /// <summary>A value repeated along broadcast axes to <paramref name="shape"/>, or null where it does not broadcast to exactly that shape.</summary>
        public static double[]? BroadcastTo((long[] Dims, double[] Values) value, long[] shape)
        {
            var joint = BroadcastShape(value.Dims, shape);
            if (joint is null || !joint.SequenceEqual(shape) || Count(shape) < 0) return null;
            return Broadcast(new List<(long[] Dims, double[] Values)> { value, (shape, new double[Count(shape)]) }, v => v[0])?.Values;
        }

        /// <summary>The numpy broadcast of two shapes, or null where they do not broadcast.</summary>
        public static long[]? BroadcastShape(long[] a, long[] b)
        {
            int rank = Math.Max(a.Length, b.Length);
            var shape = new long[rank];
            for (int i = 0; i < rank; i++)
            {
                long x = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
                long y = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
                if (x != y && x != 1 && y != 1) return null;
                shape[i] = x == 1 ? y : x;
            }

            return shape;
        }

        /// <summary>The element count, or −1 for a negative dimension or more than <see cref="Limit"/> elements.</summary>
        private static long Count(long[] shape)
        {
            long count = 1;
            foreach (long d in shape)
            {
                if (d < 0 || (d > 0 && count > Limit / d)) return -1;
                count *= d;
            }

            return count;
        }

        /// <summary>The most elements a mask value may have (the scores of a small batch).</summary>
        private const long Limit = 1 << 22;

        private static (long[], double[])? Fail(string reason, ref string why)
        {
            why = reason;
            return null;
        }
    }
}
