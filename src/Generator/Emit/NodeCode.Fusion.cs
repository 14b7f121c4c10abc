using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// ReLU fused with the 2×2 / stride-2 max pooling that follows it (Axon.Kernels.ReluMaxPoolKernel): the forward
    /// writes both tapes a few planes at a time while they are in cache; the backward runs the pooling's scatter and
    /// ReLU's backward a sample at a time; the tangent computes ReLU's tangent and picks each window's winner from it in
    /// one pass, both tangents written. When the pass's caller reads none of the ReLU's maps (the attribution engine's
    /// prefix path), the forward writes the pooled tapes alone, and backward and tangent go through the winners alone
    /// and write neither derivative map.
    /// Each pass keeps the unfused calls for the cases where the
    /// two layers must run apart: a tap on the ReLU (its intervention sits between them), a run that starts or stops
    /// between them, and DeepLIFT's rescale rule.
    /// </summary>
    internal static partial class NodeCode
    {
        /// <summary>
        /// The max pooling that <paramref name="relu"/> fuses with, or null: a ReLU whose only consumer is the next
        /// node, an unpadded 2×2 / stride-2 MaxPool2d over a [C, H, W] map with even H and W.
        /// </summary>
        public static NodeSpec? FusedPool(ModelSpec model, NodeSpec relu)
        {
            if (relu.Kind != OpKind.ReLU || relu.Index + 1 >= model.Nodes.Count) return null;
            var pool = model.Nodes[relu.Index + 1];
            if (pool.Kind != OpKind.MaxPool2d || pool.Inputs.Count != 1 || pool.Inputs[0] != relu.Index) return null;
            if (pool.Hyper[0] != 2 || pool.Hyper[1] != 2 || PoolingHyper.Padding(pool.Hyper) != 0) return null;
            var s = relu.Shape;
            if (s.Count != 3 || s[1] % 2 != 0 || s[2] % 2 != 0) return null;
            foreach (var other in model.Nodes)
            {
                if (other.Index != pool.Index && other.Inputs.Contains(relu.Index)) return null;
            }

            return pool;
        }

        /// <summary>The ReLU fused into <paramref name="pool"/>, or null.</summary>
        public static NodeSpec? FusedRelu(ModelSpec model, NodeSpec pool)
        {
            if (pool.Kind != OpKind.MaxPool2d || pool.Index < 2) return null;
            var relu = model.Nodes[pool.Index - 1];
            return FusedPool(model, relu) is null ? null : relu;
        }

        /// <summary>
        /// Whether the fused pair must write the ReLU's own gradient or tangent map: the pass's caller may read it
        /// (ModelWorkspace.Reads, true unless the attribution engine said otherwise), or a tap on the pooling changed its
        /// output, from which the other form takes ReLU's derivative at each winner.
        /// </summary>
        private static string ReadsReluMaps(NodeSpec relu, NodeSpec pool) => $"ws.Reads({relu.Index}) || ws.HasIntervention({pool.Index})";

        /// <summary>The local that says whether this backward pass runs the fused pair in one call.</summary>
        public static string FusedBackwardFlag(NodeSpec relu) => $"reluPool{relu.Index}";

        /// <summary>
        /// The forward of a fused ReLU: the fused kernel unless a tap on the ReLU must see its output before the
        /// pooling does; without the ReLU's map where the pass's caller reads it nowhere (the backward and tangent
        /// through the winners read the pooled tapes alone).
        /// </summary>
        public static void WriteFusedReluForward(SourceWriter w, ModelSpec model, NodeSpec relu, NodeSpec pool)
        {
            string t = model.ElementTypeName;
            var s = relu.Shape;
            using (w.Block($"if (ws.HasIntervention({relu.Index}))"))
            {
                WriteForward(w, model, relu);
                w.Line($"ws.ApplyIntervention({relu.Index}, batch);");
            }

            using (w.Block($"else if (ws.Reads({relu.Index}))"))
            {
                w.Line($"// Fused with {pool.Index} ({pool.Name}): ReLU and 2×2 max pooling in one pass, both tapes written.");
                w.Line($"{K}ReluMaxPoolKernel.Forward<{t}>({Act(relu.Inputs[0])}, {Act(relu.Index)}, {Act(pool.Index)}, {Indices(pool.Index)}, batch, {s[0]}, {s[1]}, {s[2]});");
            }

            using (w.Block("else"))
            {
                w.Line($"// Fused with {pool.Index} ({pool.Name}), {relu.Index}'s output read nowhere: the pooled tapes, {relu.Index}'s map written only where the kernel needs it.");
                w.Line($"{K}ReluMaxPoolKernel.ForwardPooled<{t}>({Act(relu.Inputs[0])}, {Act(relu.Index)}, {Act(pool.Index)}, {Indices(pool.Index)}, batch, {s[0]}, {s[1]}, {s[2]});");
            }
        }

        /// <summary>The forward of a pooling fused into the ReLU before it: only when the fused call did not run.</summary>
        public static void WriteFusedPoolForward(SourceWriter w, ModelSpec model, NodeSpec relu, NodeSpec pool)
        {
            using (w.Block($"if (from > {relu.Index} || ws.HasIntervention({relu.Index}))"))
            {
                WriteForward(w, model, pool);
            }
        }

        /// <summary>
        /// Declares the flag of a fused pair's backward: the pass continues below the ReLU, starts above it, has no
        /// DeepLIFT reference and no tap on the ReLU (so nothing needs the ReLU's gradient between the two steps).
        /// </summary>
        public static void WriteFusedBackwardFlag(SourceWriter w, NodeSpec relu, NodeSpec pool)
        {
            int x = relu.Inputs[0];
            w.Line($"bool {FusedBackwardFlag(relu)} = from >= {pool.Index} && stopAtLayer <= {x} && ws.RescaleReference is null && !ws.HasIntervention({relu.Index});");
        }

        /// <summary>The backward of a pooling fused with its ReLU: both backward steps in one call when the flag is set.</summary>
        public static void WriteFusedPoolBackward(SourceWriter w, ModelSpec model, NodeSpec relu, NodeSpec pool)
        {
            string t = model.ElementTypeName;
            var s = relu.Shape;
            using (w.Block($"if ({FusedBackwardFlag(relu)})"))
            {
                string call = $"{K}ReluMaxPoolKernel.Backward<{t}>({Grad(pool.Index)}, {Indices(pool.Index)}, {Act(relu.Inputs[0])}, {Grad(relu.Index)}, {Grad(relu.Inputs[0])}, batch, {s[0]}, {s[1]}, {s[2]}, {GradientWrite(model, pool, relu.Index)}, {GradientWrite(model, relu, relu.Inputs[0])});";
                string comment = $"// Fused with {relu.Index} ({relu.Name}): the pooling's and the ReLU's backward in one call; {relu.Index}'s is done.";
                if (!OverwritesGradient(model, relu, relu.Inputs[0]))
                {
                    // The winners-only form overwrites dx; a ReLU input with several consumers accumulates into it.
                    w.Line(comment);
                    w.Line(call);
                }
                else
                {
                    using (w.Block($"if ({ReadsReluMaps(relu, pool)})"))
                    {
                        w.Line(comment);
                        w.Line(call);
                    }

                    using (w.Block("else"))
                    {
                        w.Line($"// {relu.Index}'s gradient is read nowhere: the winners' ReLU derivative from {pool.Index}'s output, no map of {relu.Index}'s written or read.");
                        w.Line($"{K}ReluMaxPoolKernel.BackwardThroughWinners<{t}>({Grad(pool.Index)}, {Indices(pool.Index)}, {Act(pool.Index)}, {Grad(relu.Inputs[0])}, batch, {s[0]}, {s[1]}, {s[2]});");
                    }
                }
            }

            using (w.Block("else"))
            {
                WriteBackward(w, model, pool);
            }
        }

        /// <summary>The local that says whether this tangent pass runs the fused pair in one call.</summary>
        public static string FusedTangentFlag(NodeSpec relu) => $"tangentReluPool{relu.Index}";

        /// <summary>
        /// Declares the flag of a fused pair's tangent: the pass runs through both layers (starts at or below the ReLU,
        /// ends at or above the pooling) and no tap on the ReLU masks its tangent between the two.
        /// </summary>
        public static void WriteFusedTangentFlag(SourceWriter w, NodeSpec relu, NodeSpec pool)
        {
            w.Line($"bool {FusedTangentFlag(relu)} = from <= {relu.Index} && until >= {pool.Index} && !ws.HasIntervention({relu.Index});");
        }

        /// <summary>The tangent of a fused ReLU: both layers' tangents in one call when the flag is set.</summary>
        public static void WriteFusedReluTangent(SourceWriter w, ModelSpec model, NodeSpec relu, NodeSpec pool)
        {
            string t = model.ElementTypeName;
            var s = relu.Shape;
            using (w.Block($"if ({FusedTangentFlag(relu)})"))
            {
                using (w.Block($"if ({ReadsReluMaps(relu, pool)})"))
                {
                    w.Line($"// Fused with {pool.Index} ({pool.Name}): ReLU's and the pooling's tangents in one call, both written; {pool.Index}'s is done.");
                    w.Line($"{K}ReluMaxPoolKernel.Tangent<{t}>({Act(relu.Inputs[0])}, {Tan(relu.Inputs[0])}, {Indices(pool.Index)}, {Tan(relu.Index)}, {Tan(pool.Index)}, batch, {s[0]}, {s[1]}, {s[2]});");
                }

                using (w.Block("else"))
                {
                    w.Line($"// {relu.Index}'s tangent is read nowhere: {pool.Index}'s from the winners alone, ReLU's derivative from {pool.Index}'s output; {pool.Index}'s is done.");
                    w.Line($"{K}ReluMaxPoolKernel.TangentThroughWinners<{t}>({Act(pool.Index)}, {Tan(relu.Inputs[0])}, {Indices(pool.Index)}, {Tan(pool.Index)}, batch, {s[0]}, {s[1]}, {s[2]});");
                }
            }

            using (w.Block("else"))
            {
                WriteTangent(w, model, relu);
            }
        }

        /// <summary>The tangent of a pooling fused into the ReLU before it: only when the fused call did not run.</summary>
        public static void WriteFusedPoolTangent(SourceWriter w, ModelSpec model, NodeSpec relu, NodeSpec pool)
        {
            using (w.Block($"if (!{FusedTangentFlag(relu)})"))
            {
                WriteTangent(w, model, pool);
            }
        }

        /// <summary>The backward of a fused ReLU: nothing left to do when the pooling's fused call ran.</summary>
        public static void WriteFusedReluBackward(SourceWriter w, ModelSpec model, NodeSpec relu)
        {
            using (w.Block($"if (!{FusedBackwardFlag(relu)})"))
            {
                WriteBackward(w, model, relu);
            }
        }
    }
}
