namespace Axon.Kernels;

/// <summary>
/// The one-lane "vector" (<typeparamref name="T"/> itself): the generic fallback that lets every vector kernel
/// run on any IEEE element type, or on hardware without SIMD. Masks are <c>T.One</c> / <c>T.Zero</c>.
/// </summary>
internal unsafe readonly struct ScalarSimd<T> : ISimd<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static T Zero => T.Zero;
    public static T Indices => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Create(T value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Load(T* source) => *source;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(T value, T* destination) => *destination = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Subtract(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Multiply(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Divide(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MultiplyAdd(T a, T b, T c) => a * b + c;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T FusedMultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Negate(T a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Abs(T a) => T.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Max(T a, T b) => T.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Min(T a, T b) => T.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sqrt(T a) => T.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Exp(T a) => T.Exp(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Round(T a) => T.Round(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T ScaleB(T a, T k) => T.ScaleB(a, int.CreateTruncating(k));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T GreaterThan(T a, T b) => a > b ? T.One : T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Equal(T a, T b) => a == b ? T.One : T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T LessThanOrEqual(T a, T b) => a <= b ? T.One : T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T AndNot(T a, T b) => a != T.Zero && b == T.Zero ? T.One : T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Select(T mask, T whenTrue, T whenFalse) => mask != T.Zero ? whenTrue : whenFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T CopySign(T magnitude, T sign) => T.CopySign(magnitude, sign);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(T a) => a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(T a, T b, out T even, out T odd)
    {
        even = a;
        odd = b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void StoreInt32(T value, int add, int* destination) => *destination = Simd.ToInt32(value) + add;
}
