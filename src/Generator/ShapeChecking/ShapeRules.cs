using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>
    /// The output shape of each op from its input shapes and constant hyper-parameters, or the reason the inputs
    /// do not fit (reported as AXN003 at the node). Shapes are per sample, channels first.
    /// </summary>
    internal static class ShapeRules
    {
        /// <summary>
        /// The output shape, in long so that no dimension wraps around (the checker rejects one beyond int).
        /// The input shapes are already known to fit int, element counts included.
        /// </summary>
        public static long[]? Infer(OpKind kind, IReadOnlyList<int> hyper, IReadOnlyList<int[]> inputs, bool readsModelInput, out string? problem)
        {
            problem = null;
            int[] x = inputs.Count > 0 ? inputs[0] : new int[0];
            switch (kind)
            {
                case OpKind.Dense:
                    if (x.Length >= 2 && x[x.Length - 1] == hyper[0])
                    {
                        // As nn.Linear: applied to every row of the last dimension, e.g. each position of [sequence, width].
                        var rows = Widen(x);
                        rows[rows.Length - 1] = hyper[1];
                        return rows;
                    }

                    if (x.Length != 1 || x[0] != hyper[0])
                    {
                        problem = $"it expects {hyper[0]} input features" + (x.Length > 1 && Product(x) == hyper[0] ? " as a vector; insert a Flatten before it" : $" but receives {Product(x)}");
                        return null;
                    }

                    return new long[] { hyper[1] };
                case OpKind.Conv2d:
                case OpKind.GroupedConv2d:
                    {
                        if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                        if (x[0] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} input channels but receives {x[0]}");
                        long oh = Out(x[1], hyper[2], hyper[3], hyper[4]);
                        long ow = Out(x[2], hyper[2], hyper[3], hyper[4]);
                        if (oh < 1 || ow < 1) return Fail(out problem, $"a {hyper[2]}×{hyper[2]} kernel with padding {hyper[4]} does not fit a {x[1]}×{x[2]} input");
                        return new long[] { hyper[1], oh, ow };
                    }

                case OpKind.ConvTranspose2d:
                    {
                        if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                        if (x[0] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} input channels but receives {x[0]}");
                        long oh = ((long)x[1] - 1) * hyper[3] - 2L * hyper[4] + hyper[2] + hyper[5];
                        long ow = ((long)x[2] - 1) * hyper[3] - 2L * hyper[4] + hyper[2] + hyper[5];
                        if (oh < 1 || ow < 1) return Fail(out problem, $"padding {hyper[4]} removes more than a {hyper[2]}×{hyper[2]} transposed kernel produces from a {x[1]}×{x[2]} input");
                        return new long[] { hyper[1], oh, ow };
                    }

                case OpKind.Lstm:
                case OpKind.Gru:
                    if (x.Length != 2) return Fail(out problem, $"it expects [sequence, features] (rank 2), not rank {x.Length}");
                    if (x[1] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} features per time step but receives {x[1]}");
                    return new long[] { x[0], hyper[1] };
                case OpKind.Upsample:
                    if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                    return new long[] { x[0], (long)x[1] * hyper[0], (long)x[2] * hyper[0] };
                case OpKind.Conv1d:
                    {
                        if (x.Length != 2) return Fail(out problem, $"it expects [channels, length] (rank 2), not rank {x.Length}");
                        if (x[0] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} input channels but receives {x[0]}");
                        long ol = Out(x[1], hyper[2], hyper[3], hyper[4]);
                        if (ol < 1) return Fail(out problem, $"a kernel of {hyper[2]} with padding {hyper[4]} does not fit a length of {x[1]}");
                        return new long[] { hyper[1], ol };
                    }

                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    {
                        if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                        int padding = PoolingHyper.Padding(hyper);
                        long oh = Out(x[1], hyper[0], hyper[1], padding);
                        long ow = Out(x[2], hyper[0], hyper[1], padding);
                        if (oh < 1 || ow < 1) return Fail(out problem, $"a {hyper[0]}×{hyper[0]} window{(padding > 0 ? $" with padding {padding}" : "")} does not fit a {x[1]}×{x[2]} input");
                        return new long[] { x[0], oh, ow };
                    }

                case OpKind.GlobalAvgPool:
                    if (x.Length < 2) return Fail(out problem, "it expects [channels, ...] with at least one spatial dimension");
                    return new long[] { x[0] };
                case OpKind.MaxOverTime:
                    if (x.Length != 2) return Fail(out problem, $"it expects [channels, length] (rank 2), not rank {x.Length}");
                    return new long[] { x[0] };
                case OpKind.Flatten:
                    return new long[] { Product(x) };
                case OpKind.Reshape:
                    {
                        var target = ElementCount.Product(hyper);
                        if (target != Product(x)) return Fail(out problem, $"it reshapes to [{Format(hyper)}] ({ElementCount.Format(target)} elements) but receives {Product(x)} elements");
                        return Widen(hyper);
                    }

                case OpKind.Embedding:
                    if (!readsModelInput) return Fail(out problem, "an Embedding reads token ids, so it must be applied to the model input (or to one of the Forward parameters of a model with several inputs)");
                    if (x.Length != 1) return Fail(out problem, $"it expects [length] token ids (rank 1), not rank {x.Length}");
                    return new long[] { hyper[1], x[0] };
                case OpKind.BatchNorm:
                    if (x.Length < 1 || x[0] != hyper[0]) return Fail(out problem, $"it normalises {hyper[0]} channels but receives {(x.Length == 0 ? 0 : x[0])}");
                    return Widen(x);
                case OpKind.Add:
                    if (!inputs.All(s => s.SequenceEqual(x))) return Fail(out problem, "'+' needs operands of the same shape: " + string.Join(" and ", inputs.Select(s => "[" + Format(s) + "]")));
                    return Widen(x);
                case OpKind.Subtract:
                case OpKind.Multiply:
                    if (!inputs.All(s => s.SequenceEqual(x)))
                        return Fail(out problem, $"'{(kind == OpKind.Subtract ? "-" : "*")}' needs operands of the same shape: " + string.Join(" and ", inputs.Select(s => "[" + Format(s) + "]")));
                    return Widen(x);
                case OpKind.Channels:
                    {
                        // hyper = [start, count], already known to be ≥ 0 and ≥ 1.
                        long end = (long)hyper[0] + hyper[1];
                        if (x.Length < 1 || end > x[0])
                            return Fail(out problem, $"Channels({hyper[0]}, {hyper[1]}) selects channels {hyper[0]} to {end - 1} but the input has {(x.Length == 0 ? 0 : x[0])} along its first axis");
                        var shape = Widen(x);
                        shape[0] = hyper[1];
                        return shape;
                    }

                case OpKind.Concat:
                    {
                        foreach (var s in inputs)
                        {
                            if (s.Length != x.Length || !s.Skip(1).SequenceEqual(x.Skip(1)))
                                return Fail(out problem, "Concat joins along the first axis, so the other dimensions must agree: " + string.Join(" and ", inputs.Select(t => "[" + Format(t) + "]")));
                        }

                        var shape = Widen(x);
                        shape[0] = inputs.Sum(s => (long)s[0]);
                        return shape;
                    }

                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    {
                        // hyper = [elementwiseAffine, bias, normalized dims…]: the input must end with the dims, as in PyTorch.
                        var dims = hyper.Skip(2).ToArray();
                        if (x.Length < dims.Length || !x.Skip(x.Length - dims.Length).SequenceEqual(dims))
                            return Fail(out problem, $"it normalises over trailing dimensions [{Format(dims)}] but receives [{Format(x)}]");
                        return Widen(x);
                    }

                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    if (x.Length != 2 || x[0] != hyper[0] || x[1] != hyper[1])
                        return Fail(out problem, $"it adds a [{hyper[0]}, {hyper[1]}] position table but receives [{Format(x)}]");
                    return Widen(x);
                case OpKind.MultiHeadAttention:
                    if (x.Length != 2 || x[1] != hyper[0])
                        return Fail(out problem, $"it attends over [sequence, {hyper[0]}] (rank 2, width {hyper[0]}) but receives [{Format(x)}]");
                    return Widen(x);

                case OpKind.Transpose:
                    if (x.Length != 2) return Fail(out problem, $"Transpose swaps the two axes of a rank-2 [rows, columns] value but receives [{Format(x)}] (rank {x.Length})");
                    return new long[] { x[1], x[0] };

                default:
                    // Element-wise activations and softmax keep the shape.
                    return Widen(x);
            }
        }

        /// <summary>
        /// The padding mask of a MultiHeadAttention (hyper[4] ≥ 0) reads the model input as token ids, one per
        /// position: that input must be [sequence] with the attention's sequence length. The shape, or null and why not.
        /// </summary>
        public static long[]? PaddingMask(IReadOnlyList<int> hyper, int[] modelInput, long[] shape, out string? problem)
        {
            problem = null;
            if (hyper[4] < 0 || (modelInput.Length == 1 && modelInput[0] == shape[0])) return shape;
            return Fail(out problem, $"its padding mask (padTokenId {hyper[4]}) reads the model input as {shape[0]} token ids, but the model input is [{Format(modelInput)}]");
        }

        /// <summary>The element count of a shape already known to fit int.</summary>
        public static int Product(IEnumerable<int> shape)
        {
            int p = 1;
            foreach (int d in shape) p = checked(p * d);
            return p;
        }

        private static long[] Widen(IReadOnlyList<int> shape)
        {
            var wide = new long[shape.Count];
            for (int i = 0; i < wide.Length; i++) wide[i] = shape[i];
            return wide;
        }

        public static string Format(IEnumerable<int> shape) => string.Join(", ", shape);

        private static long Out(long input, long kernel, long stride, long padding) => input + 2 * padding < kernel ? 0 : (input + 2 * padding - kernel) / stride + 1;

        private static long[]? Fail(out string? problem, string message)
        {
            problem = message;
            return null;
        }
    }
}
