namespace Axon.Kernels;

/// <summary>max(x, 0); derivative 1 for x &gt; 0, else 0 (0 at x = 0, as PyTorch).</summary>
internal readonly struct ReluOp<T> : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T> => TS.Max(x, TS.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Select(TS.GreaterThan(x, TS.Zero), TS.Create(T.One), TS.Zero);
}

/// <summary>x for x &gt; 0, else slope·x; derivative 1 or slope (slope at x = 0, as PyTorch).</summary>
internal readonly struct LeakyReluOp<T>(T slope) : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Select(TS.GreaterThan(x, TS.Zero), x, TS.Multiply(x, TS.Create(slope)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Select(TS.GreaterThan(x, TS.Zero), TS.Create(T.One), TS.Create(slope));
}

/// <summary>1/(1 + e^{−x}); derivative y(1 − y).</summary>
internal readonly struct SigmoidOp<T> : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T>
    {
        TVec one = TS.Create(T.One);
        return TS.Divide(one, TS.Add(one, TS.Exp(TS.Negate(x))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Multiply(y, TS.Subtract(TS.Create(T.One), y));
}

/// <summary>tanh x; derivative 1 − y².</summary>
internal readonly struct TanhOp<T> : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T> => SpecialFunctions.Tanh<TVec, TS, T>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.MultiplyAdd(TS.Negate(y), y, TS.Create(T.One));
}

/// <summary>log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}), stable for any |x|; derivative sigmoid(x).</summary>
internal readonly struct SoftplusOp<T> : IActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, T> =>
        TS.Add(TS.Max(x, TS.Zero), SpecialFunctions.Log1P<TVec, TS, T>(TS.Exp(TS.Negate(TS.Abs(x)))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        default(SigmoidOp<T>).Value<TVec, TS>(x);
}

/// <summary>Exact GELU x·Φ(x), in double; derivative Φ(x) + x·φ(x).</summary>
internal readonly struct GeluOp : IActivation<double>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Value<TVec, TS>(TVec x) where TVec : struct where TS : ISimd<TVec, double> =>
        TS.Multiply(x, SpecialFunctions.NormalCdf<TVec, TS>(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Derivative<TVec, TS>(TVec x, TVec y) where TVec : struct where TS : ISimd<TVec, double> => GeluForm.Derivative<TVec, TS>(x, SpecialFunctions.ErfcTerms);
}

/// <summary>ReLU over a flat span (n = batch·size).</summary>
public static class ReluKernel
{
    /// <summary>y = max(x, 0). Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(default(ReluOp<T>), x, y);

    /// <summary>dx += (x &gt; 0)·dy.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(ReluOp<T>), x, Unread(x, y), dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>dx += (x &gt; 0)·dy, or dx = (x &gt; 0)·dy with <see cref="GradientMode.Overwrite"/>.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, GradientMode mode) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(ReluOp<T>), x, Unread(x, y), dy, dx, GradientModes.Accumulates(mode, nameof(mode)), nameof(dy), nameof(dx));

    /// <summary>ty = (x &gt; 0)·tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(ReluOp<T>), x, Unread(x, y), tx, ty, false, nameof(tx), nameof(ty));

    /// <summary>
    /// ReLU's derivative reads x alone, but the driver loads y beside it: x goes in y's place, so the loop streams one
    /// map fewer (y's length is still checked). relu2's tangent in FashionCnn (16 × 14 × 14, 20 rows, one thread): 0.24
    /// against 0.34 µs per sample.
    /// </summary>
    private static ReadOnlySpan<T> Unread<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        return x;
    }
}

/// <summary>Leaky ReLU with a negative-side <c>slope</c> over a flat span.</summary>
public static class LeakyReluKernel
{
    /// <summary>y = x for x &gt; 0, else slope·x. Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, T slope) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(new LeakyReluOp<T>(slope), x, y);

    /// <summary>dx += (x &gt; 0 ? 1 : slope)·dy (slope at x = 0, as PyTorch); the derivative is taken from x, not y.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, T slope) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(new LeakyReluOp<T>(slope), x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = (x &gt; 0 ? 1 : slope)·tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty, T slope) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(new LeakyReluOp<T>(slope), x, y, tx, ty, false, nameof(tx), nameof(ty));
}

/// <summary>Logistic sigmoid over a flat span; the derivative is taken from the recorded y.</summary>
public static class SigmoidKernel
{
    /// <summary>y = 1 / (1 + e⁻ˣ). Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(default(SigmoidOp<T>), x, y);

    /// <summary>dx += y(1 − y)·dy, with y the forward output.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SigmoidOp<T>), x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = y(1 − y)·tx, with y the forward output. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SigmoidOp<T>), x, y, tx, ty, false, nameof(tx), nameof(ty));
}

/// <summary>tanh over a flat span; the derivative is taken from the recorded y.</summary>
public static class TanhKernel
{
    /// <summary>y = tanh x. Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(default(TanhOp<T>), x, y);

    /// <summary>dx += (1 − y²)·dy, with y the forward output.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(TanhOp<T>), x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = (1 − y²)·tx, with y the forward output. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(TanhOp<T>), x, y, tx, ty, false, nameof(tx), nameof(ty));
}

/// <summary>Softplus log(1 + eˣ) over a flat span, stable for large |x|.</summary>
public static class SoftplusKernel
{
    /// <summary>y = max(x, 0) + log1p(e^{−|x|}) = log(1 + eˣ). Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Forward(default(SoftplusOp<T>), x, y);

    /// <summary>dx += sigmoid(x)·dy; the derivative is taken from x, not y.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SoftplusOp<T>), x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = sigmoid(x)·tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        ActivationDriver.Scale(default(SoftplusOp<T>), x, y, tx, ty, false, nameof(tx), nameof(ty));
}

/// <summary>
/// Exact GELU x·Φ(x) = ½x(1 + erf(x/√2)) over a flat span, evaluated in double for every element type (for float and
/// smaller types with the shorter erfc series that a float result needs, <see cref="GeluForSingleOp"/>).
/// </summary>
public static class GeluKernel
{
    /// <summary>y = x·Φ(x), Φ the standard normal CDF (computed in double, rounded to T). Overwrites y; x and y have the same length, otherwise <see cref="ArgumentException"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
            ActivationDriver.Forward(default(GeluOp), MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else
            ActivationDriver.ForwardInDouble(default(GeluForSingleOp), x, y);
    }

    /// <summary>dx += (Φ(x) + x·φ(x))·dy; the derivative is taken from x, not y.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T> =>
        Scale(x, y, dy, dx, true, nameof(dy), nameof(dx));

    /// <summary>ty = (Φ(x) + x·φ(x))·tx. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T> =>
        Scale(x, y, tx, ty, false, nameof(tx), nameof(ty));

    private static void Scale<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> v, Span<T> output, bool accumulate, string vName, string outputName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            ActivationDriver.Scale(default(GeluOp), MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y),
                MemoryMarshal.Cast<T, double>(v), MemoryMarshal.Cast<T, double>(output), accumulate, vName, outputName);
        }
        else
        {
            ActivationDriver.ScaleInDouble(default(GeluForSingleOp), x, y, v, output, accumulate, vName, outputName);
        }
    }
}
