namespace Axon.Kernels;

/// <summary>
/// Grouped 2-D convolution (PyTorch <c>nn.Conv2d(..., groups: g)</c>; depthwise when g = in = out channels): the input
/// channels are split into g groups of in/g, each producing out/g output channels from its own filters. Weight
/// [out, in/g, kernel, kernel], bias [out]; zero padding; OH = (H + 2·padding − kernel)/stride + 1. Plain loops: the
/// ungrouped convolution keeps <see cref="Conv2dKernel"/>'s fast paths.
/// </summary>
public static class GroupedConv2dKernel
{
    /// <summary>
    /// y = conv(x, weight) + bias. x: batch × [inChannels, height, width]; y: batch × [outChannels, OH, OW]; bias may be
    /// empty (no bias). Overwrites y. Wrong lengths, channels not divisible by groups or a kernel larger than the padded
    /// input throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, groups);
        s.Check(x.Length, weight.Length, y.Length, nameof(x), nameof(y));
        KernelGuard.OptionalLength(bias.Length, outChannels, nameof(bias));
        for (int b = 0; b < batch; b++)
        for (int o = 0; o < outChannels; o++)
        {
            int g = o / s.OutPerGroup;
            for (int r = 0; r < s.OH; r++)
            for (int q = 0; q < s.OW; q++)
            {
                T sum = bias.IsEmpty ? T.Zero : bias[o];
                for (int ci = 0; ci < s.InPerGroup; ci++)
                {
                    int c = g * s.InPerGroup + ci;
                    for (int i = 0; i < kernel; i++)
                    {
                        int row = r * stride - padding + i;
                        if ((uint)row >= (uint)height) continue;
                        for (int j = 0; j < kernel; j++)
                        {
                            int column = q * stride - padding + j;
                            if ((uint)column >= (uint)width) continue;
                            sum += weight[s.WeightIndex(o, ci, i, j)] * x[s.InputIndex(b, c, row, column)];
                        }
                    }
                }

                y[s.OutputIndex(b, o, r, q)] = sum;
            }
        }
    }

    /// <summary>
    /// Accumulates dx += ∂L/∂x, dWeight += ∂L/∂weight and dBias += ∂L/∂bias from dy; any of the three may be empty
    /// (not wanted).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int groups)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, groups);
        s.Check(x.Length, weight.Length, dy.Length, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dWeight.Length, weight.Length, nameof(dWeight));
        KernelGuard.OptionalLength(dBias.Length, outChannels, nameof(dBias));
        for (int b = 0; b < batch; b++)
        for (int o = 0; o < outChannels; o++)
        {
            int g = o / s.OutPerGroup;
            for (int r = 0; r < s.OH; r++)
            for (int q = 0; q < s.OW; q++)
            {
                T d = dy[s.OutputIndex(b, o, r, q)];
                if (!dBias.IsEmpty) dBias[o] += d;
                for (int ci = 0; ci < s.InPerGroup; ci++)
                {
                    int c = g * s.InPerGroup + ci;
                    for (int i = 0; i < kernel; i++)
                    {
                        int row = r * stride - padding + i;
                        if ((uint)row >= (uint)height) continue;
                        for (int j = 0; j < kernel; j++)
                        {
                            int column = q * stride - padding + j;
                            if ((uint)column >= (uint)width) continue;
                            int at = s.InputIndex(b, c, row, column), wi = s.WeightIndex(o, ci, i, j);
                            if (!dx.IsEmpty) dx[at] += d * weight[wi];
                            if (!dWeight.IsEmpty) dWeight[wi] += d * x[at];
                        }
                    }
                }
            }
        }
    }

    /// <summary>The convolution is linear in x: ty = conv(tx, weight) without the bias. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<T> weight, Span<T> ty,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int groups)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(tx, weight, default, ty, batch, inChannels, height, width, outChannels, kernel, stride, padding, groups);

    private readonly record struct Geometry(int Batch, int InChannels, int H, int W, int OutChannels, int Kernel, int Stride, int Padding, int Groups)
    {
        public int InPerGroup => InChannels / Groups;
        public int OutPerGroup => OutChannels / Groups;
        public int OH => (H + 2 * Padding - Kernel) / Stride + 1;
        public int OW => (W + 2 * Padding - Kernel) / Stride + 1;

        public int InputIndex(int b, int c, int row, int column) => ((b * InChannels + c) * H + row) * W + column;

        public int OutputIndex(int b, int o, int r, int q) => ((b * OutChannels + o) * OH + r) * OW + q;

        public int WeightIndex(int o, int ci, int i, int j) => ((o * InPerGroup + ci) * Kernel + i) * Kernel + j;

        public void Check(int xLength, int weightLength, int yLength, string xName, string yName)
        {
            KernelGuard.Positive(Batch, "batch");
            KernelGuard.Positive(InChannels, "inChannels");
            KernelGuard.Positive(OutChannels, "outChannels");
            KernelGuard.Positive(H, "height");
            KernelGuard.Positive(W, "width");
            KernelGuard.Positive(Groups, "groups");
            if (InChannels % Groups != 0 || OutChannels % Groups != 0)
                throw new ArgumentException($"inChannels ({InChannels}) and outChannels ({OutChannels}) must both be divisible by groups ({Groups}).", "groups");
            KernelGuard.Window(H, Kernel, Stride, Padding, "height");
            KernelGuard.Window(W, Kernel, Stride, Padding, "width");
            KernelGuard.Length(xLength, (long)Batch * InChannels * H * W, xName);
            KernelGuard.Length(weightLength, (long)OutChannels * InPerGroup * Kernel * Kernel, "weight");
            KernelGuard.Length(yLength, (long)Batch * OutChannels * OH * OW, yName);
        }
    }
}
