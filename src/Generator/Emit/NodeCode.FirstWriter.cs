using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// Gradient buffers that need no clearing: the backward pass visits nodes from the highest index down, so the
    /// consumer of a node with the highest index writes its gradient first. Where that consumer's kernel can store
    /// its contribution instead of adding it, the generated code asks it to (Axon.Kernels.GradientMode.Overwrite),
    /// and ModelPass.BeginBackward skips clearing that buffer whenever the writer runs in the pass. Every other
    /// writer (a residual add, a layer used twice, a concat part) adds, as before.
    /// </summary>
    internal static partial class NodeCode
    {
        /// <summary>
        /// The node whose backward overwrites <paramref name="node"/>'s gradient, or -1 when the buffer is cleared and
        /// every writer adds: the consumer with the highest index, if it reads the node once and its ordinary
        /// backward can store (a ReLU, an unpadded max pooling, a flatten, reshape, identity or dropout). A node whose
        /// gradient DeepLIFT's RevealCancel rule also writes (from a nonlinearity above the consumer) keeps -1.
        /// </summary>
        public static int FirstGradientWriter(ModelSpec model, NodeSpec node)
        {
            int writer = -1;
            foreach (var other in model.Nodes)
            {
                if (other.Inputs.Contains(node.Index)) writer = other.Index;
            }

            if (writer < 0) return -1;
            var consumer = model.Nodes[writer];
            if (consumer.Inputs.Count(i => i == node.Index) != 1) return -1;
            if (RevealCancelWritesGradientOf(model, node)) return -1;
            return StoresInputGradient(consumer) ? writer : -1;
        }

        /// <summary>Every node's <see cref="FirstGradientWriter"/>, in node order: the table the generated BackwardFrom hands to ModelPass.</summary>
        public static EquatableArray<int> FirstGradientWriters(ModelSpec model) =>
            model.Nodes.Select(node => FirstGradientWriter(model, node)).ToEquatableArray();

        /// <summary>The mode argument for <paramref name="writer"/>'s write into <paramref name="input"/>'s gradient.</summary>
        private static string GradientWrite(ModelSpec model, NodeSpec writer, int input) =>
            K + "GradientMode." + (FirstGradientWriter(model, model.Nodes[input]) == writer.Index ? "Overwrite" : "Accumulate");

        /// <summary>", GradientMode.Overwrite" when <paramref name="writer"/> is the first writer of <paramref name="input"/>'s gradient, else nothing (the accumulating overload).</summary>
        private static string OverwriteArgument(ModelSpec model, NodeSpec writer, int input) =>
            OverwritesGradient(model, writer, input) ? ", " + K + "GradientMode.Overwrite" : "";

        /// <summary>True when <paramref name="writer"/> is the first writer of <paramref name="input"/>'s gradient.</summary>
        private static bool OverwritesGradient(ModelSpec model, NodeSpec writer, int input) =>
            FirstGradientWriter(model, model.Nodes[input]) == writer.Index;

        private static bool StoresInputGradient(NodeSpec consumer) => consumer.Kind switch
        {
            OpKind.ReLU => true,
            OpKind.MaxPool2d => PoolingHyper.Padding(consumer.Hyper) == 0,
            OpKind.Flatten or OpKind.Reshape or OpKind.Identity or OpKind.Dropout => true,
            _ => false,
        };

        /// <summary>True when some nonlinearity's RevealCancel rule writes the multipliers of <paramref name="node"/> (a dense layer's input).</summary>
        private static bool RevealCancelWritesGradientOf(ModelSpec model, NodeSpec node) =>
            model.Nodes.Any(other => RevealCancelDense(model, other) is int dense && dense >= 0 && model.Nodes[dense].Inputs[0] == node.Index);
    }
}
