using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>Position tables added to every sample of [sequence, width]: a learned one, or the sinusoidal encoding.</summary>
public static class PositionalKernel
{
    /// <summary>y = x + table for each sample (size = sequence × width). Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> table, Span<T> y, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, y.Length, batch, size, nameof(y));
        KernelGuard.Length(table.Length, size, nameof(table));
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(x.Slice(b * size, size), table, y.Slice(b * size, size));
    }

    /// <summary>dTable += Σ over the batch of dy (the input's gradient is dy itself, added by the caller).</summary>
    public static void TableGradient<T>(ReadOnlySpan<T> dy, Span<T> dTable, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(dy.Length, dy.Length, batch, size, nameof(dy));
        KernelGuard.Length(dTable.Length, size, nameof(dTable));
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(dTable, dy.Slice(b * size, size), dTable);
    }

    /// <summary>y = x + the sinusoidal encoding of [sequence, width] (computed in double, rounded to T). Overwrites y.</summary>
    public static void Sinusoidal<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int sequence, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Positive(sequence, nameof(sequence));
        KernelGuard.Positive(width, nameof(width));
        int size = sequence * width;
        Validate(x.Length, y.Length, batch, size, nameof(y));
        for (int p = 0; p < sequence; p++)
        {
            for (int j = 0; j < width; j++)
            {
                T value = T.CreateTruncating(Encoding(p, j, width));
                for (int b = 0; b < batch; b++) y[b * size + p * width + j] = x[b * size + p * width + j] + value;
            }
        }
    }

    /// <summary>sin(p / 10000^(2i/width)) at j = 2i, cos at j = 2i + 1.</summary>
    public static double Encoding(int position, int column, int width)
    {
        double angle = position / Math.Pow(10000, (column & ~1) / (double)width);
        return (column & 1) == 0 ? Math.Sin(angle) : Math.Cos(angle);
    }

    private static void Validate(int inputLength, int outputLength, int batch, int size, string outputName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(size, nameof(size));
        KernelGuard.Length(inputLength, (long)batch * size, "x");
        KernelGuard.Length(outputLength, (long)batch * size, outputName);
    }
}
