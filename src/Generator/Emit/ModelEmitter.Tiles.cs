using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    internal static partial class ModelEmitter
    {
        /// <summary>The interface a model with a tiled pass implements, or null (<see cref="NodeCode.TiledDepth"/> is 0).</summary>
        private static string? TiledInterface(ModelSpec model) =>
            NodeCode.TiledDepth(model) > 0 ? $"global::Axon.Model.ITiledTangent<{model.ElementTypeName}>" : null;

        /// <summary>
        /// ITiledTangent, implemented explicitly (no member names taken from the user's class): the depth, each node's
        /// window map with the plane sizes, kernel, stride and padding as literals, and the tiled forward-mode pass.
        /// </summary>
        private static void WriteTiledTangent(SourceWriter w, ModelSpec model)
        {
            int depth = NodeCode.TiledDepth(model);
            string t = model.ElementTypeName;
            string tiled = $"global::Axon.Model.ITiledTangent<{t}>";
            string window = "global::Axon.Model.SpatialWindow";
            w.Line();
            w.Line("/// <summary>Nodes 1.." + depth + " are local in space: a tangent's support grows by a known window per node.</summary>");
            w.Line($"int {tiled}.TiledDepth => {depth};");
            w.Line();
            w.Line("/// <summary>The window of node <paramref name=\"layer\"/> that a tangent zero outside <paramref name=\"window\"/> of the node before it reaches.</summary>");
            using (w.Block($"{window} {tiled}.MapWindow(int layer, {window} window)"))
            {
                w.Line("switch (layer)");
                w.Line("{");
                for (int i = 1; i <= depth; i++) w.Line($"    case {i}: return {NodeCode.TileWindow(model, model.Nodes[i])};");
                w.Line($"    default: throw new global::System.ArgumentOutOfRangeException(nameof(layer), layer, \"A tiled pass runs to nodes 1..{depth}.\");");
                w.Line("}");
            }

            w.Line();
            w.Line("/// <summary>Forward mode on tiles over the last forward's tape (see ITiledTangent).</summary>");
            using (w.Block($"void {tiled}.TangentTiles(global::Axon.Model.ModelWorkspace<{t}> workspace, global::Axon.Model.TileSet<{t}> tiles, int startAtLayer, int stopAtLayer)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"int until = global::Axon.Model.TiledPass.Begin(workspace, s_layers, tiles, startAtLayer, stopAtLayer, {depth});");
                w.Line($"global::Axon.Model.ModelWorkspace<{t}> ws = workspace;");
                w.Line("int batch = ws.Batch;");
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                for (int i = 1; i <= depth; i++)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (startAtLayer <= {i} && {i} <= until)"))
                    {
                        NodeCode.WriteTileTangent(w, model, node);
                    }
                }
            }
        }
    }
}
