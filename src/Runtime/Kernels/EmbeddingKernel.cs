namespace Axon.Kernels;

/// <summary>
/// Embedding lookup: per sample, ids [L] (stored as T) select rows of table [count, dim]; y per sample is
/// [dim, L] (channels first, ready for Conv1d). The ids receive no gradient.
/// </summary>
public static class EmbeddingKernel
{
    /// <summary>
    /// y[b, d, l] = table[ids[b, l], d]. Every id is checked first — an integer in [0, count) — and nothing is
    /// written when one is not.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> ids, ReadOnlySpan<T> table, Span<T> y, int batch, int length, int count, int dim)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(ids, table.Length, y.Length, batch, length, count, dim, nameof(table), nameof(y));
        for (int b = 0; b < batch; b++)
        {
            Span<T> sample = y.Slice(b * dim * length, dim * length);
            for (int l = 0; l < length; l++)
            {
                ReadOnlySpan<T> row = table.Slice(int.CreateTruncating(ids[b * length + l]) * dim, dim);
                for (int d = 0; d < dim; d++) sample[d * length + l] = row[d];
            }
        }
    }

    /// <summary>dTable[ids[b, l], d] += dy[b, d, l].</summary>
    public static void Backward<T>(ReadOnlySpan<T> ids, ReadOnlySpan<T> dy, Span<T> dTable, int batch, int length, int count, int dim)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(ids, dTable.Length, dy.Length, batch, length, count, dim, nameof(dTable), nameof(dy));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> sample = dy.Slice(b * dim * length, dim * length);
            for (int l = 0; l < length; l++)
            {
                Span<T> row = dTable.Slice(int.CreateTruncating(ids[b * length + l]) * dim, dim);
                for (int d = 0; d < dim; d++) row[d] += sample[d * length + l];
            }
        }
    }

    private static void Validate<T>(ReadOnlySpan<T> ids, int tableLength, int outputLength, int batch, int length, int count, int dim, string tableName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(length, nameof(length));
        KernelGuard.Positive(count, nameof(count));
        KernelGuard.Positive(dim, nameof(dim));
        KernelGuard.Length(ids.Length, (long)batch * length, nameof(ids));
        KernelGuard.Length(tableLength, (long)count * dim, tableName);
        KernelGuard.Length(outputLength, (long)batch * dim * length, outputName);
        T limit = T.CreateTruncating(count);
        for (int i = 0; i < ids.Length; i++)
        {
            T id = ids[i];
            if (!T.IsInteger(id) || id < T.Zero || id >= limit)
            {
                throw new ArgumentException(
                    $"ids: sample {i / length}, position {i % length} holds {id}; an id must be an integer in [0, {count}).", nameof(ids));
            }
        }
    }
}
