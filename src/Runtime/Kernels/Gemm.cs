namespace Axon.Kernels;

/// <summary>General matrix product on row-major dense matrices.</summary>
public static class Gemm
{
    /// <summary>
    /// C[m×n] = (accumulate ? C : 0) + op(A)·op(B). op(A) is m×k: A is stored m×k, or k×m when
    /// <paramref name="transA"/>. op(B) is k×n: B is stored k×n, or n×k when <paramref name="transB"/>.
    /// Large products use all cores; the result does not depend on how many.
    /// </summary>
    public static unsafe void Multiply<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.NonNegative(m, nameof(m));
        KernelGuard.NonNegative(n, nameof(n));
        KernelGuard.NonNegative(k, nameof(k));
        KernelGuard.Length(a.Length, (long)m * k, nameof(a));
        KernelGuard.Length(b.Length, (long)k * n, nameof(b));
        KernelGuard.Length(c.Length, (long)m * n, nameof(c));
        KernelGuard.NoOverlap(a, c, nameof(a), nameof(c));
        KernelGuard.NoOverlap(b, c, nameof(b), nameof(c));
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            GemmCore<T>.Multiply(transA, transB, m, n, k, pa, pb, pc, n, accumulate, parallel: true);
        }
    }
}
