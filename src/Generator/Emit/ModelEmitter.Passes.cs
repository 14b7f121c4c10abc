using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    internal static partial class ModelEmitter
    {
        private static void WriteForward(SourceWriter w, ModelSpec model)
        {
            string t = model.ElementTypeName;
            string ws = $"global::Axon.Model.ModelWorkspace<{t}>";
            w.Line("/// <summary>Runs the network and records every activation in the workspace (the tape).</summary>");
            using (w.Block($"public void Forward({ws} workspace, global::System.ReadOnlySpan<{t}> input, int batch, global::System.Span<{t}> output)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line("global::Axon.Model.ModelGuard.CheckInput(workspace, input, batch, InputSize, nameof(input));");
                w.Line("global::Axon.Model.ModelGuard.CheckLength(output.Length, batch, OutputSize, nameof(output));");
                w.Line("workspace.BeginForward(batch);");
                w.Line("input.CopyTo(workspace.ActivationFor(0, batch));");
                w.Line("RunForward(workspace, batch, 1);");
                w.Line($"workspace.ActivationFor({model.Output.Index}, batch).CopyTo(output);");
                w.Line("workspace.EndForward(batch);");
            }

            w.Line();
            w.Line("/// <summary>Runs the network onward from a cut node, given its activation.</summary>");
            using (w.Block($"public void ForwardFrom({ws} workspace, int layer, global::System.ReadOnlySpan<{t}> activation, int batch, global::System.Span<{t}> output)"))
            {
                w.Line($"global::Axon.Model.ModelGuard.CheckWorkspace(workspace, s_layerSizes, {Quote(model.ClassName)});");
                w.Line("global::Axon.Model.ModelGuard.CheckLayer(layer, s_layers.Length, nameof(layer));");
                w.Line("if (!s_layers[layer].IsCut) throw new global::System.ArgumentException($\"Layer {layer} ('{s_layers[layer].Name}') is not crossed by every path to the output, so the network cannot run onward from it alone.\", nameof(layer));");
                w.Line("global::Axon.Model.ModelGuard.CheckBatch(workspace, batch);");
                w.Line("global::Axon.Model.ModelGuard.CheckLength(activation.Length, batch, s_layerSizes[layer], nameof(activation));");
                w.Line("global::Axon.Model.ModelGuard.CheckFinite(activation, s_layerSizes[layer], nameof(activation));");
                w.Line("global::Axon.Model.ModelGuard.CheckLength(output.Length, batch, OutputSize, nameof(output));");
                w.Line("workspace.BeginForward(batch);");
                w.Line("activation.CopyTo(workspace.ActivationFor(layer, batch));");
                w.Line("workspace.ApplyIntervention(layer, batch);");
                w.Line("RunForward(workspace, batch, layer + 1);");
                w.Line($"workspace.ActivationFor({model.Output.Index}, batch).CopyTo(output);");
                w.Line("workspace.EndForward(batch);");
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
                        NodeCode.WriteForward(w, model, node);
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
                w.Line("workspace.RequireTape(batch);");
                w.Line("global::Axon.Model.ModelGuard.CheckLayer(layer, s_layers.Length, nameof(layer));");
                w.Line("global::Axon.Model.ModelGuard.CheckLayer(stopAtLayer, s_layers.Length, nameof(stopAtLayer));");
                w.Line("if (stopAtLayer > layer) throw new global::System.ArgumentOutOfRangeException(nameof(stopAtLayer), stopAtLayer, $\"The pass runs from layer {layer} down, so stopAtLayer must not exceed it.\");");
                w.Line("global::Axon.Model.ModelGuard.CheckLength(layerGradient.Length, batch, s_layerSizes[layer], nameof(layerGradient));");
                w.Line("global::Axon.Model.ModelGuard.CheckFinite(layerGradient, s_layerSizes[layer], nameof(layerGradient));");
                w.Line("if (!parameterGradient.IsEmpty && parameterGradient.Length != ParameterCount) throw new global::System.ArgumentException($\"'parameterGradient' has {parameterGradient.Length} values; the model has {ParameterCount} parameters.\", nameof(parameterGradient));");
                w.Line("if (!parameterGradient.IsEmpty && stopAtLayer != 0) throw new global::System.ArgumentException(\"Parameter gradients need the pass to reach the input: use stopAtLayer = 0.\", nameof(stopAtLayer));");
                w.Line("for (int i = stopAtLayer; i < layer; i++) workspace.GradientFor(i, batch).Clear();");
                w.Line("layerGradient.CopyTo(workspace.GradientFor(layer, batch));");
                w.Line("RunBackward(workspace, batch, layer, stopAtLayer, parameterGradient);");
            }

            w.Line();
            using (w.Block($"private void RunBackward(global::Axon.Model.ModelWorkspace<{t}> ws, int batch, int from, int stopAtLayer, global::System.Span<{t}> pg)"))
            {
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                for (int i = last; i >= 1; i--)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (stopAtLayer < {i} && {i} <= from)"))
                    {
                        // The gradient of node i is complete here: every consumer has a larger index.
                        w.Line($"ws.MaskDerivative({i}, ws.GradientFor({i}, batch), batch);");
                        NodeCode.WriteBackward(w, model, node);
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
                w.Line("workspace.RequireTape(batch);");
                w.Line($"int until = stopAtLayer < 0 ? {last} : stopAtLayer;");
                w.Line("global::Axon.Model.ModelGuard.CheckLayer(until, s_layers.Length, nameof(stopAtLayer));");
                w.Line("global::Axon.Model.ModelGuard.CheckLength(inputTangent.Length, batch, InputSize, nameof(inputTangent));");
                w.Line("global::Axon.Model.ModelGuard.CheckFinite(inputTangent, InputSize, nameof(inputTangent));");
                w.Line("inputTangent.CopyTo(workspace.TangentFor(0, batch));");
                w.Line("RunTangent(workspace, batch, until);");
            }

            w.Line();
            using (w.Block($"private void RunTangent(global::Axon.Model.ModelWorkspace<{t}> ws, int batch, int until)"))
            {
                w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
                for (int i = 1; i <= last; i++)
                {
                    var node = model.Nodes[i];
                    w.Line("// " + NodeCode.Describe(model, node));
                    using (w.Block($"if (until >= {i})"))
                    {
                        NodeCode.WriteTangent(w, model, node);
                        w.Line($"ws.MaskDerivative({i}, ws.TangentFor({i}, batch), batch);");
                    }
                }
            }
        }
    }
}
