using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// The fused ReLU + 2×2 max pooling's backward and tangent for passes whose caller reads neither the ReLU's gradient
/// nor its tangent: only the winners matter. Each input element lies in one window; every element but the window's
/// recorded winner w gets a zero gradient, and the pooled output y = max(x[w], 0) is above zero exactly when x[w] is
/// (NaN and ±0 included). So ReLU'(x[w]) comes from y, one value per window, instead of from the ReLU's input map (four
/// times larger), and no map of the ReLU's is written: on FashionCnn's first pooling each pass moves one map of 8 × 28
/// × 28 instead of three.
/// </summary>
internal static unsafe partial class PoolCore<T>
{
    /// <summary>
    /// dx = ReLU'(x)·dRelu + 0 with dRelu the scatter of dy through the arg-max onto zeros, overwriting dx, from y
    /// instead of x: at a winner, (y &gt; 0 ? 1 : 0)·(0 + dy) + 0; elsewhere +0. The values of
    /// <see cref="ReluMaxBackward"/> with both gradients overwritten, bit for bit, whenever y and argmax are what
    /// <see cref="ReluMaxForward"/> wrote. An arg-max outside its sample throws.
    /// </summary>
    public static void ReluMaxBackwardThroughWinners(in PoolShape s, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ReadOnlySpan<T> y, Span<T> dx)
    {
        ValidateReluPair(s);
        s.ValidateOutput(dy.Length, nameof(dy));
        KernelGuard.Length(argmax.Length, dy.Length, nameof(argmax));
        KernelGuard.Length(y.Length, dy.Length, nameof(y));
        s.ValidateInput(dx.Length, nameof(dx));
        fixed (T* pdy = dy) fixed (int* pa = argmax) fixed (T* py = y) fixed (T* pdx = dx)
        {
            var range = new WinnerBackwardRange(s, pdy, pa, py, pdx, TakesNarrowReluRows(s), TakesShortReluRows(s));
            ComputePool.ForRanges(s.Batch, SamplesPerReluSelection(s), ref range);
        }
    }

    /// <summary>
    /// ty = ReLU'(x[argmax])·tx[argmax] + 0 with the derivative from y: the pooled tangent of <see cref="ReluMaxTangent"/>,
    /// bit for bit whenever y and argmax are what <see cref="ReluMaxForward"/> wrote, without the ReLU's tangent map.
    /// An arg-max outside its sample throws.
    /// </summary>
    public static void ReluMaxTangentThroughWinners(in PoolShape s, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty)
    {
        ValidateReluPair(s);
        s.ValidateInput(tx.Length, nameof(tx));
        s.ValidateOutput(ty.Length, nameof(ty));
        KernelGuard.Length(argmax.Length, ty.Length, nameof(argmax));
        KernelGuard.Length(y.Length, ty.Length, nameof(y));
        fixed (T* py = y) fixed (T* ptx = tx) fixed (int* pa = argmax) fixed (T* pty = ty)
        {
            var range = new WinnerTangentRange(s, py, ptx, pa, pty, TakesNarrowReluRows(s));
            ComputePool.ForRanges(s.Batch, SamplesPerReluSelection(s), ref range);
        }
    }

    /// <summary>
    /// ReLU's derivative at a window's winner, from the pooled output: ReLU′(x) is 1 exactly where x &gt; 0, which is
    /// where y = max(x, 0) &gt; 0, so ReluOp's own derivative rule applied to y gives it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec WinnerDerivative<TVec, TS>(TVec y) where TVec : struct where TS : ISimd<TVec, T> =>
        default(ReluOp<T>).Derivative<TVec, TS>(y, y);

    /// <summary>
    /// Whether <see cref="ReluMaxBackwardThroughWinners"/> writes each pair of input rows with one vector each: rows of
    /// at most half a vector of outputs (FashionCnn's pool2: 7 of float's 16 lanes) whose windows tile the input.
    /// </summary>
    internal static bool TakesShortReluRows(in PoolShape s) =>
        TakesNarrowRows(s.OW) && 2 * s.OW <= Vector512<T>.Count && s.W == 2 * s.OW && s.H == 2 * s.OH;

