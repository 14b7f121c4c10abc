namespace Axon.Kernels;

/// <summary>x·σ(x); derivative σ(x)·(1 + x·(1 − σ(x))), taken from x.</summary>
internal readonly struct SiluOp<T> : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Multiply(x, default(SigmoidOp<T>).Value<TVec, TS>(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T>
    {
        TVec one = TS.Create(T.One);
        TVec s = default(SigmoidOp<T>).Value<TVec, TS>(x);
        return TS.Multiply(s, TS.MultiplyAdd(x, TS.Subtract(one, s), one));
    }
}

/// <summary>SiLU (swish) x·σ(x) over a flat span (PyTorch <c>nn.SiLU</c>).</summary>
public static class SiluKernel
{
    /// <summary>y = x·σ(x). Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(default(SiluOp<T>), x, y);

    /// <summary>dx += σ(x)(1 + x(1 − σ(x)))·dy; the derivative is taken from x.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SiluOp<T>), x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = σ(x)(1 + x(1 − σ(x)))·tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SiluOp<T>), x, y, tx, ty, false, nameof(tx), nameof(ty));
}
