using Axon.Generator.Graph;
using Axon.Generator.Model;

namespace Axon.Generator.Parsing
{
    /// <summary>Range checks on a layer's constant hyper-parameters; returns what is wrong, or null.</summary>
    internal static class HyperParameterRules
    {
        public static string? Check(LayerDeclaration layer, ElementKind element)
        {
            var h = layer.Hyper;
            switch (layer.Kind)
            {
                case OpKind.Dense:
                    return Positive(h[0], "inFeatures") ?? Positive(h[1], "outFeatures");
                case OpKind.Conv1d:
                case OpKind.Conv2d:
                    return Positive(h[0], "inChannels") ?? Positive(h[1], "outChannels") ?? Positive(h[2], "kernel")
                        ?? Positive(h[3], "stride") ?? (h[4] < 0 ? $"padding must be 0 or more, not {h[4]}" : null);
                case OpKind.GroupedConv2d:
                    return Positive(h[0], "inChannels") ?? Positive(h[1], "outChannels") ?? Positive(h[2], "kernel")
                        ?? Positive(h[3], "stride") ?? (h[4] < 0 ? $"padding must be 0 or more, not {h[4]}" : null)
                        ?? Positive(h[6], "groups")
                        ?? (h[0] % h[6] != 0 || h[1] % h[6] != 0 ? $"inChannels ({h[0]}) and outChannels ({h[1]}) must both be divisible by groups ({h[6]})" : null);
                case OpKind.ConvTranspose2d:
                    return Positive(h[0], "inChannels") ?? Positive(h[1], "outChannels") ?? Positive(h[2], "kernel")
                        ?? Positive(h[3], "stride") ?? (h[4] < 0 ? $"padding must be 0 or more, not {h[4]}" : null)
                        ?? (h[5] < 0 || h[5] >= h[3] ? $"outputPadding must be 0 or more and smaller than the stride ({h[3]}), as in PyTorch, not {h[5]}" : null);
                case OpKind.Upsample:
                    return Positive(h[0], "scale") ?? (h[1] != 0 && h[1] != 1 ? $"mode must be UpsampleMode.Nearest or UpsampleMode.Bilinear, not {h[1]}" : null);
                case OpKind.Lstm:
                case OpKind.Gru:
                    return Positive(h[0], "inputSize") ?? Positive(h[1], "hiddenSize");
                case OpKind.MaxPool2d:
                case OpKind.AvgPool2d:
                    return Positive(h[0], "kernel") ?? Positive(h[1], "stride") ?? PoolPadding(h[0], PoolingHyper.Padding(h));
                case OpKind.Embedding:
                    return Positive(h[0], "count") ?? Positive(h[1], "dim");
                case OpKind.BatchNorm:
                    return Positive(h[0], "channels") ?? PositiveReal(layer.Scalar, "epsilon", element);
                case OpKind.LeakyReLU:
                    return FiniteReal(layer.Scalar, "slope", element);
                case OpKind.Reshape:
                    return ReshapeDimensions(h);
                case OpKind.LayerNorm:
                    return NormalizedShape(h) ?? PositiveReal(layer.Scalar, "epsilon", element);
                case OpKind.RMSNorm:
                    // 0 stands for the element type's machine epsilon (PyTorch's eps=None).
                    return NormalizedShape(h) ?? FiniteReal(layer.Scalar, "epsilon", element)
                        ?? (layer.Scalar < 0 ? $"epsilon must be 0 (the machine epsilon) or positive, not {Format(layer.Scalar)}" : null);
                case OpKind.MultiHeadAttention:
                    return Positive(h[0], "embedDim") ?? Positive(h[1], "numHeads")
                        ?? (h[0] % h[1] != 0 ? $"embedDim ({h[0]}) must be divisible by numHeads ({h[1]})" : null)
                        ?? (h[4] < -1 ? $"padTokenId must be a token id (0 or more) or -1 for no padding mask, not {h[4]}" : null);
                case OpKind.PositionalEmbedding:
                    return Positive(h[0], "sequence") ?? Positive(h[1], "width");
                case OpKind.SinusoidalPositionalEncoding:
                    return Positive(h[0], "sequence") ?? Positive(h[1], "width") ?? (h[1] % 2 != 0 ? $"width must be even (sine and cosine pairs), not {h[1]}" : null);
                case OpKind.Dropout:
                    return layer.Scalar >= 0 && layer.Scalar <= 1 ? null : $"p must be a probability in [0, 1], not {Format(layer.Scalar)}";
                default:
                    return null;
            }
        }

        /// <summary>Reshape targets, from a layer or from <c>x.Reshape(...)</c> in a Forward definition.</summary>
        public static string? ReshapeDimensions(EquatableArray<int> dims)
        {
            if (dims.Count == 0) return "Reshape needs at least one dimension";
            foreach (int d in dims)
            {
                if (d <= 0) return $"Reshape dimensions must be positive, not {d}";
            }

            return null;
        }

        /// <summary>The normalised dimensions of LayerNorm and RMSNorm: Hyper from index 2 on.</summary>
        private static string? NormalizedShape(EquatableArray<int> hyper)
        {
            if (hyper.Count < 3) return "normalizedShape needs at least one dimension";
            for (int i = 2; i < hyper.Count; i++)
            {
                if (hyper[i] <= 0) return $"normalizedShape dimensions must be positive, not {hyper[i]}";
            }

            return null;
        }

        /// <summary>PyTorch's rule: padding at most half the kernel, so that no window lies wholly in the padding.</summary>
        private static string? PoolPadding(int kernel, int padding) =>
            padding < 0 ? $"padding must be 0 or more, not {padding}"
            : 2L * padding > kernel ? $"padding must be at most half the kernel ({kernel} / 2), as in PyTorch, not {padding}" : null;

        private static string? Positive(int value, string name) => value > 0 ? null : $"{name} must be positive, not {value}";

        /// <summary>The value as the generated code will hold it: a float model rounds it to float.</summary>
        private static double InElementType(double value, ElementKind element) => element == ElementKind.Float ? (float)value : value;

        /// <summary>The range of <c>x.Channels(start, count)</c> before shapes are known (the checker fits it to the input).</summary>
        public static string? ChannelRange(int start, int count)
            => start < 0 ? $"Channels needs a first channel of 0 or more, not {start}" : Positive(count, "the channel count");

        /// <summary>The constant factor of <c>c * x</c>, as the model's element type holds it.</summary>
        public static string? ScaleFactor(double value, ElementKind element) => FiniteReal(value, "the factor", element);

        private static string? FiniteReal(double value, string name, ElementKind element)
        {
            double held = InElementType(value, element);
            if (double.IsNaN(held) || double.IsInfinity(held)) return $"{name} must be a finite {TypeName(element)}, not {Format(value)}";
            return null;
        }

        private static string? PositiveReal(double value, string name, ElementKind element)
            => FiniteReal(value, name, element) ?? (InElementType(value, element) > 0 ? null : $"{name} must be positive as a {TypeName(element)}, not {Format(value)}");

        private static string TypeName(ElementKind element) => element == ElementKind.Float ? "float" : "double";

        private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
