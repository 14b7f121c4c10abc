using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>
    /// Turns a parsed network into the emitter's model: infers every node's shape, reports mismatches where they
    /// occur and sizes an int cannot index, lays out the parameter vector, marks cut nodes and warns about
    /// layers the network never applies.
    /// </summary>
    internal static class NetworkChecker
    {
        private const string TooMuch = "activation values per sample";

        public static ModelSpec? Check(DraftModel draft, List<DiagnosticInfo> diagnostics)
        {
            var drafts = draft.Nodes;
            foreach (var layer in draft.Layers)
            {
                // A layer applied only where the output does not depend on it has AXN016 at that application instead.
                bool pruned = diagnostics.Any(d => d.Descriptor == DiagnosticDescriptors.PrunedValue && d.Arguments.Skip(2).Contains(layer.Name));
                if (!pruned && !drafts.Any(d => d.Layer == layer)) diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedLayer, layer.Location, layer.Name));
            }

            var shapes = new List<int[]>();
            for (int i = 0; i < drafts.Count; i++)
            {
                var node = drafts[i];
                var inputShapes = node.Inputs.Select(n => shapes[n]).ToList();
                long[]? shape;
                if (i == 0)
                {
                    shape = draft.InputShape.Select(d => (long)d).ToArray();
                }
                else
                {
                    bool readsModelInput = node.Inputs.Count == 1 && HoldsInputValues(drafts, node.Inputs[0]);
                    shape = ShapeRules.Infer(node.Kind, node.Hyper, inputShapes, readsModelInput, out string? problem);
                    if (shape is not null && node.Kind == OpKind.MultiHeadAttention) shape = ShapeRules.PaddingMask(node.Hyper, shapes[0], shape, out problem);
                    if (shape is null)
                    {
                        string display = node.Layer?.Name ?? node.Name;
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, node.Location,
                            display, string.Join("] and [", inputShapes.Select(s => string.Join("×", s))), problem ?? "the shapes do not fit"));
                        return null;
                    }
                }

                var count = ElementCount.Product(shape);
                if (!ElementCount.Fits(count) || shape.Any(d => d > int.MaxValue))
                {
                    TooLarge(diagnostics, node.Location ?? draft.Location, node.Name, count, TooMuch);
                    return null;
                }

                shapes.Add(shape.Select(d => (int)d).ToArray());
            }

            var parameters = ParameterLayout.LayOut(drafts, draft.Layers, shapes, diagnostics);
            if (parameters is null) return null;

            // The workspace concatenates every activation of a sample (LayerInfo.Offset), so their sum must fit too.
            var total = shapes.Aggregate(BigInteger.Zero, (sum, s) => sum + ElementCount.Product(s));
            if (!ElementCount.Fits(total))
            {
                TooLarge(diagnostics, draft.Location, draft.Identity.ClassName, total, TooMuch + " in all");
                return null;
            }

            var firstParameter = new Dictionary<string, int>();
            for (int p = 0; p < parameters.Count; p++)
            {
                string layer = parameters[p].Name.Substring(0, parameters[p].Name.LastIndexOf('.'));
                if (!firstParameter.ContainsKey(layer)) firstParameter[layer] = p;
            }

            var cuts = GraphAnalysis.FindCuts(drafts.Select(d => (IReadOnlyList<int>)d.Inputs).ToList());
            var nodes = new List<NodeSpec>();
            for (int i = 0; i < drafts.Count; i++)
            {
                var d = drafts[i];
                int first = d.Layer is not null && firstParameter.TryGetValue(d.Layer.Name, out int f) ? f : -1;
                nodes.Add(new NodeSpec(i, d.Name, d.Kind, d.Inputs, shapes[i].ToEquatableArray(), d.Hyper, d.Scalar, first, d.Function, cuts[i]) { VectorForm = d.VectorForm });
            }

            var identity = draft.Identity;
            return new ModelSpec(
                identity.Namespace,
                identity.ContainingTypes,
                identity.ClassName,
                identity.TypeKeyword,
                draft.Element,
                draft.InputShape,
                nodes.ToEquatableArray(),
                parameters.ToEquatableArray(),
                draft.Layers.Select(l => l.Name).ToEquatableArray(),
                draft.Inputs);
        }

        internal static void TooLarge(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, BigInteger count, string unit)
            => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location,
                what, ElementCount.Format(count), unit, ElementCount.Format(ElementCount.Limit)));

        /// <summary>
        /// Whether node <paramref name="index"/> holds model input values as given: the input itself, or one Forward parameter
        /// of a several-input model (its slice of the packed row, reshaped or not). An Embedding may read token ids only there.
        /// </summary>
        private static bool HoldsInputValues(IReadOnlyList<DraftNode> drafts, int index)
        {
            while (index != 0)
            {
                var node = drafts[index];
                if ((node.Kind != OpKind.Channels && node.Kind != OpKind.Reshape) || node.Inputs.Count != 1) return false;
                index = node.Inputs[0];
            }

            return true;
        }
    }
}
