using System;
using System.Collections.Generic;
using System.Numerics;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;

namespace Axon.Generator.ShapeChecking
{
    /// <summary>
    /// Lays out the flat parameter vector: each applied layer's tensors in declaration order, as PyTorch's
    /// state_dict lists a module's parameters, with PyTorch's default initialisation. Every tensor and the total
    /// must fit an int-indexed array (AXN014 at the layer otherwise).
    /// </summary>
    internal static class ParameterLayout
    {
        public static List<ParameterSpec>? LayOut(IReadOnlyList<DraftNode> drafts, IReadOnlyList<LayerDeclaration> layerOrder, List<int[]> shapes, List<DiagnosticInfo> diagnostics)
        {
            var used = new Dictionary<string, int>();
            for (int i = 0; i < drafts.Count; i++)
            {
                if (drafts[i].Layer is { } layer && !used.ContainsKey(layer.Name)) used[layer.Name] = i;
            }

            var parameters = new List<ParameterSpec>();
            BigInteger offset = 0;
            bool fits = true;
            foreach (var layer in layerOrder)
            {
                if (!used.TryGetValue(layer.Name, out int node)) continue;

                void Add(string suffix, long[] shape, bool trainable, InitKind init, double bound)
                {
                    if (!fits) return;
                    string name = layer.Name + "." + suffix;
                    var length = ElementCount.Product(shape);
                    if (!ElementCount.Fits(length) || !ElementCount.Fits(offset + length))
                    {
                        bool total = ElementCount.Fits(length);
                        NetworkChecker.TooLarge(diagnostics, layer.Location, total ? layer.Name : name, total ? offset + length : length, total ? "parameters in all" : "parameters");
                        fits = false;
                        return;
                    }

                    var intShape = Array.ConvertAll(shape, d => (int)d);
                    parameters.Add(new ParameterSpec(name, node, intShape.ToEquatableArray(), (int)offset, (int)length, trainable, init, bound));
                    offset += length;
                }

                var h = layer.Hyper;
                switch (layer.Kind)
                {
                    case OpKind.Dense:
                        {
                            double bound = 1.0 / Math.Sqrt(h[0]);
                            Add("weight", new long[] { h[1], h[0] }, true, InitKind.Uniform, bound);
                            if (h[2] != 0) Add("bias", new long[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.Conv1d:
                    case OpKind.Conv2d:
                        {
                            bool twoD = layer.Kind == OpKind.Conv2d;
                            // In double: the fan-in of a huge kernel overflows int before the size check rejects it.
                            double fanIn = (double)h[0] * h[2] * (twoD ? h[2] : 1);
                            double bound = 1.0 / Math.Sqrt(fanIn);
                            Add("weight", twoD ? new long[] { h[1], h[0], h[2], h[2] } : new long[] { h[1], h[0], h[2] }, true, InitKind.Uniform, bound);
                            if (h[5] != 0) Add("bias", new long[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.GroupedConv2d:
                        {
                            // PyTorch: weight [out, in/groups, k, k], fan-in (in/groups)·k².
                            long perGroup = h[0] / h[6];
                            double bound = 1.0 / Math.Sqrt((double)perGroup * h[2] * h[2]);
                            Add("weight", new long[] { h[1], perGroup, h[2], h[2] }, true, InitKind.Uniform, bound);
                            if (h[5] != 0) Add("bias", new long[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.ConvTranspose2d:
                        {
                            // PyTorch: weight [in, out, k, k]; its fan-in (weight.size(1)·k²) is the output channels.
                            double bound = 1.0 / Math.Sqrt((double)h[1] * h[2] * h[2]);
                            Add("weight", new long[] { h[0], h[1], h[2], h[2] }, true, InitKind.Uniform, bound);
                            if (h[6] != 0) Add("bias", new long[] { h[1] }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.Lstm:
                    case OpKind.Gru:
                        {
                            // PyTorch: every tensor U(−1/√hidden, 1/√hidden); 4 gates (i, f, g, o) or 3 (r, z, n) stacked.
                            long gates = (layer.Kind == OpKind.Lstm ? 4L : 3L) * h[1];
                            double bound = 1.0 / Math.Sqrt(h[1]);
                            Add("weight_ih_l0", new long[] { gates, h[0] }, true, InitKind.Uniform, bound);
                            Add("weight_hh_l0", new long[] { gates, h[1] }, true, InitKind.Uniform, bound);
                            Add("bias_ih_l0", new long[] { gates }, true, InitKind.Uniform, bound);
                            Add("bias_hh_l0", new long[] { gates }, true, InitKind.Uniform, bound);
                            break;
                        }

                    case OpKind.Embedding:
                        Add("weight", new long[] { h[0], h[1] }, true, InitKind.Normal, 1);
                        break;
                    case OpKind.BatchNorm:
                        Add("weight", new long[] { h[0] }, true, InitKind.Ones, 0);
                        Add("bias", new long[] { h[0] }, true, InitKind.Zeros, 0);
                        Add("running_mean", new long[] { h[0] }, false, InitKind.Zeros, 0);
                        Add("running_var", new long[] { h[0] }, false, InitKind.Ones, 0);
                        break;
                    case OpKind.PositionalEmbedding:
                        Add("weight", new long[] { h[0], h[1] }, true, InitKind.Normal, 1);
                        break;
                    case OpKind.MultiHeadAttention:
                        {
                            // As nn.MultiheadAttention initialises them: Xavier-uniform in_proj_weight (fan-in E,
                            // fan-out 3E), the out projection as nn.Linear, both biases zero.
                            if (AttentionHyper.SeparateProjections(h))
                            {
                                // Three [E, E] tensors where in_proj_weight's rows would lie (the kernels read them as one),
                                // each Xavier-uniform on its own as PyTorch initialises q/k/v_proj_weight.
                                foreach (var role in new[] { "q", "k", "v" }) Add(role + "_proj_weight", new long[] { h[0], h[0] }, true, InitKind.Uniform, Math.Sqrt(3.0 / h[0]));
                            }
                            else
                            {
                                Add("in_proj_weight", new long[] { 3L * h[0], h[0] }, true, InitKind.Uniform, Math.Sqrt(6.0 / (4.0 * h[0])));
                            }


                            if (h[2] != 0) Add("in_proj_bias", new long[] { 3L * h[0] }, true, InitKind.Zeros, 0);
                            Add("out_proj.weight", new long[] { h[0], h[0] }, true, InitKind.Uniform, 1.0 / Math.Sqrt(h[0]));
                            if (h[2] != 0) Add("out_proj.bias", new long[] { h[0] }, true, InitKind.Zeros, 0);
                            break;
                        }

                    case OpKind.LayerNorm:
                    case OpKind.RMSNorm:
                        {
                            var dims = Array.ConvertAll(NormalizationHyper.Dims(h), d => (long)d);
                            if (NormalizationHyper.HasWeight(h)) Add("weight", dims, true, InitKind.Ones, 0);
                            if (NormalizationHyper.HasBias(h)) Add("bias", dims, true, InitKind.Zeros, 0);
                            break;
                        }

                }

                if (!fits) return null;
            }

            return parameters;
        }
    }
}
