using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// 2×2 max pooling of output rows narrower than one AVX-512 vector (FashionCnn's 14- and 7-wide rows): each output row
/// in one step of masked 512-bit loads and stores, instead of two overlapping steps of the widest vector that fits
/// (256-bit for 14 outputs, 128-bit for 7). The same operations on the same values as <c>Planes</c>, lane for lane,
/// so the outputs and arg-maxes are the same bit for bit; the masks keep every load and store inside the row.
/// </summary>
internal static unsafe partial class PoolCore<T>
{
    /// <summary>Whether <see cref="NarrowPlanes"/> takes rows of <paramref name="outputWidth"/> outputs.</summary>
    internal static bool TakesNarrowRows(int outputWidth) =>
        NarrowRowSwitch.Enabled && Avx512F.IsSupported && Vector512.IsHardwareAccelerated &&
        (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && outputWidth < Vector512<T>.Count;

    /// <summary>
    /// Whether the fused ReLU + pooling runs on narrow rows — the forward inside <see cref="NarrowPlanes"/>, the backward
    /// and the tangent from the same row loads: every input element lies in a window (even height and width), so the
    /// loads see each one once, and a row fills more than one vector. Rows of at most one vector (7 outputs, FashionCnn's
    /// pool2) keep the separate ReLU pass, the scatter and the gather, which were faster there (µs per 16 × 14 × 14
    /// sample: forward 0.67 against 0.69 in the row loads, backward 0.78 against 0.91, tangent 0.67 against 0.93); at 14
    /// outputs (pool1) the row loads win: forward 0.74 against 1.05, backward 1.11 against 1.75, tangent 1.07 against 1.87.
    /// The backward through the winners alone has its own short-row kernel (<see cref="TakesShortReluRows"/>).
    /// </summary>
    internal static bool TakesNarrowReluRows(in PoolShape s) =>
        TakesNarrowRows(s.OW) && 2 * s.OW > Vector512<T>.Count && s.W == 2 * s.OW && s.H == 2 * s.OH;

    /// <summary>
    /// The pooling of planes p0..p1 of <paramref name="x"/>. With <paramref name="relu"/> (only where
    /// <see cref="TakesNarrowReluRows"/>), x is the ReLU's input: each loaded row goes through ReLU's own vector op,
    /// is stored into <paramref name="relu"/> (unless <paramref name="storeRelu"/> is false: a caller that reads only
    /// the pooled tapes) and pooled from the registers, instead of a ReLU pass over the planes and the pooling reading
    /// its output back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowPlanes(in PoolShape s, T* x, T* y, int* argmax, int p0, int p1, T* relu = null, bool storeRelu = true)
    {
        int w = Vector512<T>.Count, width = s.W, oh = s.OH, ow = s.OW, plane = s.H * s.W, channels = s.C;
        var indices = Simd512<T>.Indices;
        Vector512<T> left = indices + indices, right = left + Vector512<T>.One;
        Vector512<T> lowerLeft = left + Vector512.Create(T.CreateTruncating(width)), lowerRight = right + Vector512.Create(T.CreateTruncating(width));

        // A row's 2·ow inputs fill the first vector and spill into the second; the outputs fill ow lanes.
        Vector512<T> first = Lanes(Math.Min(2 * ow, w)), second = Lanes(2 * ow - w), kept = Lanes(ow);
        for (int p = p0; p < p1; p++)
        {
            T* input = x + (long)p * plane;
            long outputPlane = (long)p * oh * ow;
            int origin = p % channels * plane;
            for (int r = 0; r < oh; r++)
            {
                T* top = input + 2 * r * width;
                T* bottom = top + width;
                Vector512<T> t0 = Load(top, first), t1 = Load(top + w, second), b0 = Load(bottom, first), b1 = Load(bottom + w, second);
                if (relu != null)
                {
                    var op = default(ReluOp<T>);
                    (t0, t1, b0, b1) = (op.Value<Vector512<T>, Simd512<T>>(t0), op.Value<Vector512<T>, Simd512<T>>(t1), op.Value<Vector512<T>, Simd512<T>>(b0), op.Value<Vector512<T>, Simd512<T>>(b1));
                    if (storeRelu)
                    {
                        T* reluTop = relu + (top - x);
                        Store(t0, reluTop, first);
                        Store(t1, reluTop + w, second);
                        Store(b0, reluTop + width, first);
                        Store(b1, reluTop + width + w, second);
                    }
                }

                Simd512<T>.Deinterleave(t0, t1, out var a, out var b);
                Simd512<T>.Deinterleave(b0, b1, out var c, out var d);

                var (value, at) = WindowMax<Vector512<T>, Simd512<T>>(a, b, c, d, left, right, lowerLeft, lowerRight);
                Store(value, y + outputPlane + r * ow, kept);
                StoreIndices(at, origin + 2 * r * width, argmax + outputPlane + r * ow, kept);
            }
        }
    }

    /// <summary>
    /// The fused ReLU + pooling backward with both gradients overwritten, on narrow rows without the scatter: each
    /// output row's gradient goes to the lane of its window that the arg-max names (as 0 + dy, what adding it onto the
    /// cleared map gives; the other three get +0), the even and odd lanes are interleaved back into the two input rows,
    /// stored as dRelu, and ReLU's backward runs on the same registers: dx = ReLU'(x)·dRelu + 0. Every element of the
    /// sample is written once, with nothing cleared first and nothing read back — the values of
    /// <see cref="ReluSelectedRange"/> bit for bit. A sample whose arg-max names a position outside its window (not one
    /// that the forward pass records) is done again by that scatter, which overwrites the whole sample (and rejects an
    /// index outside it).
    /// </summary>
    private readonly struct NarrowReluSelectedRange(PoolShape s, T* dy, int* argmax, T* x, T* dRelu, T* dx, ReluSelectedRange scatter) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            for (int b = start; b < start + count; b++)
            {
                if (!Sample(b)) scatter.Sample(b);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Sample(int b)
        {
            int w = Vector512<T>.Count, width = s.W, oh = s.OH, channels = s.C;
            RowMasks(s, out var left, out var keptInts, out var first, out var second, out var kept);
            var op = default(ReluOp<T>);
            long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    if (!RowWinners(s, argmax, o0, c, r, keptInts, left, out long row, out int origin, out var isA, out var isB, out var isC, out var isD)) return false;

                    var g = Vector512<T>.Zero + Load(dy + row, kept);
                    Interleave(Vector512.ConditionalSelect(Widen(isA), g, Vector512<T>.Zero), Vector512.ConditionalSelect(Widen(isB), g, Vector512<T>.Zero), out var t0, out var t1);
                    Interleave(Vector512.ConditionalSelect(Widen(isC), g, Vector512<T>.Zero), Vector512.ConditionalSelect(Widen(isD), g, Vector512<T>.Zero), out var b0, out var b1);
                    long top = i0 + origin;
                    Backward(op, t0, top, first);
                    Backward(op, t1, top + w, second);
                    Backward(op, b0, top + width, first);
                    Backward(op, b1, top + width + w, second);
                }
            }

            return true;
        }

