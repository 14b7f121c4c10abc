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
/// with the scalar form: forward y = f(x); backward dx += f′·dy; tangent ty = f′·tx.
/// </summary>
internal static unsafe class ActivationDriver
{
    public static void Forward<T, TOp>(TOp op, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        fixed (T* px = x)
        fixed (T* py = y)
        {
            int done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = Map<T, TOp, Vector512<T>, Simd512<T>>(op, px, py, x.Length);
                else if (Vector256.IsHardwareAccelerated) done = Map<T, TOp, Vector256<T>, Simd256<T>>(op, px, py, x.Length);
                else if (Vector128.IsHardwareAccelerated) done = Map<T, TOp, Vector128<T>, Simd128<T>>(op, px, py, x.Length);
            }

            Map<T, TOp, T, ScalarSimd<T>>(op, px + done, py + done, x.Length - done);
        }
    }

    /// <summary>output (+)= f′(x, y)·v: backward with <paramref name="accumulate"/> (v = dy), tangent without (v = tx).</summary>
    public static void Scale<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(v.Length, x.Length, vName);
        KernelGuard.Length(output.Length, x.Length, outputName);
        fixed (T* px = x)
        fixed (T* py = y)
        fixed (T* pv = v)
        fixed (T* po = output)
        {
            int n = x.Length, done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = Scale<T, TOp, Vector512<T>, Simd512<T>>(op, px, py, pv, po, n, accumulate);
                else if (Vector256.IsHardwareAccelerated) done = Scale<T, TOp, Vector256<T>, Simd256<T>>(op, px, py, pv, po, n, accumulate);
                else if (Vector128.IsHardwareAccelerated) done = Scale<T, TOp, Vector128<T>, Simd128<T>>(op, px, py, pv, po, n, accumulate);
            }

            Scale<T, TOp, T, ScalarSimd<T>>(op, px + done, py + done, pv + done, po + done, n - done, accumulate);
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
            for (; i <= n - w; i += w)
                TS.Store(TS.Multiply(op.Derivative<TVec, TS>(TS.Load(x + i), TS.Load(y + i)), TS.Load(v + i)), output + i);
        }

        return i;
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
        Span<double> dx = stackalloc double[Chunk];
        Span<double> dy = stackalloc double[Chunk];
        for (int i = 0; i < x.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, x.Length - i);
            TensorPrimitives.ConvertTruncating(x.Slice(i, len), dx[..len]);
            Forward(op, dx[..len], dy[..len]);
            TensorPrimitives.ConvertTruncating<double, T>(dy[..len], y.Slice(i, len));
        }
    }

    /// <summary>The double-precision form of <see cref="Scale{T, TOp}(TOp, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, bool, string, string)"/>.</summary>
    public static void ScaleInDouble<T, TOp>(TOp op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IActivation<double>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(v.Length, x.Length, vName);
        KernelGuard.Length(output.Length, x.Length, outputName);
        Span<double> dx = stackalloc double[Chunk];
        Span<double> dyv = stackalloc double[Chunk];
        Span<double> dv = stackalloc double[Chunk];
        Span<double> dout = stackalloc double[Chunk];
        for (int i = 0; i < x.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, x.Length - i);
            TensorPrimitives.ConvertTruncating(x.Slice(i, len), dx[..len]);
            TensorPrimitives.ConvertTruncating(y.Slice(i, len), dyv[..len]);
            TensorPrimitives.ConvertTruncating(v.Slice(i, len), dv[..len]);
            if (accumulate) TensorPrimitives.ConvertTruncating(output.Slice(i, len), dout[..len]);
            Scale(op, dx[..len], dyv[..len], dv[..len], dout[..len], accumulate, vName, outputName);
            TensorPrimitives.ConvertTruncating<double, T>(dout[..len], output.Slice(i, len));
        }
    }

    private const int Chunk = 256;
}
