using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// The operations the kernels need from one hardware vector width. A kernel body is written once against this
/// interface and instantiated per width (<see cref="Simd512{T}"/>, <see cref="Simd256{T}"/>,
/// <see cref="Simd128{T}"/>); the JIT specialises each instantiation and inlines every call, so the result is the
/// same code as a hand-written loop over that width.
/// </summary>
internal unsafe interface ISimd<TVec, T>
    where TVec : struct
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract int Count { get; }
    static abstract TVec Zero { get; }

    /// <summary>Lane i holds i.</summary>
    static abstract TVec Indices { get; }
    static abstract TVec Create(T value);
    static abstract TVec Load(T* source);
    static abstract void Store(TVec value, T* destination);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);

    /// <summary>a·b + c, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>a·b + c with one rounding always (slow where the hardware has no FMA).</summary>
    static abstract TVec FusedMultiplyAdd(TVec a, TVec b, TVec c);
    static abstract TVec Negate(TVec a);
    static abstract TVec Abs(TVec a);
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    static abstract TVec Sqrt(TVec a);

    /// <summary>eˣ: for float and double the inlinable <see cref="SpecialFunctions.Exp{TVec, TS, T}"/>.</summary>
    static abstract TVec Exp(TVec a);

    /// <summary>Rounds to the nearest integer (ties to even).</summary>
    static abstract TVec Round(TVec a);

    /// <summary>a·2ᵏ for integral k with |k| &lt; 2²², through the exponent bits.</summary>
    static abstract TVec ScaleB(TVec a, TVec k);

    /// <summary>All-ones lanes where a &gt; b.</summary>
    static abstract TVec GreaterThan(TVec a, TVec b);

    /// <summary>All-ones lanes where a == b.</summary>
    static abstract TVec Equal(TVec a, TVec b);

    /// <summary>All-ones lanes where a ≤ b.</summary>
    static abstract TVec LessThanOrEqual(TVec a, TVec b);

    /// <summary>Mask a and not mask b.</summary>
    static abstract TVec AndNot(TVec a, TVec b);

    /// <summary>Lanes of <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else of <paramref name="whenFalse"/>.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary>Copies the sign of <paramref name="sign"/> onto <paramref name="magnitude"/>.</summary>
    static abstract TVec CopySign(TVec magnitude, TVec sign);
    static abstract T Sum(TVec a);

    /// <summary>
    /// Splits the 2·Count consecutive elements held by <paramref name="a"/> then <paramref name="b"/> into those at
    /// even and at odd positions (float and double; the one-lane form returns a and b).
    /// </summary>
    static abstract void Deinterleave(TVec a, TVec b, out TVec even, out TVec odd);

    /// <summary>Stores the lanes (integral values) truncated to int plus <paramref name="add"/> at <paramref name="destination"/> (Count ints).</summary>
    static abstract void StoreInt32(TVec value, int add, int* destination);
}

/// <summary>Helpers to choose a vector width and to run scalar maths lane by lane where no vector form exists.</summary>
internal static class Simd
{
    /// <summary>True for the element types that have hardware vector arithmetic (float and double).</summary>
    public static bool IsVectorizable<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>Elements per vector of the widest accelerated width for <typeparamref name="T"/>; 1 when none applies.</summary>
    public static int Width<T>() where T : unmanaged
    {
        if (!IsVectorizable<T>()) return 1;
        if (Vector512.IsHardwareAccelerated) return Vector512<T>.Count;
        if (Vector256.IsHardwareAccelerated) return Vector256<T>.Count;
        if (Vector128.IsHardwareAccelerated) return Vector128<T>.Count;
        return 1;
    }

    /// <summary>Truncates to int with a plain cast for float and double (the generic conversion is not free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ToInt32<T>(T value) where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(float)) return (int)Unsafe.BitCast<T, float>(value);
        if (typeof(T) == typeof(double)) return (int)Unsafe.BitCast<T, double>(value);
        return int.CreateTruncating(value);
    }

    /// <summary>Number of vector registers the target has (32 with AVX-512, else 16).</summary>
    public static int Registers => Vector512.IsHardwareAccelerated ? 32 : 16;
}

