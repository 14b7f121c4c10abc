using System.Linq;
using Axon.Generator.Analysis;
using Axon.Generator.Model;

namespace Axon.Generator.Emit
{
    internal static partial class ModelEmitter
    {
        /// <summary>
        /// The network facts decided at compile time (<c>Axon.Model.INetworkFacts</c>): whether the model is piecewise
        /// linear, which nodes can break and which are smooth (for the exact rule), and every node's receptive field over
        /// the input as literal window formulas (for the conductance maps' windows).
        /// </summary>
        private static void WriteFacts(SourceWriter w, ModelSpec model)
        {
            var smooth = model.Nodes.Where(n => !PiecewiseLinearity.IsPiecewiseLinear(n.Kind)).Select(n => n.Index).ToEquatableArray();
            var breaking = model.Nodes.Where(n => PiecewiseLinearity.CanBreak(n.Kind)).Select(n => n.Index).ToEquatableArray();
            bool linear = smooth.Count == 0;
            w.Line(linear
                ? "/// <summary>True: every node is piecewise linear, so the exact integration rule applies.</summary>"
                : $"/// <summary>False: node {smooth[0]} ('{model.Nodes[smooth[0]].Name}', {model.Nodes[smooth[0]].Kind}) is not piecewise linear.</summary>");
            w.Line($"public const bool {GeneratedMembers.IsPiecewiseLinear} = {(linear ? "true" : "false")};");
            w.Line($"private static readonly int[] {GeneratedMembers.BreakingNodesTable} = {IntArray(breaking)};");
            w.Line($"private static readonly int[] {GeneratedMembers.SmoothNodesTable} = {IntArray(smooth)};");
            w.Line();

            // Neuron at coordinates p (split by the geometry) reads, along input axis a,
            // [max(first, ⌊(stride·p_a + offset) / divisor⌋), min(limit, ⌊(stride·p_a + offset + extent) / divisor⌋)).
            w.Line("// Receptive fields: geometry (how a neuron index splits, one axis per input axis), then per input axis");
            w.Line("// (stride, offset, extent, first, limit): the window [max(first, stride·p + offset), min(limit, stride·p + offset + extent)).");
            var fields = ReceptiveFields.Analyse(model);
            if (fields.Any(f => f.Axes.Any(a => a.Divisor != 1)))
                w.Line("// A sixth number is a divisor d: the window [max(first, ⌊(stride·p + offset) / d⌋), min(limit, ⌊(stride·p + offset + extent) / d⌋)).");
            w.Line($"private static readonly global::Axon.Model.ReceptiveField[] {GeneratedMembers.ReceptiveFieldsTable} =");
            w.Line("{");
            var input = model.Nodes[0].Shape;
            for (int i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                string axes = string.Join(", ", field.Axes.Select(a => a.Divisor == 1 ? $"new({a.Stride}, {a.Offset}, {a.Extent}, {a.First}, {a.Limit})" : $"new({a.Stride}, {a.Offset}, {a.Extent}, {a.First}, {a.Limit}, {a.Divisor})"));
                string whole = field.IsWhole(input) ? " (whole input)" : "";
                w.Line($"    // {i}: {model.Nodes[i].Name}{whole}");
                w.Line($"    new global::Axon.Model.ReceptiveField({IntArray(field.Geometry)}, new global::Axon.Model.FieldAxis[] {{ {axes} }}),");
            }

            w.Line("};");
            w.Line();
            w.Line($"bool global::Axon.Model.INetworkFacts.IsPiecewiseLinear => {GeneratedMembers.IsPiecewiseLinear};");
            w.Line($"global::System.Collections.Generic.IReadOnlyList<int> global::Axon.Model.INetworkFacts.BreakingNodes => {GeneratedMembers.BreakingNodesTable};");
            w.Line($"global::System.Collections.Generic.IReadOnlyList<int> global::Axon.Model.INetworkFacts.SmoothNodes => {GeneratedMembers.SmoothNodesTable};");
            w.Line($"global::System.Collections.Generic.IReadOnlyList<global::Axon.Model.ReceptiveField> global::Axon.Model.INetworkFacts.ReceptiveFields => {GeneratedMembers.ReceptiveFieldsTable};");
        }
    }
}
