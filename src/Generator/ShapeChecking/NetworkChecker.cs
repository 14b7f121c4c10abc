using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Axon.Generator.Parsing;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>
    /// Turns a parsed network (draft nodes in topological order) into the emitter's model: infers every node's
    /// shape, reports mismatches where they occur, lays out the parameter vector and marks cut nodes.
    /// </summary>
    internal static class NetworkChecker
    {
        public static (EquatableArray<NodeSpec> Nodes, EquatableArray<ParameterSpec> Parameters)? Check(
            List<DraftNode> drafts, int[] inputShape, IReadOnlyList<LayerDeclaration> layerOrder, List<DiagnosticInfo> diagnostics)
        {
            var shapes = new List<int[]> { inputShape };
            for (int i = 1; i < drafts.Count; i++)
            {
                var node = drafts[i];
                var inputShapes = node.Inputs.Select(n => shapes[n]).ToList();
                bool readsModelInput = node.Inputs.Count == 1 && node.Inputs[0] == 0;
                var shape = ShapeRules.Infer(node.Kind, node.Hyper, inputShapes, readsModelInput, out string? problem);
                if (shape is null)
                {
                    string display = node.Layer?.Name ?? node.Name;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, node.Syntax, display, string.Join("] and [", inputShapes.Select(s => string.Join("×", s))), problem ?? "the shapes do not fit"));
                    return null;
                }

                shapes.Add(shape);
            }

            var parameters = LayOutParameters(drafts, layerOrder, shapes);
            var firstParameter = new Dictionary<string, int>();
            for (int p = 0; p < parameters.Count; p++)
            {
                string layer = parameters[p].Name.Substring(0, parameters[p].Name.IndexOf('.'));
                if (!firstParameter.ContainsKey(layer)) firstParameter[layer] = p;
            }

            var cuts = GraphAnalysis.FindCuts(drafts.Select(d => (IReadOnlyList<int>)d.Inputs).ToList());
            var nodes = new List<NodeSpec>();
            for (int i = 0; i < drafts.Count; i++)
            {
                var d = drafts[i];
                int first = d.Layer is not null && firstParameter.TryGetValue(d.Layer.Name, out int f) ? f : -1;
                nodes.Add(new NodeSpec(i, d.Name, d.Kind, d.Inputs.ToEquatableArray(), shapes[i].ToEquatableArray(), d.Hyper.ToEquatableArray(), d.Scalar, first, d.Function, cuts[i]));
            }

            return (nodes.ToEquatableArray(), parameters.ToEquatableArray());
        }

        private static List<ParameterSpec> LayOutParameters(List<DraftNode> drafts, IReadOnlyList<LayerDeclaration> layerOrder, List<int[]> shapes)
        {
            var used = new Dictionary<string, int>();
            for (int i = 0; i < drafts.Count; i++)
            {
                if (drafts[i].Layer is { } layer && !used.ContainsKey(layer.Name)) used[layer.Name] = i;
            }

            var parameters = new List<ParameterSpec>();
            int offset = 0;
            void Add(string name, int node, int[] shape, bool trainable, InitKind init, double bound)
            {
                int length = ShapeRules.Product(shape);
                parameters.Add(new ParameterSpec(name, node, shape.ToEquatableArray(), offset, length, trainable, init, bound));
                offset += length;
            }

            // Declaration order, as PyTorch's state_dict lists a module's parameters.
            foreach (var layer in layerOrder)
            {
                if (!used.TryGetValue(layer.Name, out int node)) continue;
                int[] h = layer.Hyper;
                switch (layer.Kind)
                {
                    case OpKind.Dense:
                        {
                            double bound = 1.0 / Math.Sqrt(h[0]);
                            Add(layer.Name + ".weight", node, new[] { h[1], h[0] }, true, InitKind.Uniform, bound);
                            if (h[2] != 0) Add(layer.Name + ".bias", node, new[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.Conv1d:
                    case OpKind.Conv2d:
                        {
                            bool twoD = layer.Kind == OpKind.Conv2d;
                            int fanIn = h[0] * h[2] * (twoD ? h[2] : 1);
                            double bound = 1.0 / Math.Sqrt(fanIn);
                            Add(layer.Name + ".weight", node, twoD ? new[] { h[1], h[0], h[2], h[2] } : new[] { h[1], h[0], h[2] }, true, InitKind.Uniform, bound);
                            if (h[5] != 0) Add(layer.Name + ".bias", node, new[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.Embedding:
                        Add(layer.Name + ".weight", node, new[] { h[0], h[1] }, true, InitKind.Normal, 1);
                        break;
                    case OpKind.BatchNorm:
                        Add(layer.Name + ".weight", node, new[] { h[0] }, true, InitKind.Ones, 0);
                        Add(layer.Name + ".bias", node, new[] { h[0] }, true, InitKind.Zeros, 0);
                        Add(layer.Name + ".running_mean", node, new[] { h[0] }, false, InitKind.Zeros, 0);
                        Add(layer.Name + ".running_var", node, new[] { h[0] }, false, InitKind.Ones, 0);
                        break;
                }
            }

            return parameters;
        }
    }
}
