namespace Axon.Kernels;

/// <summary>
/// 2-D transposed convolution (PyTorch <c>nn.ConvTranspose2d(in, out, kernel, stride, padding, output_padding)</c>), the
/// adjoint of a strided convolution: input position (ih, iw) spreads x·weight[c, o] over output rows ih·stride − padding + i
/// and columns iw·stride − padding + j. Weight [in, out, kernel, kernel], bias [out];
/// OH = (H − 1)·stride − 2·padding + kernel + outputPadding. Plain loops.
/// </summary>
public static class ConvTranspose2dKernel
{
    /// <summary>
    /// y = convT(x, weight) + bias. x: batch × [inChannels, height, width]; y: batch × [outChannels, OH, OW]; bias may be
    /// empty. Overwrites y. Wrong lengths, an output padding not below the stride, or an empty output throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int outputPadding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, outputPadding);
        s.Check(x.Length, weight.Length, y.Length, nameof(x), nameof(y));
        KernelGuard.OptionalLength(bias.Length, outChannels, nameof(bias));
        for (int b = 0; b < batch; b++)
        for (int o = 0; o < outChannels; o++)
        {
            T start = bias.IsEmpty ? T.Zero : bias[o];
            y.Slice(s.OutputIndex(b, o, 0, 0), s.OH * s.OW).Fill(start);
        }

        for (int b = 0; b < batch; b++)
        for (int c = 0; c < inChannels; c++)
        for (int ih = 0; ih < height; ih++)
        for (int iw = 0; iw < width; iw++)
        {
            T value = x[s.InputIndex(b, c, ih, iw)];
            for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < kernel; i++)
            {
                int r = ih * stride - padding + i;
                if ((uint)r >= (uint)s.OH) continue;
                for (int j = 0; j < kernel; j++)
                {
                    int q = iw * stride - padding + j;
                    if ((uint)q >= (uint)s.OW) continue;
                    y[s.OutputIndex(b, o, r, q)] += value * weight[s.WeightIndex(c, o, i, j)];
                }
            }
        }
    }

    /// <summary>Accumulates dx += ∂L/∂x, dWeight += ∂L/∂weight and dBias += ∂L/∂bias from dy; any of the three may be empty.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int outputPadding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = new Geometry(batch, inChannels, height, width, outChannels, kernel, stride, padding, outputPadding);
        s.Check(x.Length, weight.Length, dy.Length, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dWeight.Length, weight.Length, nameof(dWeight));
        KernelGuard.OptionalLength(dBias.Length, outChannels, nameof(dBias));
        if (!dBias.IsEmpty)
        {
            for (int b = 0; b < batch; b++)
            for (int o = 0; o < outChannels; o++)
            {
                foreach (T d in dy.Slice(s.OutputIndex(b, o, 0, 0), s.OH * s.OW)) dBias[o] += d;
            }
        }

        for (int b = 0; b < batch; b++)
        for (int c = 0; c < inChannels; c++)
        for (int ih = 0; ih < height; ih++)
        for (int iw = 0; iw < width; iw++)
        {
            int at = s.InputIndex(b, c, ih, iw);
            T sum = T.Zero;
            for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < kernel; i++)
            {
                int r = ih * stride - padding + i;
                if ((uint)r >= (uint)s.OH) continue;
                for (int j = 0; j < kernel; j++)
                {
                    int q = iw * stride - padding + j;
                    if ((uint)q >= (uint)s.OW) continue;
                    T d = dy[s.OutputIndex(b, o, r, q)];
                    int wi = s.WeightIndex(c, o, i, j);
                    sum += d * weight[wi];
                    if (!dWeight.IsEmpty) dWeight[wi] += d * x[at];
                }
            }

            if (!dx.IsEmpty) dx[at] += sum;
        }
    }

    /// <summary>Linear in x: ty = convT(tx, weight) without the bias. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<T> weight, Span<T> ty,
        int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding, int outputPadding)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Forward(tx, weight, default, ty, batch, inChannels, height, width, outChannels, kernel, stride, padding, outputPadding);

    private readonly record struct Geometry(int Batch, int InChannels, int H, int W, int OutChannels, int Kernel, int Stride, int Padding, int OutputPadding)
    {
        public int OH => (H - 1) * Stride - 2 * Padding + Kernel + OutputPadding;
        public int OW => (W - 1) * Stride - 2 * Padding + Kernel + OutputPadding;

        public int InputIndex(int b, int c, int row, int column) => ((b * InChannels + c) * H + row) * W + column;

        public int OutputIndex(int b, int o, int r, int q) => ((b * OutChannels + o) * OH + r) * OW + q;

        public int WeightIndex(int c, int o, int i, int j) => ((c * OutChannels + o) * Kernel + i) * Kernel + j;

        public void Check(int xLength, int weightLength, int yLength, string xName, string yName)
        {
            KernelGuard.Positive(Batch, "batch");
            KernelGuard.Positive(InChannels, "inChannels");
            KernelGuard.Positive(OutChannels, "outChannels");
            KernelGuard.Positive(H, "height");
            KernelGuard.Positive(W, "width");
            KernelGuard.Positive(Kernel, "kernel");
            KernelGuard.Positive(Stride, "stride");
            KernelGuard.NonNegative(Padding, "padding");
            KernelGuard.NonNegative(OutputPadding, "outputPadding");
            if (OutputPadding >= Stride)
                throw new ArgumentOutOfRangeException("outputPadding", OutputPadding, $"outputPadding must be smaller than the stride ({Stride}), as in PyTorch.");
            if (OH < 1 || OW < 1)
                throw new ArgumentException($"The output would be {OH}×{OW}: padding {Padding} removes more than the transposed convolution produces.", "padding");
            KernelGuard.Length(xLength, (long)Batch * InChannels * H * W, xName);
            KernelGuard.Length(weightLength, (long)InChannels * OutChannels * Kernel * Kernel, "weight");
            KernelGuard.Length(yLength, (long)Batch * OutChannels * OH * OW, yName);
        }
    }
}
