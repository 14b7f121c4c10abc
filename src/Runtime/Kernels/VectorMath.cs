using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// <see cref="IVectorMath{TVec, T}"/> for one hardware width, through that width's <see cref="ISimd{TVec, T}"/>:
/// exp and tanh are the kernels' own inlinable forms (<see cref="SpecialFunctions"/>, the ones the built-in
/// activations use); log, log₂, sin and cos are the runtime's <c>Vector512.Log</c> and the like.
/// </summary>
internal readonly struct VectorMath<TVec, TS, T> : IVectorMath<TVec, T>
    where TVec : struct
    where TS : ISimd<TVec, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Create(T value) => TS.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Add(TVec a, TVec b) => TS.Add(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Subtract(TVec a, TVec b) => TS.Subtract(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Multiply(TVec a, TVec b) => TS.Multiply(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Divide(TVec a, TVec b) => TS.Divide(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Negate(TVec a) => TS.Negate(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Exp(TVec x) => TS.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Log(TVec x) => RuntimeMath.Log<TVec, T>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Log2(TVec x) => RuntimeMath.Log2<TVec, T>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Sqrt(TVec x) => TS.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Abs(TVec x) => TS.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Sin(TVec x) => RuntimeMath.Sin<TVec, T>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Cos(TVec x) => RuntimeMath.Cos<TVec, T>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Tanh(TVec x) => SpecialFunctions.Tanh<TVec, TS, T>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Max(TVec a, TVec b) => TS.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Min(TVec a, TVec b) => TS.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec LessThan(TVec a, TVec b) => TS.GreaterThan(b, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec LessThanOrEqual(TVec a, TVec b) => TS.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec GreaterThan(TVec a, TVec b) => TS.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec GreaterThanOrEqual(TVec a, TVec b) => TS.LessThanOrEqual(b, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Equal(TVec a, TVec b) => TS.Equal(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec NotEqual(TVec a, TVec b) => Not(TS.Equal(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec And(TVec a, TVec b) => TS.AndNot(a, Not(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Or(TVec a, TVec b) => Not(TS.AndNot(Not(a), b));

    /// <summary>All-ones lanes where the mask is clear: AndNot(all ones, mask), all ones being 0 == 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Not(TVec mask) => TS.AndNot(TS.Equal(TS.Zero, TS.Zero), mask);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TVec Select(TVec mask, TVec whenTrue, TVec whenFalse) => TS.Select(mask, whenTrue, whenFalse);
}

/// <summary>
/// The runtime's vector log, log₂, sin and cos (<c>Vector512.Log</c> and the like) for whichever width and element
/// type the vector is; the type tests are constants the JIT folds away. Any other type (the one-lane
/// form) uses the scalar function of <c>T</c>.
/// </summary>
internal static class RuntimeMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log<TVec, T>(TVec x) where TVec : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(Vector512<float>)) return As<TVec, Vector512<float>>(Vector512.Log(As<Vector512<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector512<double>)) return As<TVec, Vector512<double>>(Vector512.Log(As<Vector512<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<float>)) return As<TVec, Vector256<float>>(Vector256.Log(As<Vector256<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<double>)) return As<TVec, Vector256<double>>(Vector256.Log(As<Vector256<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<float>)) return As<TVec, Vector128<float>>(Vector128.Log(As<Vector128<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<double>)) return As<TVec, Vector128<double>>(Vector128.Log(As<Vector128<double>, TVec>(x)));
        return As<TVec, T>(T.Log(As<T, TVec>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Log2<TVec, T>(TVec x) where TVec : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(Vector512<float>)) return As<TVec, Vector512<float>>(Vector512.Log2(As<Vector512<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector512<double>)) return As<TVec, Vector512<double>>(Vector512.Log2(As<Vector512<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<float>)) return As<TVec, Vector256<float>>(Vector256.Log2(As<Vector256<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<double>)) return As<TVec, Vector256<double>>(Vector256.Log2(As<Vector256<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<float>)) return As<TVec, Vector128<float>>(Vector128.Log2(As<Vector128<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<double>)) return As<TVec, Vector128<double>>(Vector128.Log2(As<Vector128<double>, TVec>(x)));
        return As<TVec, T>(T.Log2(As<T, TVec>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sin<TVec, T>(TVec x) where TVec : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(Vector512<float>)) return As<TVec, Vector512<float>>(Vector512.Sin(As<Vector512<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector512<double>)) return As<TVec, Vector512<double>>(Vector512.Sin(As<Vector512<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<float>)) return As<TVec, Vector256<float>>(Vector256.Sin(As<Vector256<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<double>)) return As<TVec, Vector256<double>>(Vector256.Sin(As<Vector256<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<float>)) return As<TVec, Vector128<float>>(Vector128.Sin(As<Vector128<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<double>)) return As<TVec, Vector128<double>>(Vector128.Sin(As<Vector128<double>, TVec>(x)));
        return As<TVec, T>(T.Sin(As<T, TVec>(x)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Cos<TVec, T>(TVec x) where TVec : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TVec) == typeof(Vector512<float>)) return As<TVec, Vector512<float>>(Vector512.Cos(As<Vector512<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector512<double>)) return As<TVec, Vector512<double>>(Vector512.Cos(As<Vector512<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<float>)) return As<TVec, Vector256<float>>(Vector256.Cos(As<Vector256<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector256<double>)) return As<TVec, Vector256<double>>(Vector256.Cos(As<Vector256<double>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<float>)) return As<TVec, Vector128<float>>(Vector128.Cos(As<Vector128<float>, TVec>(x)));
        if (typeof(TVec) == typeof(Vector128<double>)) return As<TVec, Vector128<double>>(Vector128.Cos(As<Vector128<double>, TVec>(x)));
        return As<TVec, T>(T.Cos(As<T, TVec>(x)));
    }

    /// <summary>Reinterprets a value whose type a preceding type test proved to be <typeparamref name="TTo"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo As<TTo, TFrom>(TFrom value) => Unsafe.As<TFrom, TTo>(ref value);
}
