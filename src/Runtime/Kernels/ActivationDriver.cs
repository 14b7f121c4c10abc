using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// An element-wise activation y = f(x), written once over a vector width (the scalar form is the same code on
/// <see cref="ScalarSimd{T}"/>). <see cref="Derivative"/> gets both x and the recorded y, so each op uses
/// whichever is cheaper and more accurate (sigmoid: y(1 − y); GELU: from x).
/// </summary>
internal interface IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T>;

    TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T>;
}

/// <summary>
/// Runs an <see cref="IActivation{T}"/> over flat spans at the widest accelerated vector width, the remainder
/// with the scalar form: forward y = f(x); backward dx += f′·dy; tangent ty = f′·tx. Long spans are split
/// over the compute pool.
/// </summary>
internal static unsafe class ActivationDriver
{
    /// <summary>Elements per parallel piece; spans up to this long stay on the calling thread.</summary>
    private const int Piece = 1 << 16;

    /// <summary>Elements widened to double at a time on the stack.</summary>
    private const int Chunk = 256;

    public static void Forward<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        fixed (T* px = x)
        fixed (T* py = y)
        {
            var range = new ForwardRange<T, TOp>(op, px, py);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>output (+)= f′(x, y)·v: backward with <paramref name="accumulate"/> (v = dy), tangent without (v = tx).</summary>
    public static void Scale<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        ValidateScale(x.Length, y.Length, v.Length, output.Length, vName, outputName);
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pv = v)
        fixed (T* po = output)
        {
            var range = new ScaleRange<T, TOp>(op, px, py, pv, po, accumulate);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>
    /// Runs a double-precision op on any element type: chunks are widened to double on the stack, computed,
    /// and rounded back (GELU for float uses the double erf).
    /// </summary>
    public static void ForwardInDouble<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<double>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        fixed (T* px = x)
        fixed (T* py = y)
        {
            var range = new WidenedRange<T, TOp>(op, px, null, null, py, accumulate: false, forward: true);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>The double-precision form of <see cref="Scale{T, TOp}"/>.</summary>
    public static void ScaleInDouble<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<double>
    {
        ValidateScale(x.Length, y.Length, v.Length, output.Length, vName, outputName);
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pv = v)
        fixed (T* po = output)
        {
            var range = new WidenedRange<T, TOp>(op, px, py, pv, po, accumulate, forward: false);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    private static void ValidateScale(int x, int y, int v, int output, string vName, string outputName)
    {
        KernelGuard.Length(y, x, nameof(y));
        KernelGuard.Length(v, x, vName);
        KernelGuard.Length(output, x, outputName);
    }

    private readonly struct ForwardRange<T, TOp>(TOp op, T* x, T* y) : IRangeWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        public void Run(int start, int count)
        {
            T* from = x + start, to = y + start;
            int done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = Map<T, TOp, Vector512<T>, Simd512<T>>(op, from, to, count);
                else if (Vector256.IsHardwareAccelerated) done = Map<T, TOp, Vector256<T>, Simd256<T>>(op, from, to, count);
                else if (Vector128.IsHardwareAccelerated) done = Map<T, TOp, Vector128<T>, Simd128<T>>(op, from, to, count);
            }

            Map<T, TOp, T, ScalarSimd<T>>(op, from + done, to + done, count - done);
        }
    }

    private readonly struct ScaleRange<T, TOp>(TOp op, T* x, T* y, T* v, T* output, bool accumulate) : IRangeWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        public void Run(int start, int count)
        {
            T* px = x + start, py = y + start, pv = v + start, po = output + start;
            int done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = Scale<T, TOp, Vector512<T>, Simd512<T>>(op, px, py, pv, po, count, accumulate);
                else if (Vector256.IsHardwareAccelerated) done = Scale<T, TOp, Vector256<T>, Simd256<T>>(op, px, py, pv, po, count, accumulate);
                else if (Vector128.IsHardwareAccelerated) done = Scale<T, TOp, Vector128<T>, Simd128<T>>(op, px, py, pv, po, count, accumulate);
            }

            Scale<T, TOp, T, ScalarSimd<T>>(op, px + done, py + done, pv + done, po + done, count - done, accumulate);
        }
    }

    /// <summary>A double-precision op over another element type, a stack chunk at a time.</summary>
    private readonly struct WidenedRange<T, TOp>(TOp op, T* x, T* y, T* v, T* output, bool accumulate, bool forward) : IRangeWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<double>
    {
        public void Run(int start, int count)
        {
            double* dx = stackalloc double[Chunk];
            double* dy = stackalloc double[Chunk];
            double* dv = stackalloc double[Chunk];
            double* result = stackalloc double[Chunk];
            for (int i = start; i < start + count; i += Chunk)
            {
                int n = Math.Min(Chunk, start + count - i);
                TensorPrimitives.ConvertTruncating(new ReadOnlySpan<T>(x + i, n), new Span<double>(dx, n));
                if (forward)
                {
                    new ForwardRange<double, TOp>(op, dx, result).Run(0, n);
                }
                else
                {
                    TensorPrimitives.ConvertTruncating(new ReadOnlySpan<T>(y + i, n), new Span<double>(dy, n));
                    TensorPrimitives.ConvertTruncating(new ReadOnlySpan<T>(v + i, n), new Span<double>(dv, n));
                    if (accumulate) TensorPrimitives.ConvertTruncating(new ReadOnlySpan<T>(output + i, n), new Span<double>(result, n));
                    new ScaleRange<double, TOp>(op, dx, dy, dv, result, accumulate).Run(0, n);
                }

                TensorPrimitives.ConvertTruncating(new ReadOnlySpan<double>(result, n), new Span<T>(output + i, n));
            }
        }
    }

    /// <summary>Processes whole vectors and returns how many elements it did.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Map<T, TOp, TVec, TS>(TOp op, T* x, T* y, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, i = 0;
        for (; i <= n - w; i += w) TS.Store(op.Value<TVec, TS>(TS.Load(x + i)), y + i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Scale<T, TOp, TVec, TS>(TOp op, T* x, T* y, T* v, T* output, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, i = 0;
        if (accumulate)
        {
            for (; i <= n - w; i += w)
                TS.Store(TS.MultiplyAdd(op.Derivative<TVec, TS>(TS.Load(x + i), TS.Load(y + i)), TS.Load(v + i), TS.Load(output + i)), output + i);
        }
        else
        {
            // Adding +0 turns a product of -0 into +0: an overwriting backward stores what accumulating onto zeros gives.
            for (; i <= n - w; i += w)
                TS.Store(TS.MultiplyAdd(op.Derivative<TVec, TS>(TS.Load(x + i), TS.Load(y + i)), TS.Load(v + i), TS.Zero), output + i);
        }

        return i;
    }
}
