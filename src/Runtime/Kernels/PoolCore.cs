using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// A pooling window over [C, H, W] samples: KH×KW, strides SH/SW, no padding. Max-over-time and global
/// average pooling are the windows that cover a whole row.
/// </summary>
internal readonly record struct PoolShape(int Batch, int C, int H, int W, int KH, int KW, int SH, int SW)
{
    public int OH => (H - KH) / SH + 1;
    public int OW => (W - KW) / SW + 1;
    public int InputSize => C * H * W;
    public int OutputSize => C * OH * OW;

    public void Validate()
    {
        KernelGuard.Positive(Batch, "batch");
        KernelGuard.Positive(C, "channels");
        KernelGuard.Positive(H, "height");
        KernelGuard.Positive(W, "width");
        KernelGuard.Window(H, KH, SH, 0, "height");
        KernelGuard.Window(W, KW, SW, 0, "width");
    }

    public void ValidateInput(int length, string name) => KernelGuard.Length(length, (long)Batch * InputSize, name);

    public void ValidateOutput(int length, string name) => KernelGuard.Length(length, (long)Batch * OutputSize, name);
}

/// <summary>Max and average pooling over <see cref="PoolShape"/> windows, with their adjoints.</summary>
internal static class PoolCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>y = window max; argmax = index of the first maximum inside the sample's input (NaN wins).</summary>
    public static void MaxForward(in PoolShape s, ReadOnlySpan<T> x, Span<T> y, Span<int> argmax)
    {
        s.Validate();
        s.ValidateInput(x.Length, nameof(x));
        s.ValidateOutput(y.Length, nameof(y));
        KernelGuard.Length(argmax.Length, (long)s.Batch * s.OutputSize, nameof(argmax));
        int o = 0;
        for (int b = 0; b < s.Batch; b++)
        {
            ReadOnlySpan<T> sample = x.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < s.C; c++)
            {
                int plane = c * s.H * s.W;
                for (int oh = 0; oh < s.OH; oh++)
                {
                    for (int ow = 0; ow < s.OW; ow++, o++)
                    {
                        int start = plane + oh * s.SH * s.W + ow * s.SW;
                        int best = start;
                        T max = sample[start];
                        for (int i = 0; i < s.KH; i++)
                        {
                            ReadOnlySpan<T> row = sample.Slice(start + i * s.W, s.KW);
                            for (int j = 0; j < row.Length; j++)
                            {
                                T v = row[j];
                                if (v > max || (T.IsNaN(v) && !T.IsNaN(max)))
                                {
                                    max = v;
                                    best = start + i * s.W + j;
                                }
                            }
                        }

                        y[o] = max;
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    /// <summary>dx[argmax] += dy (backward) for every output.</summary>
    public static void MaxBackward(in PoolShape s, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx)
    {
        s.Validate();
        s.ValidateOutput(dy.Length, nameof(dy));
        KernelGuard.Length(argmax.Length, dy.Length, nameof(argmax));
        s.ValidateInput(dx.Length, nameof(dx));
        int inSize = s.InputSize, outSize = s.OutputSize;
        for (int b = 0; b < s.Batch; b++)
        {
            Span<T> sample = dx.Slice(b * inSize, inSize);
            for (int o = b * outSize; o < (b + 1) * outSize; o++) sample[Winner(argmax, o, inSize)] += dy[o];
        }
    }

    /// <summary>ty = tx[argmax]: the max is locally the selected element.</summary>
    public static void MaxTangent(in PoolShape s, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty)
    {
        s.Validate();
        s.ValidateInput(tx.Length, nameof(tx));
        s.ValidateOutput(ty.Length, nameof(ty));
        KernelGuard.Length(argmax.Length, ty.Length, nameof(argmax));
        int inSize = s.InputSize, outSize = s.OutputSize;
        for (int b = 0; b < s.Batch; b++)
        {
            ReadOnlySpan<T> sample = tx.Slice(b * inSize, inSize);
            for (int o = b * outSize; o < (b + 1) * outSize; o++) ty[o] = sample[Winner(argmax, o, inSize)];
        }
    }

    private static int Winner(ReadOnlySpan<int> argmax, int o, int inSize)
    {
        int index = argmax[o];
        if ((uint)index >= (uint)inSize)
            throw new ArgumentException($"argmax[{o}] = {index} is outside the sample's input (size {inSize}); pass the arg-max that Forward recorded.", nameof(argmax));
        return index;
    }

    /// <summary>y = window mean. Linear, so it is also the tangent.</summary>
    public static void AverageForward(in PoolShape s, ReadOnlySpan<T> x, Span<T> y, string xName, string yName)
    {
        s.Validate();
        s.ValidateInput(x.Length, xName);
        s.ValidateOutput(y.Length, yName);
        T scale = T.One / T.CreateTruncating(s.KH * s.KW);
        int o = 0;
        for (int b = 0; b < s.Batch; b++)
        {
            ReadOnlySpan<T> sample = x.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < s.C; c++)
            {
                for (int oh = 0; oh < s.OH; oh++)
                {
                    for (int ow = 0; ow < s.OW; ow++, o++)
                    {
                        int start = c * s.H * s.W + oh * s.SH * s.W + ow * s.SW;
                        T sum = T.Zero;
                        for (int i = 0; i < s.KH; i++) sum += RowSum(sample.Slice(start + i * s.W, s.KW));
                        y[o] = sum * scale;
                    }
                }
            }
        }
    }

    /// <summary>dx += dy / (KH·KW) over each window.</summary>
    public static void AverageBackward(in PoolShape s, ReadOnlySpan<T> dy, Span<T> dx)
    {
        s.Validate();
        s.ValidateOutput(dy.Length, nameof(dy));
        s.ValidateInput(dx.Length, nameof(dx));
        T scale = T.One / T.CreateTruncating(s.KH * s.KW);
        int o = 0;
        for (int b = 0; b < s.Batch; b++)
        {
            Span<T> sample = dx.Slice(b * s.InputSize, s.InputSize);
            for (int c = 0; c < s.C; c++)
            {
                for (int oh = 0; oh < s.OH; oh++)
                {
                    for (int ow = 0; ow < s.OW; ow++, o++)
                    {
                        int start = c * s.H * s.W + oh * s.SH * s.W + ow * s.SW;
                        T g = dy[o] * scale;
                        for (int i = 0; i < s.KH; i++) AddToRow(sample.Slice(start + i * s.W, s.KW), g);
                    }
                }
            }
        }
    }

    private static T RowSum(ReadOnlySpan<T> row)
    {
        if (row.Length >= 16) return TensorPrimitives.Sum(row);
        T sum = T.Zero;
        foreach (T v in row) sum += v;
        return sum;
    }

    private static void AddToRow(Span<T> row, T value)
    {
        if (row.Length >= 16)
        {
            TensorPrimitives.Add(row, value, row);
            return;
        }

        for (int j = 0; j < row.Length; j++) row[j] += value;
    }
}
