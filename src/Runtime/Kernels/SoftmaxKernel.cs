using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>Softmax over each sample's whole vector, max-subtracted.</summary>
public static class SoftmaxKernel
{
    /// <summary>y = exp(x − max) / Σ exp(x − max). Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxShape.Validate(x.Length, y.Length, batch, size, nameof(x), nameof(y));
        for (int b = 0; b < batch; b++)
        {
            Span<T> row = y.Slice(b * size, size);
            SoftmaxShape.ShiftedExp(x.Slice(b * size, size), row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    /// <summary>dx += y ⊙ (dy − Σ y·dy).</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T> =>
        Jacobian(y, dy, dx, batch, size, accumulate: true, nameof(dy), nameof(dx));

    /// <summary>ty = y ⊙ (tx − Σ y·tx). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T> =>
        Jacobian(y, tx, ty, batch, size, accumulate: false, nameof(tx), nameof(ty));

    // The softmax Jacobian diag(y) − y·yᵀ is symmetric, so backward and tangent are the same product.
    private static void Jacobian<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, int batch, int size, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxShape.Validate(y.Length, v.Length, batch, size, nameof(y), vName);
        KernelGuard.Length(output.Length, y.Length, outputName);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> yr = y.Slice(b * size, size), vr = v.Slice(b * size, size);
            Span<T> o = output.Slice(b * size, size);
            T dot = TensorPrimitives.Dot(yr, vr);
            for (int i = 0; i < size; i++)
            {
                T g = yr[i] * (vr[i] - dot);
                o[i] = accumulate ? o[i] + g : g;
            }
        }
    }
}

/// <summary>Log-softmax over each sample's whole vector: y = x − max − log Σ exp(x − max).</summary>
public static class LogSoftmaxKernel
{
    /// <summary>Overwrites y, which must not overlap x.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxShape.Validate(x.Length, y.Length, batch, size, nameof(x), nameof(y));
        KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> xr = x.Slice(b * size, size);
            Span<T> row = y.Slice(b * size, size);
            T max = SoftmaxShape.ShiftedExp(xr, row);
            T shift = max + T.Log(TensorPrimitives.Sum(row));
            TensorPrimitives.Subtract(xr, shift, row);
        }
    }

    /// <summary>dx += dy − softmax ⊙ Σ dy, with softmax = exp(y).</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxShape.Validate(y.Length, dy.Length, batch, size, nameof(y), nameof(dy));
        KernelGuard.Length(dx.Length, y.Length, nameof(dx));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> yr = y.Slice(b * size, size), g = dy.Slice(b * size, size);
            Span<T> o = dx.Slice(b * size, size);
            T sum = TensorPrimitives.Sum(g);
            for (int i = 0; i < size; i++) o[i] += g[i] - T.Exp(yr[i]) * sum;
        }
    }

    /// <summary>ty = tx − Σ softmax ⊙ tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty, int batch, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        SoftmaxShape.Validate(y.Length, tx.Length, batch, size, nameof(y), nameof(tx));
        KernelGuard.Length(ty.Length, y.Length, nameof(ty));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> yr = y.Slice(b * size, size), t = tx.Slice(b * size, size);
            T dot = T.Zero;
            for (int i = 0; i < size; i++) dot += T.Exp(yr[i]) * t[i];
            TensorPrimitives.Subtract(t, dot, ty.Slice(b * size, size));
        }
    }
}

/// <summary>Shared checks and the max-shifted exponential of the two softmax kernels.</summary>
internal static class SoftmaxShape
{
    public static void Validate(int firstLength, int secondLength, int batch, int size, string firstName, string secondName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(size, nameof(size));
        KernelGuard.Length(firstLength, (long)batch * size, firstName);
        KernelGuard.Length(secondLength, (long)batch * size, secondName);
    }

    /// <summary>row = exp(x − max x); returns the max.</summary>
    public static T ShiftedExp<T>(ReadOnlySpan<T> x, Span<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, row);
        TensorPrimitives.Exp(row, row);
        return max;
    }
}
