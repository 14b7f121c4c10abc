using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>Plain element-wise plumbing: residual adds, gradient accumulation and copies.</summary>
public static class ElementwiseKernel
{
    /// <summary>y = a + b. Overwrites y (which may be a or b itself).</summary>
    public static void Add<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.Length(y.Length, a.Length, nameof(y));
        TensorPrimitives.Add(a, b, y);
    }

    /// <summary>
    /// destination += source: destination + source element by element, TensorPrimitives.Add(destination, source,
    /// destination)'s values, compiled fully optimized on first use. Generated backward passes accumulate gradients
    /// with it and the path engine sums its integrals with it on every step, from a process's first image on, where
    /// TensorPrimitives' loops still run as tier-0 code (see <see cref="PathStreams{T}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Accumulate<T>(ReadOnlySpan<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(destination.Length, source.Length, nameof(destination));
        int n = source.Length;
        nuint i = 0;
        ref T rs = ref MemoryMarshal.GetReference(source), rd = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            for (; (int)i <= n - Vector512<T>.Count; i += (nuint)Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref rd, i) + Vector512.LoadUnsafe(ref rs, i)).StoreUnsafe(ref rd, i);
        }
        else if (Vector256.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            for (; (int)i <= n - Vector256<T>.Count; i += (nuint)Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref rd, i) + Vector256.LoadUnsafe(ref rs, i)).StoreUnsafe(ref rd, i);
        }

        for (int j = (int)i; j < n; j++) destination[j] += source[j];
    }

    /// <summary>destination = source.</summary>
    public static void Copy<T>(ReadOnlySpan<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(destination.Length, source.Length, nameof(destination));
        source.CopyTo(destination);
    }
}

/// <summary>Concatenation along the per-sample vector: part b lands at y[b·totalSize + offset ..].</summary>
public static class ConcatKernel
{
    /// <summary>y[b, offset .. offset + partSize) = part[b, :]; the rest of y is left as it is.</summary>
    public static void Forward<T>(ReadOnlySpan<T> part, Span<T> y, int batch, int partSize, int offset, int totalSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(part.Length, y.Length, batch, partSize, offset, totalSize, nameof(part), nameof(y));
        for (int b = 0; b < batch; b++) part.Slice(b * partSize, partSize).CopyTo(y.Slice(b * totalSize + offset, partSize));
    }

    /// <summary>dPart[b, :] += dy[b, offset .. offset + partSize).</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dPart, int batch, int partSize, int offset, int totalSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(dPart.Length, dy.Length, batch, partSize, offset, totalSize, nameof(dPart), nameof(dy));
        for (int b = 0; b < batch; b++)
        {
            Span<T> target = dPart.Slice(b * partSize, partSize);
            TensorPrimitives.Add(target, dy.Slice(b * totalSize + offset, partSize), target);
        }
    }

    private static void Validate(int partLength, int wholeLength, int batch, int partSize, int offset, int totalSize, string partName, string wholeName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(partSize, nameof(partSize));
        KernelGuard.NonNegative(offset, nameof(offset));
        if ((long)offset + partSize > totalSize)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The part [{offset}, {offset + partSize}) does not fit in a sample of {totalSize}.");
        KernelGuard.Length(partLength, (long)batch * partSize, partName);
        KernelGuard.Length(wholeLength, (long)batch * totalSize, wholeName);
    }
}
