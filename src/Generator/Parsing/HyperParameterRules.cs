using System;
using Axon.Generator.Model;

namespace Axon.Generator.Parsing
{
    /// <summary>Range checks on a layer's constant hyper-parameters; returns what is wrong, or null.</summary>
    internal static class HyperParameterRules
    {
        public static string? Check(LayerDeclaration layer)
        {
            int[] h = layer.Hyper;
            switch (layer.Kind)
            {
                case OpKind.Dense:
                    return Positive(h[0], "inFeatures") ?? Positive(h[1], "outFeatures");
                case OpKind.Conv1d:
                case OpKind.Conv2d:
                    return Positive(h[0], "inChannels") ?? Positive(h[1], "outChannels") ?? Positive(h[2], "kernel")
                        ?? Positive(h[3], "stride") ?? (h[4] < 0 ? $"padding must be 0 or more, not {h[4]}" : null);
                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    return Positive(h[0], "kernel") ?? Positive(h[1], "stride");
                case OpKind.Embedding:
                    return Positive(h[0], "count") ?? Positive(h[1], "dim");
                case OpKind.BatchNorm:
                    return Positive(h[0], "channels") ?? (!(layer.Scalar > 0) || double.IsInfinity(layer.Scalar) ? $"epsilon must be positive and finite, not {layer.Scalar}" : null);
                case OpKind.LeakyReLU:
                    return double.IsNaN(layer.Scalar) || double.IsInfinity(layer.Scalar) ? "slope must be finite" : null;
                case OpKind.Reshape:
                    if (h.Length == 0) return "Reshape needs at least one dimension";
                    foreach (int d in h)
                    {
                        if (d <= 0) return $"Reshape dimensions must be positive, not {d}";
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static string? Positive(int value, string name) => value > 0 ? null : $"{name} must be positive, not {value}";
    }
}
