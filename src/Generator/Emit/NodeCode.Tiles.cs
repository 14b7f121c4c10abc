using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    // The tiled forward-mode pass (ITiledTangent): which nodes it can run and each one's statements. Inside the pass,
    // `tiles` is the TileSet; node i's tiles are computed from node i − 1's.
    internal static partial class NodeCode
    {
        /// <summary>
        /// The last node of the chain 1..N in which every node reads only the one before it over [C, H, W] planes and
        /// mixes only neighbouring positions, so that a tangent's support grows by a known window per node; 0 when the
        /// first node is not such a node.
        /// </summary>
        public static int TiledDepth(ModelSpec model)
        {
            if (model.Nodes[0].Shape.Count != 3) return 0;
            int depth = 0;
            for (int i = 1; i < model.Nodes.Count; i++)
            {
                var node = model.Nodes[i];
                if (node.Inputs.Count != 1 || node.Inputs[0] != i - 1 || node.Shape.Count != 3 || !IsLocal(node.Kind)) break;
                // The tile kernels pool without padding: a padded pooling ends the tiled chain (the full-image pass runs it).
                if ((node.Kind == OpKind.MaxPool2d || node.Kind == OpKind.AvgPool2d) && PoolingHyper.Padding(node.Hyper) > 0) break;
                depth = i;
            }

            return depth;
        }

        private static bool IsLocal(OpKind kind)
        {
            switch (kind)
            {
                case OpKind.Conv2d:
                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                case OpKind.BatchNorm:
                case OpKind.ReLU:
                case OpKind.LeakyReLU:
                case OpKind.Sigmoid:
                case OpKind.Tanh:
                case OpKind.Gelu:
                case OpKind.Softplus:
                case OpKind.Activation:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>The window of node i given its input's, as an expression of <c>window</c>.</summary>
        public static string TileWindow(ModelSpec model, NodeSpec node)
        {
            var h = node.Hyper;
            var s = model.Nodes[node.Inputs[0]].Shape;
            const string window = "global::Axon.Model.SpatialWindow.ThroughSlidingWindow";
            switch (node.Kind)
            {
                case OpKind.Conv2d:
                    return $"{window}(window, {s[1]}, {s[2]}, {h[2]}, {h[3]}, {h[4]})";
                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    return $"{window}(window, {s[1]}, {s[2]}, {h[0]}, {h[1]}, 0)";
                default:
                    return "window"; // element-wise
            }
        }

        /// <summary>
        /// Whether node i is a ReLU whose tiles a longer pass skips: the next node of the tiled chain is a max pooling
        /// (no padding) that reads it, which then runs both in one kernel (TileKernels.ReluMaxPool2d) from the ReLU's
        /// input tiles. The ReLU's own tiles are written only when the pass ends at it.
        /// </summary>
        public static bool TileReluFusesIntoPool(ModelSpec model, NodeSpec node) =>
            node.Kind == OpKind.ReLU && node.Index + 1 <= TiledDepth(model) && model.Nodes[node.Index + 1].Kind == OpKind.MaxPool2d;

        public static void WriteTileTangent(SourceWriter w, ModelSpec model, NodeSpec node)
        {
            string t = model.ElementTypeName;
            int i = node.Index, x = node.Inputs[0];
            var h = node.Hyper;
            string tx = $"tiles.Data({x})", ty = $"tiles.Data({i})";
            if (TileReluFusesIntoPool(model, node))
            {
                w.Line($"// Needed only when the pass ends here: a longer pass runs this ReLU inside node {i + 1}'s pooling.");
                using (w.Block($"if (until == {i})"))
                {
                    w.Line($"global::System.ReadOnlySpan<{t}> x = {GatherActivation(x)};");
                    w.Line($"{K}ReluKernel.Tangent<{t}>(x, x, {tx}, {ty});");
                }

                return;
            }

            if (node.Kind == OpKind.MaxPool2d && TileReluFusesIntoPool(model, model.Nodes[x]))
            {
                w.Line($"if (startAtLayer <= {x}) {K}TileKernels.ReluMaxPool2d<{t}>(tiles, {i}, {Act(i)}, {Indices(i)}, {h[0]}, {h[1]});");
                w.Line($"else {K}TileKernels.MaxPool2d<{t}>(tiles, {i}, {Indices(i)}, {h[0]}, {h[1]});");
                return;
            }

            switch (node.Kind)
            {
                case OpKind.Conv2d:
                    w.Line($"{K}TileKernels.Conv2d<{t}>(tiles, {i}, {Param(model, node, 0)}, {h[2]}, {h[3]}, {h[4]});");
                    return;
                case OpKind.MaxPool2d:
                    w.Line($"{K}TileKernels.MaxPool2d<{t}>(tiles, {i}, {Indices(i)}, {h[0]}, {h[1]});");
                    return;
                case OpKind.AvgPool2d:
                    w.Line($"{K}TileKernels.AvgPool2d<{t}>(tiles, {i}, {h[0]}, {h[1]});");
                    return;
                case OpKind.BatchNorm:
                    w.Line($"{K}BatchNormKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {Param(model, node, 3)}, {Scalar(model, node.Scalar)}, {ty}, tiles.Count, {h[0]}, tiles.Height({i}) * tiles.Width({i}));");
                    return;
                case OpKind.Activation:
                    w.Line($"global::System.ReadOnlySpan<{t}> x = {GatherActivation(x)};");
                    w.Line($"{K}{ActivationKernel(model, node)}.Tangent<{t}, {ScalarActivation(model, node)}>(x, {tx}, {ty});");
                    return;
                default:
                    {
                        // The activation kernels read x (ReLU, leaky ReLU, softplus, GELU) or y (sigmoid, tanh): only that one is gathered.
                        bool readsOutput = node.Kind == OpKind.Sigmoid || node.Kind == OpKind.Tanh;
                        string name = readsOutput ? "y" : "x";
                        w.Line($"global::System.ReadOnlySpan<{t}> {name} = {GatherActivation(readsOutput ? i : x)};");
                        w.Line($"{K}{ElementwiseKernel(node.Kind)}.Tangent<{t}>({name}, {name}, {tx}, {ty}{SlopeArgument(model, node)});");
                        return;
                    }
            }
        }

        private static string GatherActivation(int node) => $"tiles.Gather({node}, {Act(node)}, 0)";
    }
}