internal unsafe readonly struct Simd512<T> : ISimd<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    public static Vector512<T> Indices => Vector512<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Create(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Load(T* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<T> value, T* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Negate(Vector512<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sqrt(Vector512<T> a) => Vector512.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> GreaterThan(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Equal(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> LessThanOrEqual(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> AndNot(Vector512<T> a, Vector512<T> b) => Vector512.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Select(Vector512<T> mask, Vector512<T> whenTrue, Vector512<T> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> CopySign(Vector512<T> magnitude, Vector512<T> sign) => Vector512.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector512<T> a) => Vector512.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector512<T> a, Vector512<T> b, out Vector512<T> even, out Vector512<T> odd)
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float))
        {
            Vector512<float> fa = a.As<T, float>(), fb = b.As<T, float>();
            even = Avx512F.PermuteVar16x32x2(fa, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), fb).As<float, T>();
            odd = Avx512F.PermuteVar16x32x2(fa, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), fb).As<float, T>();
        }
        else if (Avx512F.IsSupported && typeof(T) == typeof(double))
        {
            Vector512<double> da = a.As<T, double>(), db = b.As<T, double>();
            even = Avx512F.PermuteVar8x64x2(da, Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14), db).As<double, T>();
            odd = Avx512F.PermuteVar8x64x2(da, Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15), db).As<double, T>();
        }
        else
        {
            Simd256<T>.Deinterleave(a.GetLower(), a.GetUpper(), out var evenA, out var oddA);
            Simd256<T>.Deinterleave(b.GetLower(), b.GetUpper(), out var evenB, out var oddB);
            even = Vector512.Create(evenA, evenB);
            odd = Vector512.Create(oddA, oddB);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt32(Vector512<T> value, int add, int* destination)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector512.ConvertToInt32(value.As<T, float>()) + Vector512.Create(add)).Store(destination);
        }
        else if (Avx512F.IsSupported && typeof(T) == typeof(double))
        {
            (Avx512F.ConvertToVector256Int32WithTruncation(value.As<T, double>()) + Vector256.Create(add)).Store(destination);
        }
        else
        {
            Simd256<T>.StoreInt32(value.GetLower(), add, destination);
            Simd256<T>.StoreInt32(value.GetUpper(), add, destination + Vector256<T>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        for (int i = 0; i < Vector512<T>.Count; i++) a = a.WithElement(i, T.FusedMultiplyAdd(a.GetElement(i), b.GetElement(i), c.GetElement(i)));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> a) =>
        Simd.IsVectorizable<T>() ? SpecialFunctions.Exp<Vector512<T>, Simd512<T>, T>(a) : PerLane(a, &T.Exp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector512.Round(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.Round(a.AsDouble()).As<double, T>();
        return PerLane(a, &T.Round);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ScaleB(Vector512<T> a, Vector512<T> k)
    {
        // Adding 1.5·2^(mantissa bits) puts k in the low bits of the sum; the exponent field is then built directly.
        if (typeof(T) == typeof(float))
        {
            Vector512<int> n = (k.AsSingle() + Vector512.Create(12582912f)).AsInt32() - Vector512.Create(0x4B400000);
            return (a.AsSingle() * ((n + Vector512.Create(127)) << 23).AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            Vector512<long> n = (k.AsDouble() + Vector512.Create(6755399441055744.0)).AsInt64() - Vector512.Create(0x4338000000000000L);
            return (a.AsDouble() * ((n + Vector512.Create(1023L)) << 52).AsDouble()).As<double, T>();
        }

        for (int i = 0; i < Vector512<T>.Count; i++) a = a.WithElement(i, T.ScaleB(a.GetElement(i), int.CreateTruncating(k.GetElement(i))));
        return a;
    }

    private static Vector512<T> PerLane(Vector512<T> a, delegate*<T, T> f)
    {
        for (int i = 0; i < Vector512<T>.Count; i++) a = a.WithElement(i, f(a.GetElement(i)));
        return a;
    }
}

internal unsafe readonly struct Simd256<T> : ISimd<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    public static Vector256<T> Indices => Vector256<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Create(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Load(T* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<T> value, T* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Negate(Vector256<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sqrt(Vector256<T> a) => Vector256.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> GreaterThan(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Equal(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> LessThanOrEqual(Vector256<T> a, Vector256<T> b) => Vector256.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> AndNot(Vector256<T> a, Vector256<T> b) => Vector256.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Select(Vector256<T> mask, Vector256<T> whenTrue, Vector256<T> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> CopySign(Vector256<T> magnitude, Vector256<T> sign) => Vector256.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector256<T> a) => Vector256.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector256<T> a, Vector256<T> b, out Vector256<T> even, out Vector256<T> odd)
    {
        if (Avx2.IsSupported && typeof(T) == typeof(float))
        {
            // In-lane shuffles give [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute puts the pairs in order.
            Vector256<float> fa = a.As<T, float>(), fb = b.As<T, float>();
            even = Avx2.Permute4x64(Avx.Shuffle(fa, fb, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).As<double, T>();
            odd = Avx2.Permute4x64(Avx.Shuffle(fa, fb, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).As<double, T>();
        }
        else if (Avx2.IsSupported && typeof(T) == typeof(double))
        {
            Vector256<double> da = a.As<T, double>(), db = b.As<T, double>();
            even = Avx2.Permute4x64(Avx.UnpackLow(da, db), 0b11_01_10_00).As<double, T>();
            odd = Avx2.Permute4x64(Avx.UnpackHigh(da, db), 0b11_01_10_00).As<double, T>();
        }
        else
        {
            Simd128<T>.Deinterleave(a.GetLower(), a.GetUpper(), out var evenA, out var oddA);
            Simd128<T>.Deinterleave(b.GetLower(), b.GetUpper(), out var evenB, out var oddB);
            even = Vector256.Create(evenA, evenB);
            odd = Vector256.Create(oddA, oddB);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt32(Vector256<T> value, int add, int* destination)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector256.ConvertToInt32(value.As<T, float>()) + Vector256.Create(add)).Store(destination);
        }
        else if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            (Avx.ConvertToVector128Int32WithTruncation(value.As<T, double>()) + Vector128.Create(add)).Store(destination);
        }
        else
        {
            Simd128<T>.StoreInt32(value.GetLower(), add, destination);
            Simd128<T>.StoreInt32(value.GetUpper(), add, destination + Vector128<T>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        for (int i = 0; i < Vector256<T>.Count; i++) a = a.WithElement(i, T.FusedMultiplyAdd(a.GetElement(i), b.GetElement(i), c.GetElement(i)));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> a) =>
        Simd.IsVectorizable<T>() ? SpecialFunctions.Exp<Vector256<T>, Simd256<T>, T>(a) : PerLane(a, &T.Exp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Round(Vector256<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector256.Round(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Round(a.AsDouble()).As<double, T>();
        return PerLane(a, &T.Round);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ScaleB(Vector256<T> a, Vector256<T> k)
    {
        // Adding 1.5·2^(mantissa bits) puts k in the low bits of the sum; the exponent field is then built directly.
        if (typeof(T) == typeof(float))
        {
            Vector256<int> n = (k.AsSingle() + Vector256.Create(12582912f)).AsInt32() - Vector256.Create(0x4B400000);
            return (a.AsSingle() * ((n + Vector256.Create(127)) << 23).AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            Vector256<long> n = (k.AsDouble() + Vector256.Create(6755399441055744.0)).AsInt64() - Vector256.Create(0x4338000000000000L);
            return (a.AsDouble() * ((n + Vector256.Create(1023L)) << 52).AsDouble()).As<double, T>();
        }

        for (int i = 0; i < Vector256<T>.Count; i++) a = a.WithElement(i, T.ScaleB(a.GetElement(i), int.CreateTruncating(k.GetElement(i))));
        return a;
    }

    private static Vector256<T> PerLane(Vector256<T> a, delegate*<T, T> f)
    {
        for (int i = 0; i < Vector256<T>.Count; i++) a = a.WithElement(i, f(a.GetElement(i)));
        return a;
    }
}

internal unsafe readonly struct Simd128<T> : ISimd<Vector128<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    public static Vector128<T> Indices => Vector128<T>.Indices;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Create(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Load(T* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<T> value, T* destination) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Negate(Vector128<T> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Abs(Vector128<T> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sqrt(Vector128<T> a) => Vector128.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> GreaterThan(Vector128<T> a, Vector128<T> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Equal(Vector128<T> a, Vector128<T> b) => Vector128.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> LessThanOrEqual(Vector128<T> a, Vector128<T> b) => Vector128.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> AndNot(Vector128<T> a, Vector128<T> b) => Vector128.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Select(Vector128<T> mask, Vector128<T> whenTrue, Vector128<T> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> CopySign(Vector128<T> magnitude, Vector128<T> sign) => Vector128.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vector128<T> a) => Vector128.Sum(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector128<T> a, Vector128<T> b, out Vector128<T> even, out Vector128<T> odd)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> fa = a.As<T, float>(), fb = b.As<T, float>();
            if (Sse.IsSupported)
            {
                even = Sse.Shuffle(fa, fb, 0b10_00_10_00).As<float, T>();
                odd = Sse.Shuffle(fa, fb, 0b11_01_11_01).As<float, T>();
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                even = AdvSimd.Arm64.UnzipEven(fa, fb).As<float, T>();
                odd = AdvSimd.Arm64.UnzipOdd(fa, fb).As<float, T>();
            }
            else
            {
                even = Vector128.Create(fa[0], fa[2], fb[0], fb[2]).As<float, T>();
                odd = Vector128.Create(fa[1], fa[3], fb[1], fb[3]).As<float, T>();
            }
        }
        else
        {
            even = Vector128.Create(a.GetLower(), b.GetLower());
            odd = Vector128.Create(a.GetUpper(), b.GetUpper());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInt32(Vector128<T> value, int add, int* destination)
    {
        if (typeof(T) == typeof(float))
        {
            (Vector128.ConvertToInt32(value.As<T, float>()) + Vector128.Create(add)).Store(destination);
        }
        else
        {
            for (int i = 0; i < Vector128<T>.Count; i++) destination[i] = Simd.ToInt32(value[i]) + add;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        for (int i = 0; i < Vector128<T>.Count; i++) a = a.WithElement(i, T.FusedMultiplyAdd(a.GetElement(i), b.GetElement(i), c.GetElement(i)));
        return a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> a) =>
        Simd.IsVectorizable<T>() ? SpecialFunctions.Exp<Vector128<T>, Simd128<T>, T>(a) : PerLane(a, &T.Exp);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Round(Vector128<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector128.Round(a.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector128.Round(a.AsDouble()).As<double, T>();
        return PerLane(a, &T.Round);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ScaleB(Vector128<T> a, Vector128<T> k)
    {
        // Adding 1.5·2^(mantissa bits) puts k in the low bits of the sum; the exponent field is then built directly.
        if (typeof(T) == typeof(float))
        {
            Vector128<int> n = (k.AsSingle() + Vector128.Create(12582912f)).AsInt32() - Vector128.Create(0x4B400000);
            return (a.AsSingle() * ((n + Vector128.Create(127)) << 23).AsSingle()).As<float, T>();
        }

        if (typeof(T) == typeof(double))
        {
            Vector128<long> n = (k.AsDouble() + Vector128.Create(6755399441055744.0)).AsInt64() - Vector128.Create(0x4338000000000000L);
            return (a.AsDouble() * ((n + Vector128.Create(1023L)) << 52).AsDouble()).As<double, T>();
        }

        for (int i = 0; i < Vector128<T>.Count; i++) a = a.WithElement(i, T.ScaleB(a.GetElement(i), int.CreateTruncating(k.GetElement(i))));
        return a;
    }

    private static Vector128<T> PerLane(Vector128<T> a, delegate*<T, T> f)
    {
        for (int i = 0; i < Vector128<T>.Count; i++) a = a.WithElement(i, f(a.GetElement(i)));
        return a;
    }
}