        /// <summary>Stores dRelu's vector at <paramref name="at"/> and dx = ReLU'(x)·dRelu + 0 there, in the masked lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Backward(ReluOp<T> op, Vector512<T> gradient, long at, Vector512<T> mask)
        {
            Store(gradient, dRelu + at, mask);
            var derivative = op.Derivative<Vector512<T>, Simd512<T>>(Load(x + at, mask), Vector512<T>.Zero);
            Store(Simd512<T>.MultiplyAdd(derivative, gradient, Vector512<T>.Zero), dx + at, mask);
        }
    }

    /// <summary>
    /// The fused ReLU + pooling tangent on narrow rows: each pair of input rows is loaded once, ReLU's tangent
    /// ReLU'(x)·tx + 0 computed and stored as tRelu, and its even and odd columns give each output's four candidates, of
    /// which the arg-max's is kept — the values of ReLU's tangent and the gather bit for bit. A sample whose arg-max
    /// names a position outside its window (not one that the forward pass records) is done again by those two.
    /// </summary>
    private readonly struct NarrowReluTangentRange(PoolShape s, T* x, T* tx, int* argmax, T* tRelu, T* ty) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            for (int b = start; b < start + count; b++)
            {
                if (Sample(b)) continue;
                long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
                ReluTangentThenGather(s with { Batch = 1 }, new ReadOnlySpan<T>(x + i0, s.InputSize), new ReadOnlySpan<T>(tx + i0, s.InputSize),
                    new ReadOnlySpan<int>(argmax + o0, s.OutputSize), new Span<T>(tRelu + i0, s.InputSize), new Span<T>(ty + o0, s.OutputSize));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Sample(int b)
        {
            int w = Vector512<T>.Count, width = s.W, oh = s.OH, channels = s.C;
            RowMasks(s, out var left, out var keptInts, out var first, out var second, out var kept);
            var op = default(ReluOp<T>);
            long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    if (!RowWinners(s, argmax, o0, c, r, keptInts, left, out long row, out int origin, out var isA, out var isB, out var isC, out var isD)) return false;

                    long top = i0 + origin;
                    Vector512<T> t0 = Tangent(op, top, first), t1 = Tangent(op, top + w, second);
                    Vector512<T> b0 = Tangent(op, top + width, first), b1 = Tangent(op, top + width + w, second);
                    Simd512<T>.Deinterleave(t0, t1, out var a, out var bb);
                    Simd512<T>.Deinterleave(b0, b1, out var cc, out var d);
                    var value = Vector512.ConditionalSelect(Widen(isB), bb, a);
                    value = Vector512.ConditionalSelect(Widen(isC), cc, value);
                    value = Vector512.ConditionalSelect(Widen(isD), d, value);
                    Store(value, ty + row, kept);
                }
            }

            return true;
        }

        /// <summary>ReLU's tangent at <paramref name="at"/> in the masked lanes, stored as tRelu and returned.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<T> Tangent(ReluOp<T> op, long at, Vector512<T> mask)
        {
            var derivative = op.Derivative<Vector512<T>, Simd512<T>>(Load(x + at, mask), Vector512<T>.Zero);
            var t = Simd512<T>.MultiplyAdd(derivative, Load(tx + at, mask), Vector512<T>.Zero);
            Store(t, tRelu + at, mask);
            return t;
        }
    }

    /// <summary>
    /// What a narrow-row pass over one sample uses on every row: the even lanes' positions (<paramref name="left"/>),
    /// the output lanes as an int mask (<paramref name="keptInts"/>) and the masks of a row's first and second input
    /// vector and of its outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowMasks(in PoolShape s, out Vector512<int> left, out Vector512<int> keptInts, out Vector512<T> first, out Vector512<T> second, out Vector512<T> kept)
    {
        int w = Vector512<T>.Count, ow = s.OW;
        var ints = Vector512<int>.Indices;
        left = ints + ints;
        keptInts = Vector512.GreaterThan(Vector512.Create(ow), ints);
        first = Lanes(Math.Min(2 * ow, w));
        second = Lanes(2 * ow - w);
        kept = Lanes(ow);
    }

    /// <summary>
    /// Output row <paramref name="r"/> of channel <paramref name="c"/> in the sample whose outputs start at
    /// <paramref name="o0"/>: its first output (<paramref name="row"/>), its windows' first input in the sample
    /// (<paramref name="origin"/>) and which of each window's four elements the arg-max names (<see cref="Winners"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RowWinners(in PoolShape s, int* argmax, long o0, int c, int r, Vector512<int> keptInts, Vector512<int> left, out long row, out int origin,
        out Vector512<int> isA, out Vector512<int> isB, out Vector512<int> isC, out Vector512<int> isD)
    {
        row = o0 + (long)c * s.OH * s.OW + r * s.OW;
        origin = c * s.H * s.W + 2 * r * s.W;
        return Winners(argmax + row, origin, keptInts, left, s.W, out isA, out isB, out isC, out isD);
    }

    /// <summary>
    /// Which of its window's four positions each kept lane's arg-max names — the upper left (<paramref name="left"/>:
    /// 2q from the row's first window at <paramref name="origin"/>), upper right, lower left or lower right; false when
    /// one names none of them, which no forward pass records.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Winners(int* argmax, int origin, Vector512<int> kept, Vector512<int> left, int width,
        out Vector512<int> isA, out Vector512<int> isB, out Vector512<int> isC, out Vector512<int> isD)
    {
        var at = Avx512F.MaskLoad(argmax, kept, Vector512<int>.Zero) - Vector512.Create(origin);
        var lowerLeft = left + Vector512.Create(width);
        isA = Vector512.Equals(at, left);
        isB = Vector512.Equals(at, left + Vector512<int>.One);
        isC = Vector512.Equals(at, lowerLeft);
        isD = Vector512.Equals(at, lowerLeft + Vector512<int>.One);
        return Vector512.EqualsAll((isA | isB | isC | isD) & kept, kept);
    }

    /// <summary>The inverse of <see cref="Simd512{T}.Deinterleave"/>: lanes e0 o0 e1 o1 … in <paramref name="low"/>, then the rest in <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector512<T> even, Vector512<T> odd, out Vector512<T> low, out Vector512<T> high)
    {
        low = InterleaveLow(even, odd);
        high = typeof(T) == typeof(float)
            ? Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd.AsSingle()).As<float, T>()
            : Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15), odd.AsDouble()).As<double, T>();
    }

    /// <summary>The lower half of <see cref="Interleave"/> alone: e0 o0 e1 o1 … over one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> InterleaveLow(Vector512<T> even, Vector512<T> odd) => typeof(T) == typeof(float)
        ? Avx512F.PermuteVar16x32x2(even.AsSingle(), Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd.AsSingle()).As<float, T>()
        : Avx512F.PermuteVar8x64x2(even.AsDouble(), Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11), odd.AsDouble()).As<double, T>();

    /// <summary>An int lane mask as a mask over T's lanes (float: the same bits; double: the low 8 lanes, each widened).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Widen(Vector512<int> mask) => typeof(T) == typeof(float)
        ? mask.As<int, T>()
        : Avx512F.ConvertToVector512Int64(mask.GetLower()).As<long, T>();

    /// <summary>The first <paramref name="count"/> lanes set (none for a count ≤ 0).</summary>
    private static Vector512<T> Lanes(int count) => Vector512.GreaterThan(Vector512.Create(T.CreateTruncating(count)), Simd512<T>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Load(T* p, Vector512<T> mask) => typeof(T) == typeof(float)
        ? Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>()
        : Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<T> value, T* p, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float)) Avx512F.MaskStore((float*)p, mask.AsSingle(), value.AsSingle());
        else Avx512F.MaskStore((double*)p, mask.AsDouble(), value.AsDouble());
    }

    /// <summary>The arg-max lanes (whole numbers held in T) plus <paramref name="add"/>, stored as int where the mask is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreIndices(Vector512<T> value, int add, int* destination, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float))
        {
            var at = Vector512.ConvertToInt32(value.AsSingle()) + Vector512.Create(add);
            Avx512F.MaskStore(destination, mask.AsInt32(), at);
        }
        else
        {
            var at = Avx512F.ConvertToVector256Int32WithTruncation(value.AsDouble()) + Vector256.Create(add);
            Avx2.MaskStore(destination, Avx512F.ConvertToVector256Int32(mask.AsInt64()), at);
        }
    }
}

/// <summary>Off: narrow rows take the narrower vectors again (for A/B timing and for the tests that compare the two).</summary>
internal static class NarrowRowSwitch
{
    public static bool Enabled = true;
}
