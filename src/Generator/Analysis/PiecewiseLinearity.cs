using Axon.Generator.Model;

namespace Axon.Generator.Analysis
{
    /// <summary>
    /// Which nodes keep a network piecewise linear in its input, and which of those can break along a path: what the
    /// exact integration rule needs to know, decided here once per op kind. A kind this class does not list is smooth
    /// (not piecewise linear), so a new op cannot silently qualify a model for the exact rule.
    /// </summary>
    internal static class PiecewiseLinearity
    {
        /// <summary>
        /// Whether the node is piecewise linear in its inputs: the affine ops (dense, every convolution — grouped and
        /// transposed too —, average pooling padded or not, batch norm, +, −, scaling, channel slices, reshapes, transposes, the
        /// identity, dropout at inference, upsampling nearest or bilinear — a fixed weighted sum of neighbours —, and
        /// the position tables, which add a constant), then ReLU, LeakyReLU, max pooling and max over time.
        /// </summary>
        public static bool IsPiecewiseLinear(OpKind kind) => IsAffine(kind) || CanBreak(kind);

        /// <summary>Whether the output's slope along a path can change at the node: a ReLU or LeakyReLU input crossing zero, a max changing its arg-max.</summary>
        public static bool CanBreak(OpKind kind) => kind is OpKind.ReLU or OpKind.LeakyReLU or OpKind.MaxPool2d or OpKind.MaxOverTime;

        /// <summary>Whether the node is affine in its inputs (a linear map plus a constant): it never breaks a path.</summary>
        private static bool IsAffine(OpKind kind) => kind switch
        {
            OpKind.Input or OpKind.Dense or OpKind.Conv1d or OpKind.Conv2d or OpKind.AvgPool2d or OpKind.GlobalAvgPool
                or OpKind.Flatten or OpKind.Reshape or OpKind.BatchNorm or OpKind.Add or OpKind.Concat or OpKind.Subtract
                or OpKind.Scale or OpKind.Channels or OpKind.Transpose => true,
            OpKind.GroupedConv2d or OpKind.ConvTranspose2d or OpKind.Upsample or OpKind.Identity or OpKind.Dropout
                or OpKind.PositionalEmbedding or OpKind.SinusoidalPositionalEncoding => true,
            _ => false,
        };
    }
}
