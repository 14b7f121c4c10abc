using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Analysis
{
    /// <summary>
    /// Derives every node's receptive field over the input from the network alone, in topological order. Convolutions
    /// and poolings slide a window along each spatial axis (and a convolution reads every channel, a grouped one its
    /// group's); transposed convolutions and upsamplings read the few input positions each output position comes from
    /// (a window with a divisor); element-wise nodes (the identity, dropout, the position tables among them),
    /// flatten and reshape keep their operand's field (element k of a flatten is element k of its operand); +, − and the
    /// gating product take a box that holds both operands' windows; a channel slice shifts the channel axis; a global
    /// pooling reads a whole axis. Anything else — a dense layer, a softmax, an embedding, a node kind this analysis does
    /// not know — reads everything its operands read (the whole input, bar positions a pooling's floor dropped), which is
    /// always true and is the maps' dense fallback.
    /// </summary>
    internal static class ReceptiveFields
    {
        public static IReadOnlyList<FieldSpec> Analyse(ModelSpec model)
        {
            var input = model.Nodes[0].Shape;
            var fields = new List<FieldSpec>(model.Nodes.Count);
            foreach (var node in model.Nodes) fields.Add(node.Index == 0 ? FieldSpec.Identity(input) : Of(model, node, fields) ?? Everything(model, node, fields));
            return fields;
        }

        /// <summary>
        /// The field of a node whose every neuron may read everything its operands read (a dense layer, a softmax, an
        /// unknown kind): per input axis the box around all operands' windows — the whole input unless a pooling's floor
        /// dropped its last positions.
        /// </summary>
        private static FieldSpec Everything(ModelSpec model, NodeSpec node, List<FieldSpec> fields)
        {
            var input = model.Nodes[0].Shape;
            if (node.Inputs.Count == 0) return FieldSpec.Whole(node.Size, input);
            AxisSpec[]? axes = null;
            foreach (int operand in node.Inputs)
            {
                var field = fields[operand];
                var all = field.Axes.Select((axis, a) => axis.All(field.Geometry[a])).ToArray();
                axes = axes is null ? all : axes.Select((axis, a) => axis.Union(all[a])!).ToArray();
            }

            return new FieldSpec(input.Select((_, a) => a == 0 ? node.Size : 1).ToEquatableArray(), axes!.ToEquatableArray());
        }

        /// <summary>The node's field, or null when it reads the whole input.</summary>
        private static FieldSpec? Of(ModelSpec model, NodeSpec node, List<FieldSpec> fields)
        {
            var input = model.Nodes[0].Shape;
            var source = node.Inputs.Count > 0 ? model.Nodes[node.Inputs[0]] : null;
            var field = source is null ? null : fields[source.Index];
            if (source is null || field is null) return null;
            switch (node.Kind)
            {
                case OpKind.ReLU:
                case OpKind.LeakyReLU:
                case OpKind.Sigmoid:
                case OpKind.Tanh:
                case OpKind.Gelu:
                case OpKind.Softplus:
                case OpKind.Activation:
                case OpKind.BatchNorm:
                case OpKind.Scale:
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    return field;

                case OpKind.Conv2d:
                case OpKind.Conv1d:
                    {
                        // [inC, outC, kernel, stride, padding, bias]: every channel, a sliding window on each spatial axis.
                        int kernel = node.Hyper[2], stride = node.Hyper[3], padding = node.Hyper[4];
                        if (!InOwnCoordinates(field, source, input) || padding >= kernel) return null;
                        var axes = new List<AxisSpec> { field.Axes[0].All(source.Shape[0]) };
                        for (int a = 1; a < input.Count; a++) axes.Add(field.Axes[a].Slide(kernel, stride, padding, source.Shape[a]));
                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.GroupedConv2d:
                    {
                        // [inC, outC, kernel, stride, padding, bias, groups]: a sliding window on both spatial axes, and
                        // output channel c reads its group's input channels [icg·⌊c / ocg⌋, icg·⌊c / ocg⌋ + icg).
                        int kernel = node.Hyper[2], stride = node.Hyper[3], padding = node.Hyper[4], groups = node.Hyper[6];
                        if (!InOwnCoordinates(field, source, input) || input.Count != 3 || padding >= kernel) return null;
                        var axes = new List<AxisSpec> { GroupChannels(field.Axes[0], node.Hyper[0] / groups, node.Hyper[1] / groups, source.Shape[0]) };
                        for (int a = 1; a < 3; a++) axes.Add(field.Axes[a].Slide(kernel, stride, padding, source.Shape[a]));
                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.ConvTranspose2d:
                    {
                        // [inC, outC, kernel, stride, padding, outputPadding, bias]: every channel; output o = i·stride −
                        // padding + k reads inputs i from ⌈(o + padding − kernel + 1) / stride⌉ to ⌊(o + padding) / stride⌋.
                        int kernel = node.Hyper[2], stride = node.Hyper[3], padding = node.Hyper[4];
                        if (!InOwnCoordinates(field, source, input) || input.Count != 3) return null;
                        var axes = new List<AxisSpec> { field.Axes[0].All(source.Shape[0]) };
                        for (int a = 1; a < 3; a++)
                        {
                            var axis = field.Axes[a].Gather(1, padding - kernel + stride, kernel, stride, source.Shape[a]);
                            if (axis is null) return null;
                            axes.Add(axis);
                        }

                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.Upsample:
                    {
                        // [scale, mode]: each channel its own. Nearest: output o reads ⌊o / scale⌋. Bilinear (PyTorch's
                        // align_corners=False): the source point (2o + 1 − scale) / (2·scale), at least 0, reads its floor
                        // and the next position, or only itself where it is whole (the neighbour's weight is 0):
                        // [⌊(2o + 1 − scale) / 2scale⌋, ⌈…⌉ + 1) = [⌊(2o + 1 − scale) / 2scale⌋, ⌊(2o + 3·scale) / 2scale⌋).
                        int scale = node.Hyper[0];
                        bool bilinear = node.Hyper[1] == 1;
                        if (!InOwnCoordinates(field, source, input) || input.Count != 3) return null;
                        var axes = new List<AxisSpec> { field.Axes[0] };
                        for (int a = 1; a < 3; a++)
                        {
                            var axis = bilinear
                                ? field.Axes[a].Gather(2, 1 - scale, 4 * scale - 1, 2 * scale, source.Shape[a])
                                : field.Axes[a].Gather(1, 0, scale, scale, source.Shape[a]);
                            if (axis is null) return null;
                            axes.Add(axis);
                        }

                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    {
                        // [kernel, stride(, padding)]: each channel its own, a sliding window on both spatial axes.
                        int kernel = node.Hyper[0], stride = node.Hyper[1], padding = PoolingHyper.Padding(node.Hyper);
                        if (!InOwnCoordinates(field, source, input) || input.Count != 3) return null;
                        var axes = new List<AxisSpec> { field.Axes[0] };
                        for (int a = 1; a < 3; a++) axes.Add(field.Axes[a].Slide(kernel, stride, padding, source.Shape[a]));
                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.GlobalAvgPool:
                case OpKind.MaxOverTime:
                    {
                        // [C, …] → [C]: each channel its own, every position of every other axis.
                        if (!InOwnCoordinates(field, source, input)) return null;
                        var axes = new List<AxisSpec> { field.Axes[0] };
                        for (int a = 1; a < input.Count; a++) axes.Add(field.Axes[a].All(source.Shape[a]));
                        return new FieldSpec(input.Select((_, a) => a == 0 ? node.Size : 1).ToEquatableArray(), axes.ToEquatableArray());
                    }

                case OpKind.Channels:
                    {
                        // [start, count]: channel c is the operand's channel start + c.
                        if (!InOwnCoordinates(field, source, input)) return null;
                        var channel = field.Axes[0];
                        var axes = field.Axes.ToList();
                        axes[0] = channel with { Offset = channel.Offset + channel.Stride * node.Hyper[0] };
                        return new FieldSpec(node.Shape, axes.ToEquatableArray());
                    }

                case OpKind.Add:
                case OpKind.Subtract:
                case OpKind.Multiply:
                case OpKind.Concat:
                    return Union(model, node, fields, input);

                default:
                    return null;
            }
        }

        /// <summary>
        /// A grouped convolution's channel axis: output channel c reads input channels [icg·⌊c / ocg⌋, icg·⌊c / ocg⌋ + icg)
        /// (icg, ocg: input and output channels per group) — exactly one window formula when icg or ocg is 1 (depthwise
        /// convolutions, channel multipliers); otherwise the box of all the operand's channels, which holds it.
        /// </summary>
        private static AxisSpec GroupChannels(AxisSpec channel, int inPerGroup, int outPerGroup, int inChannels) =>
            (inPerGroup == 1 ? channel.Gather(1, 0, outPerGroup, outPerGroup, inChannels)
                : outPerGroup == 1 ? channel.Gather(inPerGroup, 0, inPerGroup, 1, inChannels)
                : null) ?? channel.All(inChannels);

        /// <summary>
        /// A box per axis that holds every operand's window. + − and × have operands of one shape; a concat's channel axis
        /// is taken whole (its operands' channels are shifted), its other axes as for +.
        /// </summary>
        private static FieldSpec? Union(ModelSpec model, NodeSpec node, List<FieldSpec> fields, EquatableArray<int> input)
        {
            bool concat = node.Kind == OpKind.Concat;
            AxisSpec?[]? axes = null;
            foreach (int operand in node.Inputs)
            {
                var source = model.Nodes[operand];
                var field = fields[operand];
                if (!InOwnCoordinates(field, source, input)) return null;
                var own = field.Axes.Select((axis, a) => concat && a == 0 ? axis.All(source.Shape[0]) : axis).ToArray();
                if (axes is null)
                {
                    axes = own;
                    continue;
                }

                // Windows that move at different strides are joined as whole ranges of the node's coordinates.
                for (int a = 0; a < axes.Length; a++)
                    axes[a] = axes[a]!.Union(own[a]!) ?? axes[a]!.All(node.Shape[a]).Union(own[a]!.All(node.Shape[a]));
                if (axes.Any(axis => axis is null)) return null;
            }

            return axes is null ? null : new FieldSpec(node.Shape, axes.Select(a => a!).ToEquatableArray());
        }

        /// <summary>
        /// Whether the field's geometry is the node's own shape with one axis per input axis, so that a window op on the
        /// node can read its coordinates (false after a reshape to another layout or a global pooling).
        /// </summary>
        private static bool InOwnCoordinates(FieldSpec field, NodeSpec node, EquatableArray<int> input) =>
            node.Shape.Count == input.Count && field.Geometry.Equals(node.Shape);
    }
}
