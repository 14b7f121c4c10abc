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
        public static int[]? Infer(OpKind kind, int[] hyper, IReadOnlyList<int[]> inputs, bool readsModelInput, out string? problem)
        {
            problem = null;
            int[] x = inputs.Count > 0 ? inputs[0] : new int[0];
            switch (kind)
            {
                case OpKind.Dense:
                    if (x.Length != 1 || x[0] != hyper[0])
                    {
                        problem = $"it expects {hyper[0]} input features" + (x.Length > 1 && Product(x) == hyper[0] ? " as a vector; insert a Flatten before it" : $" but receives {Product(x)}");
                        return null;
                    }

                    return new[] { hyper[1] };
                case OpKind.Conv2d:
                    {
                        if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                        if (x[0] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} input channels but receives {x[0]}");
                        int oh = Out(x[1], hyper[2], hyper[3], hyper[4]);
                        int ow = Out(x[2], hyper[2], hyper[3], hyper[4]);
                        if (oh < 1 || ow < 1) return Fail(out problem, $"a {hyper[2]}×{hyper[2]} kernel with padding {hyper[4]} does not fit a {x[1]}×{x[2]} input");
                        return new[] { hyper[1], oh, ow };
                    }

                case OpKind.Conv1d:
                    {
                        if (x.Length != 2) return Fail(out problem, $"it expects [channels, length] (rank 2), not rank {x.Length}");
                        if (x[0] != hyper[0]) return Fail(out problem, $"it expects {hyper[0]} input channels but receives {x[0]}");
                        int ol = Out(x[1], hyper[2], hyper[3], hyper[4]);
                        if (ol < 1) return Fail(out problem, $"a kernel of {hyper[2]} with padding {hyper[4]} does not fit a length of {x[1]}");
                        return new[] { hyper[1], ol };
                    }

                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    {
                        if (x.Length != 3) return Fail(out problem, $"it expects [channels, height, width] (rank 3), not rank {x.Length}");
                        int oh = Out(x[1], hyper[0], hyper[1], 0);
                        int ow = Out(x[2], hyper[0], hyper[1], 0);
                        if (oh < 1 || ow < 1) return Fail(out problem, $"a {hyper[0]}×{hyper[0]} window does not fit a {x[1]}×{x[2]} input");
                        return new[] { x[0], oh, ow };
                    }

                case OpKind.GlobalAvgPool:
                    if (x.Length < 2) return Fail(out problem, "it expects [channels, ...] with at least one spatial dimension");
                    return new[] { x[0] };
                case OpKind.MaxOverTime:
                    if (x.Length != 2) return Fail(out problem, $"it expects [channels, length] (rank 2), not rank {x.Length}");
                    return new[] { x[0] };
                case OpKind.Flatten:
                    return new[] { Product(x) };
                case OpKind.Reshape:
                    if (Product(hyper) != Product(x)) return Fail(out problem, $"it reshapes to [{Format(hyper)}] ({Product(hyper)} elements) but receives {Product(x)} elements");
                    return hyper.ToArray();
                case OpKind.Embedding:
                    if (!readsModelInput) return Fail(out problem, "an Embedding reads token ids, so it must be applied to the model input");
                    if (x.Length != 1) return Fail(out problem, $"it expects [length] token ids (rank 1), not rank {x.Length}");
                    return new[] { hyper[1], x[0] };
                case OpKind.BatchNorm:
                    if (x.Length < 1 || x[0] != hyper[0]) return Fail(out problem, $"it normalises {hyper[0]} channels but receives {(x.Length == 0 ? 0 : x[0])}");
                    return x.ToArray();
                case OpKind.Add:
                    if (!inputs.All(s => s.SequenceEqual(x))) return Fail(out problem, "'+' needs operands of the same shape: " + string.Join(" and ", inputs.Select(s => "[" + Format(s) + "]")));
                    return x.ToArray();
                case OpKind.Concat:
                    {
                        foreach (var s in inputs)
                        {
                            if (s.Length != x.Length || !s.Skip(1).SequenceEqual(x.Skip(1)))
                                return Fail(out problem, "Concat joins along the first axis, so the other dimensions must agree: " + string.Join(" and ", inputs.Select(t => "[" + Format(t) + "]")));
                        }

                        var shape = x.ToArray();
                        shape[0] = inputs.Sum(s => s[0]);
                        return shape;
                    }

                default:
                    // Element-wise activations and softmax keep the shape.
                    return x.ToArray();
            }
        }

        public static int Product(IEnumerable<int> shape)
        {
            int p = 1;
            foreach (int d in shape) p *= d;
            return p;
        }

        public static string Format(IEnumerable<int> shape) => string.Join(", ", shape);

        private static int Out(int input, int kernel, int stride, int padding) => input + 2 * padding < kernel ? 0 : (input + 2 * padding - kernel) / stride + 1;

        private static int[]? Fail(out string? problem, string message)
        {
            problem = message;
            return null;
        }
    }
}
