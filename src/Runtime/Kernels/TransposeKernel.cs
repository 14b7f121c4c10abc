namespace Axon.Kernels;

/// <summary>
/// <c>x.Transpose()</c> of a Forward definition: each sample's [rows, columns] matrix becomes [columns, rows]
/// (PyTorch <c>x.transpose(1, 2)</c> of a batch). It turns the embedding's channels-first [dim, L] into the [L, dim]
/// that attention and per-position layers read, and back. Linear, so the forward is also the tangent.
/// </summary>
public static class TransposeKernel
{
    /// <summary>y[b, c, r] = x[b, r, c]. Overwrites y, which must not overlap x. Also the tangent.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, y.Length, batch, rows, columns, nameof(x), nameof(y));
        int size = rows * columns;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> source = x.Slice(b * size, size);
            Span<T> target = y.Slice(b * size, size);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) target[c * rows + r] = source[r * columns + c];
            }
        }
    }

    /// <summary>dx[b, r, c] += dy[b, c, r]: the gradient of <see cref="Forward{T}"/> with respect to x (its transpose).</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(dx.Length, dy.Length, batch, rows, columns, nameof(dx), nameof(dy));
        int size = rows * columns;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> source = dy.Slice(b * size, size);
            Span<T> target = dx.Slice(b * size, size);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) target[r * columns + c] += source[c * rows + r];
            }
        }
    }

    private static void Validate(int inputLength, int outputLength, int batch, int rows, int columns, string inputName, string outputName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(rows, nameof(rows));
        KernelGuard.Positive(columns, nameof(columns));
        KernelGuard.Length(inputLength, (long)batch * rows * columns, inputName);
        KernelGuard.Length(outputLength, (long)batch * rows * columns, outputName);
    }
}
