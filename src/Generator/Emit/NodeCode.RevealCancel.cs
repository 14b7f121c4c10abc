using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    /// <summary>
    /// DeepLIFT's RevealCancel rule (runtime: <c>Axon.Model.RevealCancelRule</c>). It applies where an element-wise
    /// nonlinearity reads a dense layer that nothing else reads: the nonlinearity's backward then also writes the
    /// dense layer's input multipliers, from the positive and negative parts of the dense layer's change, and the
    /// dense layer's own backward leaves its input alone. The multiplier at the dense layer's output stays the
    /// rescale one, m·Δy/Δz, which carries the same total m⁺Δz⁺ + m⁻Δz⁻ = m·Δy, so attributions at that layer and
    /// above are those of the rescale rule.
    /// </summary>
    internal static partial class NodeCode
    {
        /// <summary>The dense node a nonlinearity applies RevealCancel to, or -1 when the rule does not apply.</summary>
        private static int RevealCancelDense(ModelSpec model, NodeSpec node)
        {
            if (!IsElementwiseNonlinearity(node.Kind) || node.Inputs.Count != 1) return -1;
            var dense = model.Nodes[node.Inputs[0]];
            if (dense.Kind != OpKind.Dense) return -1;
            // Only a dense layer over the whole sample; one applied per position (a [L, in] input) keeps the rescale rule.
            if (model.Nodes[dense.Inputs[0]].Size != dense.Hyper[0]) return -1;
            bool soleReader = model.Nodes.All(other => other.Index == node.Index || !other.Inputs.Contains(dense.Index));
            return soleReader ? dense.Index : -1;
        }

        /// <summary>The nonlinearity that takes over a dense node's input multipliers under RevealCancel, or -1.</summary>
        private static int RevealCancelReader(ModelSpec model, NodeSpec dense)
        {
            foreach (var node in model.Nodes)
            {
                if (node.Inputs.Contains(dense.Index)) return RevealCancelDense(model, node) == dense.Index ? node.Index : -1;
            }

            return -1;
        }

        /// <summary>
        /// The run-time condition under which the rule replaces the dense layer's input multipliers: the workspace
        /// asks for it, has a reference, the backward started at or above the nonlinearity (<c>from</c>), and no tap
        /// holds the dense layer (its masked multipliers would otherwise be bypassed).
        /// </summary>
        private static string RevealCancelActive(int nonlinearity, int dense) =>
            $"ws.RevealCancel && ws.RescaleReference is not null && {nonlinearity} <= from && !ws.HasIntervention({dense})";

        private static bool IsElementwiseNonlinearity(OpKind kind) => kind switch
        {
            OpKind.ReLU or OpKind.LeakyReLU or OpKind.Sigmoid or OpKind.Tanh or OpKind.Gelu or OpKind.Softplus or OpKind.Activation => true,
            _ => false,
        };

        /// <summary>
        /// Inside the nonlinearity's DeepLIFT branch (after the rescale rule, with <c>derivative</c> = f′(z)·m):
        /// split the dense layer's change, evaluate f at the two split points with the node's own forward kernel,
        /// and accumulate the dense layer's input multipliers.
        /// </summary>
        private static void WriteRevealCancel(SourceWriter w, ModelSpec model, NodeSpec node, int dense)
        {
            string t = model.ElementTypeName;
            var d = model.Nodes[dense];
            int input = d.Inputs[0];
            string weight = Param(model, d, 0);
            string shape = $"batch, {d.Hyper[0]}, {d.Hyper[1]}";
            using (w.Block($"if (stopAtLayer <= {input} && {RevealCancelActive(node.Index, dense)})"))
            {
                string[] names = { "deltaPlus", "deltaMinus", "pointPlus", "pointMinus", "fPlus", "fMinus" };
                for (int part = 0; part < names.Length; part++) w.Line($"global::System.Span<{t}> {names[part]} = ws.RevealCancelBuffer({part}, {node.Index}, batch);");
                w.Line($"global::Axon.Model.RevealCancelRule.Split<{t}>({Act(input)}, reference.Activation({input}), {weight}, reference.Activation({dense}), deltaPlus, deltaMinus, pointPlus, pointMinus, {shape});");
                w.Line(ActivationForward(model, node, "pointPlus", "fPlus") + ";");
                w.Line(ActivationForward(model, node, "pointMinus", "fMinus") + ";");
                w.Line($"global::Axon.Model.RevealCancelRule.Apply<{t}>({Act(input)}, reference.Activation({input}), {weight}, {Act(node.Index)}, reference.Activation({node.Index}), fPlus, fMinus, deltaPlus, deltaMinus, {Grad(node.Index)}, derivative, {Grad(input)}, {shape});");
            }
        }

        /// <summary>The forward call of an element-wise nonlinearity on other spans than its activations.</summary>
        private static string ActivationForward(ModelSpec model, NodeSpec node, string x, string y) =>
            node.Kind == OpKind.Activation
                ? $"{K}{ActivationKernel(model, node)}.Forward<{model.ElementTypeName}, {ScalarActivation(model, node)}>({x}, {y})"
                : ForwardCall(model, node, x, y);

        /// <summary>The dense layer's input-gradient argument: none while RevealCancel writes it instead.</summary>
        private static string DenseInputGradient(ModelSpec model, NodeSpec dense)
        {
            int x = dense.Inputs[0];
            int reader = RevealCancelReader(model, dense);
            string condition = reader < 0 ? $"stopAtLayer <= {x}" : $"stopAtLayer <= {x} && !({RevealCancelActive(reader, dense.Index)})";
            return $"({condition} ? {Grad(x)} : default)";
        }
    }
}
