using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    internal static partial class ModelEmitter
    {
        // The checks and workspace set-up that every pass starts with live in the runtime, once for every model and
        // backend; a pass here is that call and the network's own code.
        private const string Pass = "global::Axon.Model.ModelPass";

        private static void WriteForward(SourceWriter w, ModelSpec model)
        {
            string t = model.ElementTypeName;
            string ws = $"global::Axon.Model.ModelWorkspace<{t}>";
            w.Line("/// <summary>Runs the network and records every activation in the workspace (the tape).</summary>");
            using (w.Block($"public void Forward({ws} workspace, global::System.ReadOnlySpan<{t}> input, int batch, global::System.Span<{t}> output)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"{Pass}.BeginForward(workspace, s_layers, input, batch, output);");
                w.Line("RunForward(workspace, batch, 1);");
                w.Line($"{Pass}.EndForward(workspace, batch, output);");
            }

            w.Line();
            w.Line("/// <summary>Runs the network onward from a cut node, given its activation.</summary>");
            using (w.Block($"public void ForwardFrom({ws} workspace, int layer, global::System.ReadOnlySpan<{t}> activation, int batch, global::System.Span<{t}> output)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"{Pass}.BeginForwardFrom(workspace, s_layers, layer, activation, batch, output);");
                w.Line("RunForward(workspace, batch, layer + 1);");
                w.Line($"{Pass}.EndForward(workspace, batch, output);");
            }

            w.Line();
            using (w.Block($"private void RunForward({ws} ws, int batch, int from)"))
            {
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                for (int i = 1; i < model.Nodes.Count; i++)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (from <= {i})"))
                    {
                        if (NodeCode.FusedPool(model, node) is { } fusedPool)
                        {
                            NodeCode.WriteFusedReluForward(w, model, node, fusedPool);
                            continue;
                        }

                        if (NodeCode.FusedRelu(model, node) is { } fusedRelu) NodeCode.WriteFusedPoolForward(w, model, fusedRelu, node);
                        else NodeCode.WriteForward(w, model, node);
                        w.Line($"ws.ApplyIntervention({i}, batch);");
                    }
                }
            }
        }

        private static void WriteBackward(SourceWriter w, ModelSpec model)
        {
            string t = model.ElementTypeName;
            int last = model.Output.Index;
            w.Line("/// <summary>Reverse mode over the last forward's tape, seeded with <paramref name=\"outputGradient\"/>.</summary>");
            using (w.Block($"public void Backward(global::Axon.Model.ModelWorkspace<{t}> workspace, global::System.ReadOnlySpan<{t}> outputGradient, int batch, int stopAtLayer = 0, global::System.Span<{t}> parameterGradient = default)"))
            {
                w.Line($"BackwardFrom(workspace, {last}, outputGradient, batch, stopAtLayer, parameterGradient);");
            }

            w.Line();
            w.Line("/// <summary>Reverse mode over the last forward's tape, seeded at node <paramref name=\"layer\"/>.</summary>");
            using (w.Block($"public void BackwardFrom(global::Axon.Model.ModelWorkspace<{t}> workspace, int layer, global::System.ReadOnlySpan<{t}> layerGradient, int batch, int stopAtLayer = 0, global::System.Span<{t}> parameterGradient = default)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"{Pass}.BeginBackward(workspace, s_layers, layer, layerGradient, batch, stopAtLayer, parameterGradient, ParameterCount, {GeneratedMembers.FirstGradientWriters});");
                w.Line("RunBackward(workspace, batch, layer, stopAtLayer, parameterGradient);");
            }

            w.Line();
            using (w.Block($"private void RunBackward(global::Axon.Model.ModelWorkspace<{t}> ws, int batch, int from, int stopAtLayer, global::System.Span<{t}> pg)"))
            {
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                bool fusedPairs = false;
                foreach (var node in model.Nodes)
                {
                    if (NodeCode.FusedPool(model, node) is not { } pool) continue;
                    if (!fusedPairs) w.Line("// Each ReLU + max-pooling pair runs backward in one call unless the pass must see them apart.");
                    fusedPairs = true;
                    NodeCode.WriteFusedBackwardFlag(w, node, pool);
                }

                for (int i = last; i >= 1; i--)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (stopAtLayer < {i} && {i} <= from)"))
                    {
                        // The gradient of node i is complete here: every consumer has a larger index.
                        w.Line($"ws.MaskDerivative({i}, ws.GradientFor({i}, batch), batch);");
                        if (NodeCode.FusedRelu(model, node) is { } fusedRelu) NodeCode.WriteFusedPoolBackward(w, model, fusedRelu, node);
                        else if (NodeCode.FusedPool(model, node) is not null) NodeCode.WriteFusedReluBackward(w, model, node);
                        else NodeCode.WriteBackward(w, model, node);
                    }
                }

                w.Line("if (stopAtLayer == 0) ws.MaskDerivative(0, ws.GradientFor(0, batch), batch);");
            }
        }

        private static void WriteTangent(SourceWriter w, ModelSpec model)
        {
            string t = model.ElementTypeName;
            int last = model.Output.Index;
            w.Line("/// <summary>Forward mode over the last forward's tape: the Jacobian-vector product along <paramref name=\"inputTangent\"/>.</summary>");
            using (w.Block($"public void Tangent(global::Axon.Model.ModelWorkspace<{t}> workspace, global::System.ReadOnlySpan<{t}> inputTangent, int batch, int stopAtLayer = -1)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"int until = {Pass}.BeginTangent(workspace, s_layers, inputTangent, batch, stopAtLayer);");
                w.Line("RunTangent(workspace, batch, 1, until);");
            }

            w.Line();
            w.Line("/// <summary>Forward mode from a cut layer over the last forward's tape: the tangent there is <paramref name=\"layerTangent\"/>.</summary>");
            using (w.Block($"public void TangentFrom(global::Axon.Model.ModelWorkspace<{t}> workspace, int layer, global::System.ReadOnlySpan<{t}> layerTangent, int batch, int stopAtLayer = -1)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line($"int until = {Pass}.BeginTangentFrom(workspace, s_layers, layer, layerTangent, batch, stopAtLayer);");
                w.Line("RunTangent(workspace, batch, layer + 1, until);");
            }

            w.Line();
            using (w.Block($"private void RunTangent(global::Axon.Model.ModelWorkspace<{t}> ws, int batch, int from, int until)"))
            {
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                bool fusedPairs = false;
                foreach (var node in model.Nodes)
                {
                    if (node.Index > last || NodeCode.FusedPool(model, node) is not { } pool) continue;
                    if (!fusedPairs) w.Line("// Each ReLU + max-pooling pair runs forward mode in one call when the pass crosses both and no tap sits between them.");
                    fusedPairs = true;
                    NodeCode.WriteFusedTangentFlag(w, node, pool);
                }

                for (int i = 1; i <= last; i++)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (from <= {i} && until >= {i})"))
                    {
                        if (NodeCode.FusedPool(model, node) is { } fusedPool) NodeCode.WriteFusedReluTangent(w, model, node, fusedPool);
                        else if (NodeCode.FusedRelu(model, node) is { } fusedRelu) NodeCode.WriteFusedPoolTangent(w, model, fusedRelu, node);
                        else NodeCode.WriteTangent(w, model, node);
                        w.Line($"ws.MaskDerivative({i}, ws.TangentFor({i}, batch), batch);");
                    }
                }
            }
        }
    }
}
