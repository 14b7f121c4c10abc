using System.Runtime.Intrinsics;
using Mode = Axon.Kernels.ScalarActivationKernel.Mode;

namespace Axon.Kernels;

/// <summary>
/// Runs an <see cref="IVectorActivation{T}"/> over flat spans: whole vectors of the widest accelerated width through
/// its vector form, the remainder (fewer than one vector) through its scalar form; long spans in pieces over the
/// compute pool. The arithmetic per element is the scalar kernel's (<see cref="ScalarActivationKernel"/>): forward
/// y = f(x); backward dx += f′(x)·dy as a multiply then an add; tangent ty = f′(x)·tx. Forward may run in place.
/// </summary>
public static unsafe class VectorActivationKernel
{
    /// <summary>Elements per parallel piece: a vector activation costs a few cycles per element.</summary>
    private const int Piece = 1 << 15;

    /// <summary>y = f(x). Overwrites y.</summary>
    public static void Forward<T, TOp>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IVectorActivation<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        fixed (T* px = x) fixed (T* py = y)
        {
            var range = new Range<T, TOp>(px, null, py, Mode.Forward);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>dx += f′(x)·dy.</summary>
    public static void Backward<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IVectorActivation<T>
    {
        KernelGuard.Length(dy.Length, x.Length, nameof(dy));
        KernelGuard.Length(dx.Length, x.Length, nameof(dx));
        fixed (T* px = x) fixed (T* pdy = dy) fixed (T* pdx = dx)
        {
            var range = new Range<T, TOp>(px, pdy, pdx, Mode.Backward);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>ty = f′(x)·tx. Overwrites ty.</summary>
    public static void Tangent<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> tx, Span<T> ty)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IVectorActivation<T>
    {
        KernelGuard.Length(tx.Length, x.Length, nameof(tx));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        fixed (T* px = x) fixed (T* ptx = tx) fixed (T* pty = ty)
        {
            var range = new Range<T, TOp>(px, ptx, pty, Mode.Tangent);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    private readonly struct Range<T, TOp>(T* x, T* v, T* output, Mode mode) : IRangeWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IVectorActivation<T>
    {
        public void Run(int start, int count)
        {
            T* px = x + start, pv = v + start, po = output + start;
            int done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = Vectors<Vector512<T>, Simd512<T>>(px, pv, po, count);
                else if (Vector256.IsHardwareAccelerated) done = Vectors<Vector256<T>, Simd256<T>>(px, pv, po, count);
                else if (Vector128.IsHardwareAccelerated) done = Vectors<Vector128<T>, Simd128<T>>(px, pv, po, count);
            }

            ScalarActivationKernel.Elements<T, TOp>(mode, px, pv, po, done, count); // the tail, through the scalar form
        }

        /// <summary>Processes whole vectors and returns how many elements it did.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Vectors<TVec, TS>(T* px, T* pv, T* po, int n)
            where TVec : struct
            where TS : ISimd<TVec, T>
        {
            TOp op = default;
            int w = TS.Count, i = 0;
            switch (mode)
            {
                case Mode.Forward:
                    for (; i <= n - w; i += w) TS.Store(op.Value<TVec, VectorMath<TVec, TS, T>>(TS.Load(px + i)), po + i);
                    break;
                case Mode.Backward:
                    for (; i <= n - w; i += w) TS.Store(TS.Add(TS.Load(po + i), TS.Multiply(op.Derivative<TVec, VectorMath<TVec, TS, T>>(TS.Load(px + i)), TS.Load(pv + i))), po + i);
                    break;
                default:
                    for (; i <= n - w; i += w) TS.Store(TS.Multiply(op.Derivative<TVec, VectorMath<TVec, TS, T>>(TS.Load(px + i)), TS.Load(pv + i)), po + i);
                    break;
            }

            return i;
        }
    }
}
