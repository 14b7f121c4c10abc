using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// The multiply-add streams of the path engine's step loop — each step's points start + α·change and the conductance
/// products — compiled fully optimized on first use (the per-path integral's sums go through
/// <see cref="ElementwiseKernel.Accumulate{T}"/>, compiled the same way). The same operations as TensorPrimitives'
/// FusedMultiplyAdd, element by element (one fused multiply-add each, so the same bits), but TensorPrimitives' loops
/// start as tier-0 code with every vector operation a call, and a process spends its first few thousand images of the
/// test set with them there: these methods skip tiering (<see cref="MethodImplOptions.AggressiveOptimization"/>), as
/// the kernels do.
/// </summary>
internal static class PathStreams<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>destination = x·scale + addend, one fused multiply-add per element (<paramref name="destination"/> may be <paramref name="addend"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<T> x, T scale, ReadOnlySpan<T> addend, Span<T> destination)
    {
        KernelGuard.Length(addend.Length, x.Length, nameof(addend));
        KernelGuard.Length(destination.Length, x.Length, nameof(destination));
        int n = x.Length;
        nuint i = 0;
        ref T rx = ref MemoryMarshal.GetReference(x), ra = ref MemoryMarshal.GetReference(addend), rd = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            var s = Vector512.Create(scale);
            for (; (int)i <= n - Vector512<T>.Count; i += (nuint)Vector512<T>.Count)
                Simd512<T>.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, i), s, Vector512.LoadUnsafe(ref ra, i)).StoreUnsafe(ref rd, i);
        }
        else if (Vector256.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            var s = Vector256.Create(scale);
            for (; (int)i <= n - Vector256<T>.Count; i += (nuint)Vector256<T>.Count)
                Simd256<T>.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, i), s, Vector256.LoadUnsafe(ref ra, i)).StoreUnsafe(ref rd, i);
        }

        for (int j = (int)i; j < n; j++) destination[j] = T.FusedMultiplyAdd(x[j], scale, addend[j]);
    }

    /// <summary>accumulator = x·y + accumulator, one fused multiply-add per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> accumulator)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(accumulator.Length, x.Length, nameof(accumulator));
        int n = x.Length;
        nuint i = 0;
        ref T rx = ref MemoryMarshal.GetReference(x), ry = ref MemoryMarshal.GetReference(y), racc = ref MemoryMarshal.GetReference(accumulator);
        if (Vector512.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            for (; (int)i <= n - Vector512<T>.Count; i += (nuint)Vector512<T>.Count)
                Simd512<T>.FusedMultiplyAdd(Vector512.LoadUnsafe(ref rx, i), Vector512.LoadUnsafe(ref ry, i), Vector512.LoadUnsafe(ref racc, i)).StoreUnsafe(ref racc, i);
        }
        else if (Vector256.IsHardwareAccelerated && Simd.IsVectorizable<T>())
        {
            for (; (int)i <= n - Vector256<T>.Count; i += (nuint)Vector256<T>.Count)
                Simd256<T>.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rx, i), Vector256.LoadUnsafe(ref ry, i), Vector256.LoadUnsafe(ref racc, i)).StoreUnsafe(ref racc, i);
        }

        for (int j = (int)i; j < n; j++) accumulator[j] = T.FusedMultiplyAdd(x[j], y[j], accumulator[j]);
    }
}