    /// <summary>
    /// <see cref="ReluMaxBackwardThroughWinners"/> a sample at a time: narrow rows from the registers (each row's values
    /// placed at its winners' lanes and interleaved back into the two input rows, as <c>NarrowReluSelectedRange</c>
    /// does), short rows the same way with one vector per input row (<see cref="Short"/>), other shapes and a sample
    /// whose arg-max leaves its window by clearing the sample and adding each window's value at its winner.
    /// </summary>
    private readonly struct WinnerBackwardRange(PoolShape s, T* dy, int* argmax, T* y, T* dx, bool narrow, bool shortRows) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            for (int b = start; b < start + count; b++)
            {
                bool done = narrow ? Narrow(b) : shortRows && Short(b);
                if (!done) Scatter(b);
            }
        }

        /// <summary>
        /// A sample of short rows: the windows tile the sample, so its input rows follow each other without gaps. Each
        /// input row is stored as one whole vector, in order: the lanes past the row's end fall on the rows after it,
        /// which later stores overwrite, so only the rows whose vector would leave the sample are masked (a spill there
        /// would reach the next sample, perhaps another lane's). The winners' lanes come from the lower half
        /// of <see cref="Interleave"/>, since a row's 2·OW elements fit in one vector.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Short(int b)
        {
            int width = s.W, oh = s.OH, channels = s.C;
            RowMasks(s, out var left, out var keptInts, out _, out _, out var kept);
            var rowMask = Lanes(2 * s.OW);
            long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
            T* end = dx + i0 + s.InputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    if (!RowWinners(s, argmax, o0, c, r, keptInts, left, out long row, out int origin, out var isA, out var isB, out var isC, out var isD)) return false;

                    var g = RowGradient(row, kept);
                    var top = InterleaveLow(At(isA, g), At(isB, g));
                    var bottom = InterleaveLow(At(isC, g), At(isD, g));
                    T* at = dx + i0 + origin;
                    StoreRow(top, at, end, rowMask);
                    StoreRow(bottom, at + width, end, rowMask);
                }
            }

            return true;
        }

        /// <summary>
        /// The gradients of output row <paramref name="row"/>'s windows: ReLU′ from y times (0 + dy), what the scatter
        /// adds at each winner, lane by lane.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<T> RowGradient(long row, Vector512<T> kept) =>
            Simd512<T>.MultiplyAdd(WinnerDerivative<Vector512<T>, Simd512<T>>(Load(y + row, kept)), Vector512<T>.Zero + Load(dy + row, kept), Vector512<T>.Zero);

        /// <summary><paramref name="g"/> on the lanes whose window's winner is at the position <paramref name="isWinner"/> names, +0 elsewhere.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> At(Vector512<int> isWinner, Vector512<T> g) => Vector512.ConditionalSelect(Widen(isWinner), g, Vector512<T>.Zero);

        /// <summary>One input row as a whole vector where that stays inside the sample, else masked to the row.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow(Vector512<T> row, T* at, T* end, Vector512<T> rowMask)
        {
            if (at + Vector512<T>.Count <= end) row.Store(at);
            else Store(row, at, rowMask);
        }

        private void Scatter(int b)
        {
            int inSize = s.InputSize, outSize = s.OutputSize;
            long i0 = (long)b * inSize, o0 = (long)b * outSize;
            T* gradient = dx + i0;
            new Span<T>(gradient, inSize).Clear();
            for (int o = 0; o < outSize; o++)
            {
                int index = argmax[o0 + o];
                if ((uint)index >= (uint)inSize) ThrowWinner(o0 + o, index, inSize);
                gradient[index] += T.FusedMultiplyAdd(WinnerDerivative<T, ScalarSimd<T>>(y[o0 + o]), T.Zero + dy[o0 + o], T.Zero);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Narrow(int b)
        {
            int w = Vector512<T>.Count, width = s.W, oh = s.OH, channels = s.C;
            RowMasks(s, out var left, out var keptInts, out var first, out var second, out var kept);
            long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    if (!RowWinners(s, argmax, o0, c, r, keptInts, left, out long row, out int origin, out var isA, out var isB, out var isC, out var isD)) return false;

                    var g = RowGradient(row, kept);
                    Interleave(At(isA, g), At(isB, g), out var t0, out var t1);
                    Interleave(At(isC, g), At(isD, g), out var b0, out var b1);
                    T* top = dx + i0 + origin;
                    Store(t0, top, first);
                    Store(t1, top + w, second);
                    Store(b0, top + width, first);
                    Store(b1, top + width + w, second);
                }
            }

            return true;
        }
    }

    /// <summary>
    /// <see cref="ReluMaxTangentThroughWinners"/> a sample at a time: narrow rows load each pair of tx rows once and
    /// keep each window's winner (as <c>NarrowReluTangentRange</c> does, without computing or storing the ReLU's
    /// tangent); other shapes and a sample whose arg-max leaves its window read tx at each winner.
    /// </summary>
    private readonly struct WinnerTangentRange(PoolShape s, T* y, T* tx, int* argmax, T* ty, bool narrow) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            for (int b = start; b < start + count; b++)
            {
                if (!narrow || !Narrow(b)) Gather(b);
            }
        }

        private void Gather(int b)
        {
            int inSize = s.InputSize, outSize = s.OutputSize;
            long i0 = (long)b * inSize, o0 = (long)b * outSize;
            for (int o = 0; o < outSize; o++)
            {
                int index = argmax[o0 + o];
                if ((uint)index >= (uint)inSize) ThrowWinner(o0 + o, index, inSize);
                ty[o0 + o] = T.FusedMultiplyAdd(WinnerDerivative<T, ScalarSimd<T>>(y[o0 + o]), tx[i0 + index], T.Zero);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Narrow(int b)
        {
            int w = Vector512<T>.Count, width = s.W, oh = s.OH, channels = s.C;
            RowMasks(s, out var left, out var keptInts, out var first, out var second, out var kept);
            long i0 = (long)b * s.InputSize, o0 = (long)b * s.OutputSize;
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    if (!RowWinners(s, argmax, o0, c, r, keptInts, left, out long row, out int origin, out var isA, out var isB, out var isC, out var isD)) return false;

                    T* top = tx + i0 + origin;
                    Simd512<T>.Deinterleave(Load(top, first), Load(top + w, second), out var a, out var bb);
                    Simd512<T>.Deinterleave(Load(top + width, first), Load(top + width + w, second), out var cc, out var d);
                    var value = Vector512.ConditionalSelect(Widen(isB), bb, a);
                    value = Vector512.ConditionalSelect(Widen(isC), cc, value);
                    value = Vector512.ConditionalSelect(Widen(isD), d, value);
                    var derivative = WinnerDerivative<Vector512<T>, Simd512<T>>(Load(y + row, kept));
                    Store(Simd512<T>.MultiplyAdd(derivative, value, Vector512<T>.Zero), ty + row, kept);
                }
            }

            return true;
        }
    }
}
