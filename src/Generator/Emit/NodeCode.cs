using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// The statements each op contributes to the forward, reverse-mode and forward-mode passes: calls into the
    /// runtime kernels (Axon.Kernels) with every shape written as a literal. Inside the passes, <c>ws</c> is the
    /// workspace, <c>p</c> the parameters, <c>pg</c> the parameter gradient (maybe empty) and <c>batch</c> the batch.
    /// </summary>
    internal static partial class NodeCode
    {
        private const string K = "global::Axon.Kernels.";

        public static string Describe(ModelSpec model, NodeSpec node)
        {
            string inputs = string.Join(" + ", node.Inputs.Select(i => "[" + string.Join("×", model.Nodes[i].Shape) + "]"));
            return $"{node.Index}: {node.Name} ({node.Kind}) {inputs} -> [{string.Join("×", node.Shape)}]";
        }

        /// <summary>Integer tape slots per sample (arg-max of max pooling).</summary>
        public static int IndexSize(NodeSpec node) => node.Kind == OpKind.MaxPool2d || node.Kind == OpKind.MaxOverTime ? node.Size : 0;

        /// <summary>An expression for the scratch a node needs at <c>maxBatch</c>, or null.</summary>
        public static string? ScratchLength(ModelSpec model, NodeSpec node)
        {
            var x = model.Nodes[node.Inputs.Count > 0 ? node.Inputs[0] : 0].Shape;
            var h = node.Hyper;
            return node.Kind switch
            {
                OpKind.Conv2d => $"{K}Conv2dKernel.ScratchLength(maxBatch, {x[0]}, {x[1]}, {x[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]})",
                OpKind.Conv1d => $"{K}Conv1dKernel.ScratchLength(maxBatch, {x[0]}, {x[1]}, {h[1]}, {h[2]}, {h[3]}, {h[4]})",
                OpKind.MultiHeadAttention => $"{K}MultiHeadAttentionKernel.ScratchLength({x[0]}, {h[0]}, {h[1]})",
                OpKind.Lstm or OpKind.Gru => $"{K}{RecurrentKernel(node)}.ScratchLength({x[0]}, {h[1]})",
                _ => null,
            };
        }

        public static void WriteForward(SourceWriter w, ModelSpec model, NodeSpec node)
        {
            string t = model.ElementTypeName;
            string x = Act(node.Inputs.Count > 0 ? node.Inputs[0] : 0);
            string y = Act(node.Index);
            switch (node.Kind)
            {
                case OpKind.Add:
                    w.Line($"{K}ElementwiseKernel.Add<{t}>({Act(node.Inputs[0])}, {Act(node.Inputs[1])}, {y});");
                    return;
                case OpKind.Concat:
                    ForEachPart(model, node, (part, size, offset) => w.Line($"{K}ConcatKernel.Forward<{t}>({Act(part)}, {y}, batch, {size}, {offset}, {node.Size});"));
                    return;
                case OpKind.Activation:
                    w.Line($"{K}{ActivationKernel(model, node)}.Forward<{t}, {ScalarActivation(model, node)}>({x}, {y});");
                    return;
                case OpKind.Subtract:
                case OpKind.Multiply:
                    w.Line($"{K}ArithmeticKernel.{node.Kind}<{t}>({Act(node.Inputs[0])}, {Act(node.Inputs[1])}, {y});");
                    return;
                case OpKind.Scale:
                    w.Line($"{K}ArithmeticKernel.Scale<{t}>({x}, {Scalar(model, node.Scalar)}, {y});");
                    return;
                case OpKind.Channels:
                    w.Line($"{K}ChannelsKernel.Forward<{t}>({x}, {y}, batch, {ChannelRange(model, node)});");
                    return;
                case OpKind.Transpose:
                    w.Line($"{K}TransposeKernel.Forward<{t}>({x}, {y}, batch, {TransposeSizes(model, node)});");
                    return;
                default:
                    w.Line(ForwardCall(model, node, x, y) + ";");
                    return;
            }
        }

        public static void WriteBackward(SourceWriter w, ModelSpec model, NodeSpec node)
        {
            string t = model.ElementTypeName;
            string dy = Grad(node.Index);
            switch (node.Kind)
            {
                case OpKind.Add:
                    foreach (int input in node.Inputs) Guarded(w, input, $"{K}ElementwiseKernel.Accumulate<{t}>({dy}, {Grad(input)});");
                    return;
                case OpKind.Concat:
                    ForEachPart(model, node, (part, size, offset) => Guarded(w, part, $"{K}ConcatKernel.Backward<{t}>({dy}, {Grad(part)}, batch, {size}, {offset}, {node.Size});"));
                    return;
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                case OpKind.SinusoidalPositionalEncoding:
                    {
                        // The first writer of the input's gradient copies (the buffer was not cleared); others add.
                        string pass = OverwritesGradient(model, node, node.Inputs[0]) ? "Copy" : "Accumulate";
                        Guarded(w, node.Inputs[0], $"{K}ElementwiseKernel.{pass}<{t}>({dy}, {Grad(node.Inputs[0])});");
                        return;
                    }
                case OpKind.PositionalEmbedding:
                    Guarded(w, node.Inputs[0], $"{K}ElementwiseKernel.Accumulate<{t}>({dy}, {Grad(node.Inputs[0])});");
                    w.Line($"if (!pg.IsEmpty) {K}PositionalKernel.TableGradient<{t}>({dy}, {ParamGrad(model, node, 0)}, batch, {node.Size});");
                    return;
                case OpKind.Subtract:
                    Guarded(w, node.Inputs[0], $"{K}ElementwiseKernel.Accumulate<{t}>({dy}, {Grad(node.Inputs[0])});");
                    Guarded(w, node.Inputs[1], $"{K}ArithmeticKernel.SubtractFrom<{t}>({dy}, {Grad(node.Inputs[1])});");
                    return;
                case OpKind.Scale:
                    Guarded(w, node.Inputs[0], $"{K}ArithmeticKernel.ScaleAccumulate<{t}>({dy}, {Scalar(model, node.Scalar)}, {Grad(node.Inputs[0])});");
                    return;
                case OpKind.Channels:
                    Guarded(w, node.Inputs[0], $"{K}ChannelsKernel.Backward<{t}>({dy}, {Grad(node.Inputs[0])}, batch, {ChannelRange(model, node)});");
                    return;
                case OpKind.Transpose:
                    // Linear, so DeepLIFT's multipliers pass through it as gradients do.
                    Guarded(w, node.Inputs[0], $"{K}TransposeKernel.Backward<{t}>({dy}, {Grad(node.Inputs[0])}, batch, {TransposeSizes(model, node)});");
                    return;
                case OpKind.Multiply:
                    {
                        // DeepLIFT: each factor's multiplier is the other factor's mean over input and reference (ProductRule).
                        int a = node.Inputs[0], b = node.Inputs[1];
                        using (w.Block("if (ws.RescaleReference is { } reference)"))
                        {
                            w.Line($"global::Axon.Model.ProductRule.Apply<{t}>({Act(a)}, {Act(b)}, reference.Activation({a}), reference.Activation({b}), {dy}, (stopAtLayer <= {a} ? {Grad(a)} : default), (stopAtLayer <= {b} ? {Grad(b)} : default));");
                        }

                        using (w.Block("else"))
                        {
                            Guarded(w, a, $"{K}ArithmeticKernel.MultiplyAccumulate<{t}>({dy}, {Act(b)}, {Grad(a)});");
                            Guarded(w, b, $"{K}ArithmeticKernel.MultiplyAccumulate<{t}>({dy}, {Act(a)}, {Grad(b)});");
                        }

                        return;
                    }

                case OpKind.Activation:
                    {
                        int input = node.Inputs[0];
                        using (w.Block($"if (stopAtLayer <= {input})"))
                        {
                            WriteRescalable(w, model, node, input, $"RescaleBuffer({node.Index}, batch)", target =>
                                w.Line($"{K}{ActivationKernel(model, node)}.Backward<{t}, {ScalarActivation(model, node)}>({Act(input)}, {dy}, {target});"));
                        }

                        return;
                    }
            }

            int x = node.Inputs[0];
            var h = node.Hyper;
            var s = model.Nodes[x].Shape;
            string dx = $"(stopAtLayer <= {x} ? {Grad(x)} : default)";
            string act = Act(x);
            switch (node.Kind)
            {
                case OpKind.Dense:
                    w.Line($"{K}DenseKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {dy}, {DenseInputGradient(model, node)}, {ParamGrad(model, node, 0)}, {(h[2] != 0 ? ParamGrad(model, node, 1) : "default")}, {DenseRows(model, node)}, {h[0]}, {h[1]});");
                    return;
                case OpKind.Conv2d:
                    w.Line($"{K}Conv2dKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {dy}, {dx}, {ParamGrad(model, node, 0)}, {(h[5] != 0 ? ParamGrad(model, node, 1) : "default")}, ws.Scratch, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]});");
                    return;
                case OpKind.Lstm:
                case OpKind.Gru:
                    {
                        // DeepLIFT: the kernel recomputes the reference's gates and passes secants and product means.
                        string call = $"{K}{RecurrentKernel(node)}.Backward<{t}>({act}, {Act(node.Index)}, {RecurrentParameters(model, node)}, {dy}, {dx}, " +
                            $"{ParamGrad(model, node, 0)}, {ParamGrad(model, node, 1)}, {ParamGrad(model, node, 2)}, {ParamGrad(model, node, 3)}, ws.Scratch, batch, {s[0]}, {h[0]}, {h[1]}";
                        using (w.Block("if (ws.RescaleReference is { } reference)"))
                        {
                            w.Line(call + $", reference.Activation({x}), reference.Activation({node.Index}));");
                        }

                        using (w.Block("else"))
                        {
                            w.Line(call + ");");
                        }

                        return;
                    }

                case OpKind.ConvTranspose2d:
                    w.Line($"{K}ConvTranspose2dKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {dy}, {dx}, {ParamGrad(model, node, 0)}, {(h[6] != 0 ? ParamGrad(model, node, 1) : "default")}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[5]});");
                    return;
                case OpKind.Upsample:
                    Guarded(w, x, $"{K}UpsampleKernel.Backward<{t}>({dy}, {Grad(x)}, batch, {s[0]}, {s[1]}, {s[2]}, {h[0]}, bilinear: {Bool(h[1] == 1)});");
                    return;
                case OpKind.GroupedConv2d:
                    w.Line($"{K}GroupedConv2dKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {dy}, {dx}, {ParamGrad(model, node, 0)}, {(h[5] != 0 ? ParamGrad(model, node, 1) : "default")}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[6]});");
                    return;
                case OpKind.Conv1d:
                    w.Line($"{K}Conv1dKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {dy}, {dx}, {ParamGrad(model, node, 0)}, {(h[5] != 0 ? ParamGrad(model, node, 1) : "default")}, ws.Scratch, batch, {s[0]}, {s[1]}, {h[1]}, {h[2]}, {h[3]}, {h[4]});");
                    return;
                case OpKind.Embedding:
                    // Token ids receive no gradient; only the table does.
                    w.Line($"if (!pg.IsEmpty) {K}EmbeddingKernel.Backward<{t}>({act}, {dy}, {ParamGrad(model, node, 0)}, batch, {s[0]}, {h[0]}, {h[1]});");
                    return;
                case OpKind.MultiHeadAttention:
                    w.Line(AttentionCall(model, node, "Backward", $"{act}", $"{AttentionParam(model, node, 2)}, {dy}, {dx}, {AttentionParamGrad(model, node, 0)}, {AttentionParamGrad(model, node, 1)}, {AttentionParamGrad(model, node, 2)}, {AttentionParamGrad(model, node, 3)}") + ";");
                    return;
                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    w.Line(NormalizationCall(model, node, "Backward", $"{act}, {NormWeight(model, node)}, {NormEpsilon(model, node)}, {dy}, {dx}, {NormWeightGradient(model, node)}" + (node.Kind == OpKind.LayerNorm ? $", {NormBiasGradient(model, node)}" : "")) + ";");
                    return;
                case OpKind.BatchNorm:
                    w.Line($"{K}BatchNormKernel.Backward<{t}>({act}, {Param(model, node, 0)}, {Param(model, node, 2)}, {Param(model, node, 3)}, {Scalar(model, node.Scalar)}, {dy}, {dx}, {ParamGrad(model, node, 0)}, {ParamGrad(model, node, 1)}, batch, {h[0]}, {node.Size / h[0]});");
                    return;
                case OpKind.MaxPool2d:
                    WriteWithReferenceRule(w, x, MaxRescale(t, node, x),
                        $"{K}{PoolKernel(node)}.Backward<{t}>({dy}, {Indices(node.Index)}, {Grad(x)}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)}{OverwriteArgument(model, node, x)});");
                    return;
                case OpKind.AvgPool2d:
                    Guarded(w, x, $"{K}{PoolKernel(node)}.Backward<{t}>({dy}, {Grad(x)}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)});");
                    return;
                case OpKind.GlobalAvgPool:
                    Guarded(w, x, $"{K}GlobalAvgPoolKernel.Backward<{t}>({dy}, {Grad(x)}, batch, {s[0]}, {model.Nodes[x].Size / s[0]});");
                    return;
                case OpKind.MaxOverTime:
                    WriteWithReferenceRule(w, x, MaxRescale(t, node, x),
                        $"{K}MaxOverTimeKernel.Backward<{t}>({dy}, {Indices(node.Index)}, {Grad(x)}, batch, {s[0]}, {s[1]});");
                    return;
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    WriteWithReferenceRule(w, x,
                        $"global::Axon.Model.SoftmaxRescaleRule.Apply<{t}>({act}, {Act(node.Index)}, reference.Activation({x}), reference.Activation({node.Index}), {dy}, {Grad(x)}, ws.RescaleBuffer({node.Index}, batch), batch, {node.Size}, logarithmic: {(node.Kind == OpKind.LogSoftmax ? "true" : "false")});",
                        $"{K}{node.Kind}Kernel.Backward<{t}>({Act(node.Index)}, {dy}, {Grad(x)}, batch, {node.Size});");
                    return;
                default:
                    using (w.Block($"if (stopAtLayer <= {x})"))
                    {
                        // Only the ordinary backward into the gradient buffer may overwrite it; DeepLIFT's buffers are cleared.
                        WriteRescalable(w, model, node, x, $"RescaleBuffer({node.Index}, batch)", target =>
                            w.Line($"{K}{ElementwiseKernel(node.Kind)}.Backward<{t}>({act}, {Act(node.Index)}, {dy}, {target}{SlopeArgument(model, node)}{(target == Grad(x) ? OverwriteArgument(model, node, x) : "")});"));
                    }

                    return;
            }
        }

        /// <summary>
        /// The backward of an element-wise nonlinearity, twice: the ordinary one, and under DeepLIFT's rescale rule
        /// (when the workspace has a reference) the derivative goes to a buffer that <c>RescaleRule</c> combines
        /// with the secant slopes.
        /// </summary>
        private static void WriteRescalable(SourceWriter w, ModelSpec model, NodeSpec node, int input, string buffer, System.Action<string> writeBackwardInto)
        {
            string t = model.ElementTypeName;
            using (w.Block("if (ws.RescaleReference is { } reference)"))
            {
                w.Line($"global::System.Span<{t}> derivative = ws.{buffer};");
                w.Line("derivative.Clear();");
                using (w.Block(""))
                {
                    writeBackwardInto("derivative");
                }

                w.Line($"global::Axon.Model.RescaleRule.Apply<{t}>({Act(input)}, {Act(node.Index)}, reference.Activation({input}), reference.Activation({node.Index}), {Grad(node.Index)}, derivative, {Grad(input)});");
                int dense = RevealCancelDense(model, node);
                if (dense >= 0) WriteRevealCancel(w, model, node, dense);
            }

            using (w.Block("else"))
            {
                writeBackwardInto(Grad(input));
            }
        }

        /// <summary>
        /// The backward of a node that is not element-wise but has its own DeepLIFT rule (max, softmax): the rule's
        /// call when the workspace has a reference, the ordinary backward otherwise.
        /// </summary>
        private static void WriteWithReferenceRule(SourceWriter w, int input, string referenceRule, string ordinary)
        {
            using (w.Block($"if (stopAtLayer <= {input})"))
            {
                using (w.Block("if (ws.RescaleReference is { } reference)"))
                {
                    w.Line(referenceRule);
                }

                using (w.Block("else"))
                {
                    w.Line(ordinary);
                }
            }
        }

        /// <summary>The max rule's call: each window's Δmax goes to the input's or the reference's winner.</summary>
        private static string MaxRescale(string t, NodeSpec node, int input) =>
            $"global::Axon.Model.MaxRescaleRule.Apply<{t}>({Act(input)}, {Act(node.Index)}, {Indices(node.Index)}, reference.Activation({input}), reference.Activation({node.Index}), reference.Indices({node.Index}), {Grad(node.Index)}, {Grad(input)}, batch);";

        public static void WriteTangent(SourceWriter w, ModelSpec model, NodeSpec node)
        {
            string t = model.ElementTypeName;
            string ty = Tan(node.Index);
            switch (node.Kind)
            {
                case OpKind.Add:
                    w.Line($"{K}ElementwiseKernel.Add<{t}>({Tan(node.Inputs[0])}, {Tan(node.Inputs[1])}, {ty});");
                    return;
                case OpKind.Concat:
                    ForEachPart(model, node, (part, size, offset) => w.Line($"{K}ConcatKernel.Forward<{t}>({Tan(part)}, {ty}, batch, {size}, {offset}, {node.Size});"));
                    return;
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                case OpKind.PositionalEmbedding:
                case OpKind.SinusoidalPositionalEncoding:
                    w.Line($"{K}ElementwiseKernel.Copy<{t}>({Tan(node.Inputs[0])}, {ty});");
                    return;
                case OpKind.Embedding:
                    // Token ids are discrete: no direction moves them, so the embedding's tangent is zero.
                    w.Line($"{ty}.Clear();");
                    return;
                case OpKind.Activation:
                    w.Line($"{K}{ActivationKernel(model, node)}.Tangent<{t}, {ScalarActivation(model, node)}>({Act(node.Inputs[0])}, {Tan(node.Inputs[0])}, {ty});");
                    return;
                case OpKind.Subtract:
                    w.Line($"{K}ArithmeticKernel.Subtract<{t}>({Tan(node.Inputs[0])}, {Tan(node.Inputs[1])}, {ty});");
                    return;
                case OpKind.Scale:
                    w.Line($"{K}ArithmeticKernel.Scale<{t}>({Tan(node.Inputs[0])}, {Scalar(model, node.Scalar)}, {ty});");
                    return;
                case OpKind.Multiply:
                    w.Line($"{K}ArithmeticKernel.MultiplyTangent<{t}>({Act(node.Inputs[0])}, {Tan(node.Inputs[0])}, {Act(node.Inputs[1])}, {Tan(node.Inputs[1])}, {ty});");
                    return;
                case OpKind.Channels:
                    w.Line($"{K}ChannelsKernel.Forward<{t}>({Tan(node.Inputs[0])}, {ty}, batch, {ChannelRange(model, node)});");
                    return;
                case OpKind.Transpose:
                    w.Line($"{K}TransposeKernel.Forward<{t}>({Tan(node.Inputs[0])}, {ty}, batch, {TransposeSizes(model, node)});");
                    return;
            }

            int x = node.Inputs[0];
            var h = node.Hyper;
            var s = model.Nodes[x].Shape;
            string tx = Tan(x);
            switch (node.Kind)
            {
                case OpKind.Dense:
                    w.Line($"{K}DenseKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {ty}, {DenseRows(model, node)}, {h[0]}, {h[1]});");
                    return;
                case OpKind.Conv2d:
                    w.Line($"{K}Conv2dKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {ty}, ws.Scratch, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]});");
                    return;
                case OpKind.Lstm:
                case OpKind.Gru:
                    w.Line($"{K}{RecurrentKernel(node)}.Tangent<{t}>({Act(x)}, {Act(node.Index)}, {RecurrentParameters(model, node)}, {tx}, {ty}, ws.Scratch, batch, {s[0]}, {h[0]}, {h[1]});");
                    return;
                case OpKind.ConvTranspose2d:
                    w.Line($"{K}ConvTranspose2dKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {ty}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[5]});");
                    return;
                case OpKind.Upsample:
                    w.Line($"{K}UpsampleKernel.Tangent<{t}>({tx}, {ty}, batch, {s[0]}, {s[1]}, {s[2]}, {h[0]}, bilinear: {Bool(h[1] == 1)});");
                    return;
                case OpKind.GroupedConv2d:
                    w.Line($"{K}GroupedConv2dKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {ty}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[6]});");
                    return;
                case OpKind.Conv1d:
                    w.Line($"{K}Conv1dKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {ty}, ws.Scratch, batch, {s[0]}, {s[1]}, {h[1]}, {h[2]}, {h[3]}, {h[4]});");
                    return;
                case OpKind.MultiHeadAttention:
                    w.Line(AttentionCall(model, node, "Tangent", Act(x), $"{AttentionParam(model, node, 2)}, {tx}, {ty}") + ";");
                    return;
                case OpKind.LayerNorm:
                case OpKind.RMSNorm:
                    w.Line(NormalizationCall(model, node, "Tangent", $"{Act(x)}, {NormWeight(model, node)}, {NormEpsilon(model, node)}, {tx}, {ty}") + ";");
                    return;
                case OpKind.BatchNorm:
                    w.Line($"{K}BatchNormKernel.Tangent<{t}>({tx}, {Param(model, node, 0)}, {Param(model, node, 3)}, {Scalar(model, node.Scalar)}, {ty}, batch, {h[0]}, {node.Size / h[0]});");
                    return;
                case OpKind.MaxPool2d:
                    w.Line($"{K}{PoolKernel(node)}.Tangent<{t}>({tx}, {Indices(node.Index)}, {ty}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)});");
                    return;
                case OpKind.AvgPool2d:
                    w.Line($"{K}{PoolKernel(node)}.Tangent<{t}>({tx}, {ty}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)});");
                    return;
                case OpKind.GlobalAvgPool:
                    w.Line($"{K}GlobalAvgPoolKernel.Tangent<{t}>({tx}, {ty}, batch, {s[0]}, {model.Nodes[x].Size / s[0]});");
                    return;
                case OpKind.MaxOverTime:
                    w.Line($"{K}MaxOverTimeKernel.Tangent<{t}>({tx}, {Indices(node.Index)}, {ty}, batch, {s[0]}, {s[1]});");
                    return;
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    w.Line($"{K}{node.Kind}Kernel.Tangent<{t}>({Act(node.Index)}, {tx}, {ty}, batch, {node.Size});");
                    return;
                default:
                    w.Line($"{K}{ElementwiseKernel(node.Kind)}.Tangent<{t}>({Act(x)}, {Act(node.Index)}, {tx}, {ty}{SlopeArgument(model, node)});");
                    return;
            }
        }

        /// <summary>The forward call of a kernel-backed op.</summary>
        private static string ForwardCall(ModelSpec model, NodeSpec node, string x, string y)
        {
            const string method = "Forward";
            string t = model.ElementTypeName;
            var h = node.Hyper;
            var s = model.Nodes[node.Inputs[0]].Shape;
            switch (node.Kind)
            {
                case OpKind.Dense:
                    return $"{K}DenseKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {(h[2] != 0 ? Param(model, node, 1) : "default")}, {y}, {DenseRows(model, node)}, {h[0]}, {h[1]})";
                case OpKind.Conv2d:
                    return $"{K}Conv2dKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {(h[5] != 0 ? Param(model, node, 1) : "default")}, {y}, ws.Scratch, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]})";
                case OpKind.Lstm:
                case OpKind.Gru:
                    return $"{K}{RecurrentKernel(node)}.{method}<{t}>({x}, {RecurrentParameters(model, node)}, {y}, ws.Scratch, batch, {s[0]}, {h[0]}, {h[1]})";
                case OpKind.ConvTranspose2d:
                    return $"{K}ConvTranspose2dKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {(h[6] != 0 ? Param(model, node, 1) : "default")}, {y}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[5]})";
                case OpKind.Upsample:
                    return $"{K}UpsampleKernel.{method}<{t}>({x}, {y}, batch, {s[0]}, {s[1]}, {s[2]}, {h[0]}, bilinear: {Bool(h[1] == 1)})";
                case OpKind.GroupedConv2d:
                    return $"{K}GroupedConv2dKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {(h[5] != 0 ? Param(model, node, 1) : "default")}, {y}, batch, {s[0]}, {s[1]}, {s[2]}, {h[1]}, {h[2]}, {h[3]}, {h[4]}, {h[6]})";
                case OpKind.Conv1d:
                    return $"{K}Conv1dKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {(h[5] != 0 ? Param(model, node, 1) : "default")}, {y}, ws.Scratch, batch, {s[0]}, {s[1]}, {h[1]}, {h[2]}, {h[3]}, {h[4]})";
                case OpKind.MaxPool2d:
                    return $"{K}{PoolKernel(node)}.{method}<{t}>({x}, {y}, {Indices(node.Index)}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)})";
                case OpKind.AvgPool2d:
                    return $"{K}{PoolKernel(node)}.{method}<{t}>({x}, {y}, batch, {s[0]}, {s[1]}, {s[2]}, {PoolWindow(node)})";
                case OpKind.GlobalAvgPool:
                    return $"{K}GlobalAvgPoolKernel.{method}<{t}>({x}, {y}, batch, {s[0]}, {model.Nodes[node.Inputs[0]].Size / s[0]})";
                case OpKind.MaxOverTime:
                    return $"{K}MaxOverTimeKernel.{method}<{t}>({x}, {y}, {Indices(node.Index)}, batch, {s[0]}, {s[1]})";
                case OpKind.Flatten:
                case OpKind.Reshape:
                case OpKind.Identity:
                case OpKind.Dropout:
                    return $"{K}ElementwiseKernel.Copy<{t}>({x}, {y})";
                case OpKind.Embedding:
                    return $"{K}EmbeddingKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {y}, batch, {s[0]}, {h[0]}, {h[1]})";
                case OpKind.BatchNorm:
                    return $"{K}BatchNormKernel.{method}<{t}>({x}, {Param(model, node, 0)}, {Param(model, node, 1)}, {Param(model, node, 2)}, {Param(model, node, 3)}, {Scalar(model, node.Scalar)}, {y}, batch, {h[0]}, {node.Size / h[0]})";
                case OpKind.Softmax:
                case OpKind.LogSoftmax:
                    return $"{K}{node.Kind}Kernel.{method}<{t}>({x}, {y}, batch, {node.Size})";
                case OpKind.LayerNorm:
                    return NormalizationCall(model, node, method, $"{x}, {NormWeight(model, node)}, {NormBias(model, node)}, {NormEpsilon(model, node)}, {y}");
                case OpKind.RMSNorm:
                    return NormalizationCall(model, node, method, $"{x}, {NormWeight(model, node)}, {NormEpsilon(model, node)}, {y}");
                case OpKind.PositionalEmbedding:
                    return $"{K}PositionalKernel.Forward<{t}>({x}, {Param(model, node, 0)}, {y}, batch, {node.Size})";
                case OpKind.SinusoidalPositionalEncoding:
                    return $"{K}PositionalKernel.Sinusoidal<{t}>({x}, {y}, batch, {h[0]}, {h[1]})";
                case OpKind.MultiHeadAttention:
                    return AttentionCall(model, node, method, x, $"{AttentionParam(model, node, 2)}, {AttentionParam(model, node, 3)}, {y}");
                default:
                    return $"{K}{ElementwiseKernel(node.Kind)}.{method}<{t}>({x}, {y}{SlopeArgument(model, node)})";
            }
        }

        /// <summary>A pooling node's kernel class: the padded one only when the layer pads, so unpadded models generate as before.</summary>
        private static string PoolKernel(NodeSpec node) =>
            (PoolingHyper.Padding(node.Hyper) > 0 ? "Padded" : "") + (node.Kind == OpKind.MaxPool2d ? "MaxPool2dKernel" : "AvgPool2dKernel");

        /// <summary>A pooling node's "kernel, stride" or "kernel, stride, padding" arguments, matching <see cref="PoolKernel"/>.</summary>
        private static string PoolWindow(NodeSpec node) => string.Join(", ", node.Hyper);

        /// <summary>The size, offset and whole-sample size of a Channels node's range, as ChannelsKernel takes them.</summary>
        private static string ChannelRange(ModelSpec model, NodeSpec node)
        {
            var input = model.Nodes[node.Inputs[0]];
            int inner = input.Size / input.Shape[0];
            return $"{node.Size}, {node.Hyper[0] * inner}, {input.Size}";
        }

        /// <summary>The rows and columns of a Transpose node's input, as TransposeKernel takes them.</summary>
        private static string TransposeSizes(ModelSpec model, NodeSpec node)
        {
            var input = model.Nodes[node.Inputs[0]].Shape;
            return $"{input[0]}, {input[1]}";
        }

        private static string ElementwiseKernel(OpKind kind) => kind switch
        {
            OpKind.ReLU => "ReluKernel",
            OpKind.LeakyReLU => "LeakyReluKernel",
            OpKind.Sigmoid => "SigmoidKernel",
            OpKind.Tanh => "TanhKernel",
            OpKind.Gelu => "GeluKernel",
            OpKind.Softplus => "SoftplusKernel",
            OpKind.SiLU => "SiluKernel",
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "not an element-wise activation"),
        };

        /// <summary>The rows a Dense node multiplies: the batch, times the rows of each sample when it is applied per position (nn.Linear over the last dimension).</summary>
        private static string DenseRows(ModelSpec model, NodeSpec node)
        {
            int perSample = model.Nodes[node.Inputs[0]].Size / node.Hyper[0];
            return perSample == 1 ? "batch" : $"batch * {perSample}";
        }

        /// <summary>
        /// A MultiHeadAttention kernel call: the input, the token ids for the padding mask (the model input) or none,
        /// the pad id, the causal flag, the input projection, then <paramref name="rest"/>, the scratch and the sizes.
        /// </summary>
        private static string AttentionCall(ModelSpec model, NodeSpec node, string method, string x, string rest)
        {
            var h = node.Hyper;
            string ids = h[4] >= 0 ? Act(0) : "default";
            return $"{K}MultiHeadAttentionKernel.{method}<{model.ElementTypeName}>({x}, {ids}, {h[4]}, {(h[3] != 0 ? "true" : "false")}, " +
                $"{AttentionParam(model, node, 0)}, {AttentionParam(model, node, 1)}, {rest}, ws.Scratch, batch, {node.Shape[0]}, {h[0]}, {h[1]})";
        }

        /// <summary>
        /// The attention's tensors by role, 0 in_proj_weight, 1 in_proj_bias, 2 out_proj.weight, 3 out_proj.bias,
        /// whether or not the biases exist ("default" for a missing one).
        /// </summary>
        private static string AttentionParam(ModelSpec model, NodeSpec node, int role)
        {
            if (role == 0 && AttentionHyper.SeparateProjections(node.Hyper)) return $"p.Slice({ParameterOf(model, node, 0).Offset}, {InProjectionLength(node)})";
            return AttentionIndex(node, role) is int index ? Param(model, node, index) : "default";
        }

        private static string AttentionParamGrad(ModelSpec model, NodeSpec node, int role)
        {
            if (role == 0 && AttentionHyper.SeparateProjections(node.Hyper)) return $"global::Axon.Model.ModelGuard.Part(pg, {ParameterOf(model, node, 0).Offset}, {InProjectionLength(node)})";
            return AttentionIndex(node, role) is int index ? ParamGrad(model, node, index) : "default";
        }

        /// <summary>3E·E: in_proj_weight, or q/k/v_proj_weight read as one (the layout puts them one after another).</summary>
        private static int InProjectionLength(NodeSpec node) => 3 * node.Hyper[0] * node.Hyper[0];

        /// <summary>The parameter index of a role; separate projections are three tensors where in_proj_weight is one.</summary>
        private static int? AttentionIndex(NodeSpec node, int role)
        {
            int extra = AttentionHyper.SeparateProjections(node.Hyper) ? 2 : 0;
            bool bias = node.Hyper[2] != 0;
            if (role == 0) return 0;
            if (bias) return role + extra;
            return role == 2 ? 1 + extra : (int?)null;
        }

        /// <summary>
        /// A LayerNorm or RMSNorm kernel call: the given leading arguments, then every row of the batch
        /// (batch × rows per sample) and the row width, the product of the normalised dimensions.
        /// </summary>
        private static string NormalizationCall(ModelSpec model, NodeSpec node, string method, string arguments)
        {
            int width = NormalizationHyper.Width(node.Hyper);
            string kernel = node.Kind == OpKind.LayerNorm ? "LayerNormKernel" : "RmsNormKernel";
            return $"{K}{kernel}.{method}<{model.ElementTypeName}>({arguments}, batch * {node.Size / width}, {width})";
        }

        private static string NormWeight(ModelSpec model, NodeSpec node) => NormalizationHyper.HasWeight(node.Hyper) ? Param(model, node, 0) : "default";

        private static string NormBias(ModelSpec model, NodeSpec node) => NormalizationHyper.HasBias(node.Hyper) ? Param(model, node, 1) : "default";

        private static string NormWeightGradient(ModelSpec model, NodeSpec node) => NormalizationHyper.HasWeight(node.Hyper) ? ParamGrad(model, node, 0) : "default";

        private static string NormBiasGradient(ModelSpec model, NodeSpec node) => NormalizationHyper.HasBias(node.Hyper) ? ParamGrad(model, node, 1) : "default";

        /// <summary>ε as the element type holds it; RMSNorm's 0 is PyTorch's eps=None, the type's machine epsilon (2⁻²³ or 2⁻⁵²).</summary>
        private static string NormEpsilon(ModelSpec model, NodeSpec node)
        {
            double epsilon = node.Scalar;
            if (node.Kind == OpKind.RMSNorm && epsilon == 0) epsilon = model.Element == ElementKind.Float ? 1.1920928955078125e-07 : 2.220446049250313e-16;
            return Scalar(model, epsilon);
        }

        private static string SlopeArgument(ModelSpec model, NodeSpec node) => node.Kind == OpKind.LeakyReLU ? ", " + Scalar(model, node.Scalar) : "";

        private static string Scalar(ModelSpec model, double value) => SourceWriter.Literal(value, model.Element == ElementKind.Float);

        private static string RecurrentKernel(NodeSpec node) => node.Kind == OpKind.Lstm ? "LstmKernel" : "GruKernel";

        /// <summary>weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, as the recurrent kernels take them.</summary>
        private static string RecurrentParameters(ModelSpec model, NodeSpec node) =>
            $"{Param(model, node, 0)}, {Param(model, node, 1)}, {Param(model, node, 2)}, {Param(model, node, 3)}";

        private static string Bool(bool value) => value ? "true" : "false";

        private static string Act(int node) => $"ws.ActivationFor({node}, batch)";

        private static string Grad(int node) => $"ws.GradientFor({node}, batch)";

        private static string Tan(int node) => $"ws.TangentFor({node}, batch)";

        private static string Indices(int node) => $"ws.IndicesFor({node}, batch)";

        private static ParameterSpec ParameterOf(ModelSpec model, NodeSpec node, int which) => model.Parameters[node.FirstParameter + which];

        private static string Param(ModelSpec model, NodeSpec node, int which)
        {
            var p = ParameterOf(model, node, which);
            return $"p.Slice({p.Offset}, {p.Length})";
        }

        private static string ParamGrad(ModelSpec model, NodeSpec node, int which)
        {
            var p = ParameterOf(model, node, which);
            return $"global::Axon.Model.ModelGuard.Part(pg, {p.Offset}, {p.Length})";
        }

        private static void Guarded(SourceWriter w, int input, string statement) => w.Line($"if (stopAtLayer <= {input}) {statement}");

        private static void ForEachPart(ModelSpec model, NodeSpec node, System.Action<int, int, int> write)
        {
            int offset = 0;
            foreach (int part in node.Inputs)
            {
                int size = model.Nodes[part].Size;
                write(part, size, offset);
                offset += size;
            }
        }

        /// <summary>
        /// The [Differentiable] scalar functions the model's Activation nodes call, in order of first use, each with the
        /// name of its struct inside the generated <c>ScalarActivations</c> class: the function's own name, numbered
        /// when two functions of different classes share it.
        /// </summary>
        public static System.Collections.Generic.List<(string Function, string Name)> ScalarActivations(ModelSpec model)
        {
            var list = new System.Collections.Generic.List<(string Function, string Name)>();
            foreach (var node in model.Nodes)
            {
                if (node.Kind != OpKind.Activation || list.Any(entry => entry.Function == node.Function)) continue;
                string simple = node.Function.Substring(node.Function.LastIndexOf('.') + 1);
                string name = simple;
                for (int n = 2; list.Any(entry => entry.Name == name); n++) name = simple + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                list.Add((node.Function, name));
            }

            return list;
        }

        /// <summary>The struct that runs an Activation node's function, as the kernels' type argument.</summary>
        private static string ScalarActivation(ModelSpec model, NodeSpec node) =>
            GeneratedMembers.ScalarActivations + "." + ScalarActivations(model).First(entry => entry.Function == node.Function).Name;

        /// <summary>
        /// The kernel class that runs an Activation node's function: <c>VectorActivationKernel</c> when the function has a
        /// vector form (its struct is then an <c>IVectorActivation</c>), else <c>ScalarActivationKernel</c>.
        /// </summary>
        private static string ActivationKernel(ModelSpec model, NodeSpec node) =>
            VectorFormOf(model, node.Function) is null ? "ScalarActivationKernel" : "VectorActivationKernel";

        /// <summary>The vector form of one of the model's scalar functions (every node that calls it carries the same one), or null.</summary>
        public static Differentiation.VectorForm? VectorFormOf(ModelSpec model, string function) =>
            model.Nodes.First(n => n.Kind == OpKind.Activation && n.Function == function).VectorForm;

        /// <summary>Function + "Derivative": the method the generator derives next to a [Differentiable] scalar function.</summary>
        public static string Derivative(string function) => function + "Derivative";
    }
}
