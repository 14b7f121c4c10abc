using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    // Position tables added to [sequence, width]: the learned one reads its "weight"; the sinusoidal one computes
    // sin/cos per element (in double, as the CPU kernel does). The table gradient gathers over the batch.
    internal sealed partial class GpuNodeKernels
    {
        private void AddPositionalForward(NodeSpec node)
        {
            int size = node.Size, width = node.Hyper[1], x = node.Inputs[0], y = node.Index;
            string table = node.Kind == OpKind.PositionalEmbedding
                ? P(ParamOffset(node, 0), "e")
                : $"({_t})(((e % {width}) & 1) == 0 ? global::System.Math.Sin(angle) : global::System.Math.Cos(angle))";
            string angle = node.Kind == OpKind.PositionalEmbedding
                ? ""
                : $"double angle = (e / {width}) / global::System.Math.Pow(10000.0, ((e % {width}) & ~1) / (double){width});\n";
            AddElementwise("Forward" + node.Index, GpuPassKind.Forward, node, -1, Rows(size),
                $"int e = i % {size};\n{angle}{A(y, "i")} = {A(x, "i")} + {table};");
        }

        private void AddPositionalBackward(NodeSpec node)
        {
            int size = node.Size, x = node.Inputs[0], y = node.Index;
            AddElementwise("Backward" + node.Index, GpuPassKind.Backward, node, x, Rows(size), $"{G(x, "i")} += {G(y, "i")};");
            if (node.Kind != OpKind.PositionalEmbedding) return;
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{_t} sum = 0;\nfor (int b = 0; b < v.Batch; b++) sum += {G(y, $"b * {size} + i")};\n{Pg(ParamOffset(node, 0), "i")} += sum;");
        }
    }
}
