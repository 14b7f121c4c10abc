using System;
using System.Collections.Generic;
using System.Linq;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// The ONNX layout operators replayed on an <see cref="OnnxLayoutTrace"/>, with their operands read from constants
    /// as each opset spells them (attributes before opset 13, inputs since).
    /// </summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>One layout operator (or a scale, which moves nothing) applied to a trace; null where it does not apply.</summary>
        private OnnxLayoutTrace? Replay(OnnxNode node, int output, OnnxLayoutTrace trace)
        {
            switch (node.OpType)
            {
                case "Identity":
                case "Dropout":
                case "Mul":
                case "Div":
                    return trace;
                case "Transpose":
                    return trace.Transpose(Ints(node, "perm"));
                case "Reshape":
                    if (node.Inputs.Count < 2 || ConstantOperand(node.Inputs[1]) is not { } shape) return null;
                    if (Int(node, "allowzero", 0) != 0 && shape.Integers.Contains(0)) return null;
                    return trace.Reshape(shape.Integers);
                case "Gather":
                    if (node.Inputs.Count < 2 || ConstantOperand(node.Inputs[1]) is not { } index || index.Integers.Length != 1) return null;
                    return trace.Pick(Int(node, "axis", 0), index.Integers[0], index.Dims.Count > 0);
                case "Split":
                    return Split(node, output, trace);
                case "Slice":
                    return Slice(node, trace);
                case "Squeeze":
                    return trace.Squeeze(Axes(node));
                case "Unsqueeze":
                    return Axes(node) is { Count: > 0 } axes ? trace.Unsqueeze(axes) : null;
                default:
                    return null;
            }
        }

        /// <summary>The axes of a Squeeze or Unsqueeze: an attribute before opset 13, the second input since.</summary>
        private IReadOnlyList<long>? Axes(OnnxNode node)
        {
            if (Ints(node, "axes") is { } attribute) return attribute;
            return node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? ConstantOperand(node.Inputs[1])?.Integers : null;
        }

        private OnnxLayoutTrace? Split(OnnxNode node, int output, OnnxLayoutTrace trace)
        {
            long axis = Int(node, "axis", 0);
            if (axis < 0) axis += trace.Rank;
            if (axis < 0 || axis >= trace.Rank || output < 0) return null;
            IReadOnlyList<long>? sizes = Ints(node, "split");
            if (node.Inputs.Count > 1 && node.Inputs[1].Length > 0) sizes = ConstantOperand(node.Inputs[1])?.Integers;
            if (sizes is null)
            {
                // Equal parts: one per output (opset 18 names the count num_outputs; the last part may be smaller).
                long parts = Int(node, "num_outputs", node.Outputs.Count);
                if (parts <= 0 || parts > trace.Dims[axis]) return null;
                long part = (trace.Dims[axis] + parts - 1) / parts;
                sizes = Enumerable.Range(0, (int)parts).Select(p => Math.Min(part, trace.Dims[axis] - p * part)).ToArray();
            }

            if (output >= sizes.Count || sizes.Any(size => size < 0 || size > trace.Dims[axis]) || sizes.Sum() != trace.Dims[axis]) return null;
            return trace.Narrow(axis, sizes.Take(output).Sum(), sizes[output]);
        }

        /// <summary>Slice with unit steps: constant starts, ends and axes (inputs since opset 10, attributes before).</summary>
        private OnnxLayoutTrace? Slice(OnnxNode node, OnnxLayoutTrace trace)
        {
            IReadOnlyList<long>? starts = Ints(node, "starts"), ends = Ints(node, "ends"), axes = Ints(node, "axes"), steps = null;
            if (node.Inputs.Count > 2)
            {
                starts = ConstantOperand(node.Inputs[1])?.Integers;
                ends = ConstantOperand(node.Inputs[2])?.Integers;
                axes = node.Inputs.Count > 3 && node.Inputs[3].Length > 0 ? ConstantOperand(node.Inputs[3])?.Integers : null;
                steps = node.Inputs.Count > 4 && node.Inputs[4].Length > 0 ? ConstantOperand(node.Inputs[4])?.Integers : null;
                if (node.Inputs.Count > 3 && node.Inputs[3].Length > 0 && axes is null) return null;
            }

            if (starts is null || ends is null || starts.Count != ends.Count || (steps is not null && steps.Any(s => s != 1))) return null;
            axes ??= Enumerable.Range(0, starts.Count).Select(a => (long)a).ToArray();
            if (axes.Count != starts.Count) return null;
            OnnxLayoutTrace? result = trace;
            for (int i = 0; i < axes.Count && result is not null; i++)
            {
                long axis = axes[i] < 0 ? axes[i] + trace.Rank : axes[i];
                if (axis < 0 || axis >= trace.Rank) return null;
                long size = trace.Dims[axis];
                long start = Clamp(starts[i] < 0 ? starts[i] + size : starts[i], size), end = Clamp(ends[i] < 0 ? ends[i] + size : ends[i], size);
                result = result.Narrow(axis, start, end - start);
            }

            return result;
        }

        private static long Clamp(long value, long size) => Math.Max(0, Math.Min(size, value));
    }
}
