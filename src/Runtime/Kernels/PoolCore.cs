using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// A pooling window over [C, H, W] samples: KH×KW, strides SH/SW, no padding. Max-over-time and global
/// average pooling are the windows that cover a whole row.
/// </summary>
internal readonly record struct PoolShape(int Batch, int C, int H, int W, int KH, int KW, int SH, int SW)
{
    public int OH => (H - KH) / SH + 1;
    public int OW => (W - KW) / SW + 1;
    public int InputSize => C * H * W;
    public int OutputSize => C * OH * OW;

    public void Validate()
    {
        KernelGuard.Positive(Batch, "batch");
        KernelGuard.Positive(C, "channels");
        KernelGuard.Positive(H, "height");
        KernelGuard.Positive(W, "width");
        KernelGuard.Window(H, KH, SH, 0, "height");
        KernelGuard.Window(W, KW, SW, 0, "width");
    }

    public void ValidateInput(int length, string name) => KernelGuard.Length(length, (long)Batch * InputSize, name);

    public void ValidateOutput(int length, string name) => KernelGuard.Length(length, (long)Batch * OutputSize, name);
}

/// <summary>
/// Max and average pooling over <see cref="PoolShape"/> windows, with their adjoints. Narrow windows are
/// vectorised across outputs: for each window element, the values under a chunk of outputs are gathered into a
/// contiguous column and combined with vector compares or adds (no data-dependent branches). Windows wider than
/// a vector (max over time, global average) reduce each window row with vector sums and maxima instead.
/// </summary>
internal static unsafe partial class PoolCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Outputs gathered at once.</summary>
    private const int Chunk = 256;

    /// <summary>Window rows at least this wide are reduced row by row.</summary>
    private const int WideWindow = 16;

    /// <summary>y = window max; argmax = index of the first maximum inside the sample's input (NaN wins).</summary>
    public static void MaxForward(in PoolShape s, ReadOnlySpan<T> x, Span<T> y, Span<int> argmax)
    {
        s.Validate();
        s.ValidateInput(x.Length, nameof(x));
        s.ValidateOutput(y.Length, nameof(y));
        KernelGuard.Length(argmax.Length, (long)s.Batch * s.OutputSize, nameof(argmax));
        fixed (T* px = x) fixed (T* py = y) fixed (int* pa = argmax)
        {
            if (IsPairWindow(s))
            {
                var pairs = new PairMaxRange(s, px, py, pa);
                ComputePool.ForRanges(s.Batch * s.C, PlanesPerPiece(s), ref pairs);
                return;
            }

            if (s.KW >= WideWindow)
            {
                ForEachWindow(s, px, new WideMaxOp(py, pa, s.KH, s.KW, s.W));
                return;
            }

            int* offsets = stackalloc int[s.KH * s.KW];
            for (int k = 0; k < s.KH * s.KW; k++) offsets[k] = WindowOffset(k, s.KW, s.W);
            Gathered(s, px, new MaxOp { Y = py, Argmax = pa, Offsets = offsets });
        }
    }

    /// <summary>dx[argmax] += dy (backward) for every output; with <see cref="GradientMode.Overwrite"/> each sample's dx is zeroed first.</summary>
    public static void MaxBackward(in PoolShape s, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, GradientMode mode)
    {
        bool accumulate = GradientModes.Accumulates(mode, nameof(mode));
        s.Validate();
        s.ValidateOutput(dy.Length, nameof(dy));
        KernelGuard.Length(argmax.Length, dy.Length, nameof(argmax));
        s.ValidateInput(dx.Length, nameof(dx));
        fixed (T* pdy = dy) fixed (int* pa = argmax) fixed (T* pdx = dx)
        {
            var range = new SelectedRange(s, pdy, pa, pdx, scatter: true, clearInput: !accumulate);
            ComputePool.ForRanges(s.Batch, SamplesPerSelection(s), ref range);
        }
    }

    /// <summary>ty = tx[argmax]: the max is locally the selected element.</summary>
    public static void MaxTangent(in PoolShape s, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty)
    {
        s.Validate();
        s.ValidateInput(tx.Length, nameof(tx));
        s.ValidateOutput(ty.Length, nameof(ty));
        KernelGuard.Length(argmax.Length, ty.Length, nameof(argmax));
        fixed (T* ptx = tx) fixed (int* pa = argmax) fixed (T* pty = ty)
        {
            var range = new SelectedRange(s, pty, pa, ptx, scatter: false, clearInput: false);
            ComputePool.ForRanges(s.Batch, SamplesPerSelection(s), ref range);
        }
    }

    /// <summary>
    /// ReLU then 2×2 / stride-2 max pooling in one pass over x: relu = max(x, 0), y = window max of relu, argmax its
    /// first maximum. H and W must be even (every element lies in one window).
    /// </summary>
    public static void ReluMaxForward(in PoolShape s, ReadOnlySpan<T> x, Span<T> relu, Span<T> y, Span<int> argmax) =>
        ReluMaxPair(s, x, relu, y, argmax, storeRelu: true);

    /// <summary>
    /// <see cref="ReluMaxForward(in PoolShape, ReadOnlySpan{T}, Span{T}, Span{T}, Span{int})"/> with the ReLU map
    /// written only where the kernel needs it: narrow rows (<see cref="TakesNarrowReluRows"/>) pool the ReLU's values
    /// from the registers and leave <paramref name="relu"/> as it was; other shapes pool it back from there. y and
    /// argmax are the same bit for bit.
    /// </summary>
    public static void ReluMaxForwardPooled(in PoolShape s, ReadOnlySpan<T> x, Span<T> relu, Span<T> y, Span<int> argmax) =>
        ReluMaxPair(s, x, relu, y, argmax, storeRelu: false);

    private static void ReluMaxPair(in PoolShape s, ReadOnlySpan<T> x, Span<T> relu, Span<T> y, Span<int> argmax, bool storeRelu)
    {
        ValidateReluPair(s);
        s.ValidateInput(x.Length, nameof(x));
        s.ValidateInput(relu.Length, nameof(relu));
        s.ValidateOutput(y.Length, nameof(y));
        KernelGuard.Length(argmax.Length, (long)s.Batch * s.OutputSize, nameof(argmax));
        KernelGuard.NoOverlap(x, relu, nameof(x), nameof(relu));
        if (!IsPairWindow(s))
        {
            // Types without vector support: the two unfused kernels, same results.
            ReluKernel.Forward(x, relu);
            MaxForward(s, relu, y, argmax);
            return;
        }

        fixed (T* px = x) fixed (T* pr = relu) fixed (T* py = y) fixed (int* pa = argmax)
        {
            // Smaller pieces than the pooling alone: the ReLU pass makes each plane cost more.
            var pairs = new PairMaxRange(s, px, py, pa, pr, storeRelu);
            ComputePool.ForRanges(s.Batch * s.C, Math.Max(1, (1 << 14) / (s.H * s.W)), ref pairs);
        }
    }

    /// <summary>
    /// The reverse of <see cref="ReluMaxForward"/> through the recorded arg-max: dRelu[argmax[o]] += dy[o] for every
    /// output o, then dx += (x &gt; 0 ? 1 : 0)·dRelu over the map — the pooling's backward and ReLU's, a sample at a
    /// time. <see cref="GradientMode.Overwrite"/> for dRelu zeroes each sample's part before the scatter; for dx it
    /// stores the product instead of adding it.
    /// </summary>
    public static void ReluMaxBackward(in PoolShape s, ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ReadOnlySpan<T> x, Span<T> dRelu, Span<T> dx, GradientMode reluGradient, GradientMode inputGradient)
    {
        bool accumulateRelu = GradientModes.Accumulates(reluGradient, nameof(reluGradient));
        bool accumulateInput = GradientModes.Accumulates(inputGradient, nameof(inputGradient));
        ValidateReluPair(s);
        s.ValidateOutput(dy.Length, nameof(dy));
        KernelGuard.Length(argmax.Length, dy.Length, nameof(argmax));
        s.ValidateInput(x.Length, nameof(x));
        s.ValidateInput(dRelu.Length, nameof(dRelu));
        s.ValidateInput(dx.Length, nameof(dx));
        fixed (T* pdy = dy) fixed (int* pa = argmax) fixed (T* px = x) fixed (T* pr = dRelu) fixed (T* pdx = dx)
        {
            var range = new ReluSelectedRange(s, pdy, pa, px, pr, pdx, accumulateRelu, accumulateInput);
            if (!accumulateRelu && !accumulateInput && TakesNarrowReluRows(s))
            {
                var rows = new NarrowReluSelectedRange(s, pdy, pa, px, pr, pdx, range);
                ComputePool.ForRanges(s.Batch, SamplesPerReluSelection(s), ref rows);
                return;
            }

            ComputePool.ForRanges(s.Batch, SamplesPerReluSelection(s), ref range);
        }
    }

    /// <summary>
    /// The tangent of <see cref="ReluMaxForward"/>: tRelu = ReLU'(x)·tx + 0 over the map and ty = tRelu[argmax]. Narrow
    /// rows do both from the registers (<c>NarrowReluTangentRange</c>); other shapes run ReLU's tangent and the gather.
    /// </summary>
    public static void ReluMaxTangent(in PoolShape s, ReadOnlySpan<T> x, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> tRelu, Span<T> ty)
    {
        ValidateReluPair(s);
        s.ValidateInput(x.Length, nameof(x));
        s.ValidateInput(tx.Length, nameof(tx));
        s.ValidateInput(tRelu.Length, nameof(tRelu));
        s.ValidateOutput(ty.Length, nameof(ty));
        KernelGuard.Length(argmax.Length, ty.Length, nameof(argmax));
        if (!TakesNarrowReluRows(s))
        {
            ReluTangentThenGather(s, x, tx, argmax, tRelu, ty);
            return;
        }

        fixed (T* px = x) fixed (T* ptx = tx) fixed (int* pa = argmax) fixed (T* pr = tRelu) fixed (T* pty = ty)
        {
            var rows = new NarrowReluTangentRange(s, px, ptx, pa, pr, pty);
            ComputePool.ForRanges(s.Batch, SamplesPerReluSelection(s), ref rows);
        }
    }

    /// <summary>The fused tangent as its two unfused steps: ReLU's tangent over the map, then the arg-max's gather.</summary>
    private static void ReluTangentThenGather(in PoolShape s, ReadOnlySpan<T> x, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> tRelu, Span<T> ty)
    {
        ReluKernel.Tangent(x, x, tx, tRelu);
        MaxTangent(s, tRelu, argmax, ty);
    }

    private static void ValidateReluPair(in PoolShape s)
    {
        s.Validate();
        if (s.H % 2 != 0) throw new ArgumentException($"Fused ReLU + 2×2 max pooling needs an even height; got {s.H}.", "height");
        if (s.W % 2 != 0) throw new ArgumentException($"Fused ReLU + 2×2 max pooling needs an even width; got {s.W}.", "width");
    }

    /// <summary>
    /// <see cref="ReluMaxBackward"/> over a range of samples, one sample at a time while it is in cache: the pooling's
    /// scatter into dRelu (every index checked), then ReLU's backward over the sample with the widest vectors,
    /// dx += (x &gt; 0 ? 1 : 0)·dRelu — exact, so equal to the unfused kernels bit for bit. Unless they accumulate,
    /// the sample's dRelu is zeroed before the scatter and dx is stored rather than added to: the same values as
    /// clearing the buffers first, without a separate pass over them.
    /// </summary>
    private readonly struct ReluSelectedRange(PoolShape s, T* dy, int* argmax, T* x, T* dRelu, T* dx, bool accumulateRelu, bool accumulateInput) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            for (int b = start; b < start + count; b++) Sample(b);
        }

        /// <summary>Sample <paramref name="b"/>'s scatter and ReLU backward.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Sample(int b)
        {
            int inSize = s.InputSize, outSize = s.OutputSize;
            long i0 = (long)b * inSize, o0 = (long)b * outSize;
            T* values = dy + o0;
            int* winners = argmax + o0;
            T* gradient = dRelu + i0;
            if (!accumulateRelu) new Span<T>(gradient, inSize).Clear();
            for (int o = 0; o < outSize; o++)
            {
                int index = winners[o];
                if ((uint)index >= (uint)inSize) ThrowWinner(o0 + o, index, inSize);
                gradient[index] += values[o];
            }

            int done = 0;
            if (Vector512.IsHardwareAccelerated) done = ReluBackward<Vector512<T>, Simd512<T>>(x + i0, gradient, dx + i0, inSize, accumulateInput);
            else if (Vector256.IsHardwareAccelerated) done = ReluBackward<Vector256<T>, Simd256<T>>(x + i0, gradient, dx + i0, inSize, accumulateInput);
            else if (Vector128.IsHardwareAccelerated) done = ReluBackward<Vector128<T>, Simd128<T>>(x + i0, gradient, dx + i0, inSize, accumulateInput);
            ReluBackward<T, ScalarSimd<T>>(x + i0 + done, gradient + done, dx + i0 + done, inSize - done, accumulateInput);
        }
    }

    /// <summary>dx (+)= ReLU'(x)·g over whole vectors (the derivative from <see cref="ReluOp{T}"/>); returns how many elements it did.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReluBackward<TVec, TS>(T* x, T* g, T* dx, int n, bool accumulate)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, i = 0;
        if (accumulate)
        {
            for (; i <= n - w; i += w)
                TS.Store(TS.MultiplyAdd(default(ReluOp<T>).Derivative<TVec, TS>(TS.Load(x + i), TS.Zero), TS.Load(g + i), TS.Load(dx + i)), dx + i);
        }
        else
        {
            // Adding +0 turns a product of -0 (a blocked negative gradient) into +0, as accumulating onto zeros gives.
            for (; i <= n - w; i += w)
                TS.Store(TS.MultiplyAdd(default(ReluOp<T>).Derivative<TVec, TS>(TS.Load(x + i), TS.Zero), TS.Load(g + i), TS.Zero), dx + i);
        }

        return i;
    }

    /// <summary>Samples per parallel piece of the fused ReLU + pooling backward: about 8K outputs.</summary>
    private static int SamplesPerReluSelection(in PoolShape s) => (int)Math.Max(1, (1L << 13) / Math.Max(1L, s.OutputSize));

    /// <summary>Samples per parallel piece of a scatter or gather through the arg-max: about 32K outputs.</summary>
    private static int SamplesPerSelection(in PoolShape s) => (int)Math.Max(1, (1L << 15) / Math.Max(1L, s.OutputSize));

    /// <summary>
    /// The arg-max's scatter (<c>input[argmax] += output</c>, backward) or gather (<c>output = input[argmax]</c>,
    /// tangent) over a range of samples; every index is checked against the sample's input.
    /// </summary>
    private readonly struct SelectedRange(PoolShape s, T* output, int* argmax, T* input, bool scatter, bool clearInput) : IRangeWork
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int count)
        {
            int inSize = s.InputSize, outSize = s.OutputSize;
            for (int b = start; b < start + count; b++)
            {
                T* sample = input + (long)b * inSize;
                long o0 = (long)b * outSize;
                T* values = output + o0;
                int* winners = argmax + o0;
                if (scatter)
                {
                    // Overwrite mode: the sample's gradient is zeroed here, in cache, instead of by a pass over the whole buffer.
                    if (clearInput) new Span<T>(sample, inSize).Clear();
                    for (int o = 0; o < outSize; o++)
                    {
                        int index = winners[o];
                        if ((uint)index >= (uint)inSize) ThrowWinner(o0 + o, index, inSize);
                        sample[index] += values[o];
                    }
                }
                else
                {
                    for (int o = 0; o < outSize; o++)
                    {
                        int index = winners[o];
                        if ((uint)index >= (uint)inSize) ThrowWinner(o0 + o, index, inSize);
                        values[o] = sample[index];
                    }
                }
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowWinner(long o, int index, int inSize) =>
        throw new ArgumentException($"argmax[{o}] = {index} is outside the sample's input (size {inSize}); pass the arg-max that Forward recorded.", "argmax");

    /// <summary>
    /// 2×2 windows with stride 2 on float or double: the <see cref="PairMaxRange"/> fast path. (Index arithmetic
    /// in T stays exact: it never exceeds 3·W.)
    /// </summary>
    private static bool IsPairWindow(in PoolShape s) =>
        s.KH == 2 && s.KW == 2 && s.SH == 2 && s.SW == 2 && Simd.IsVectorizable<T>() && s.W < (1 << 20);

    /// <summary>Planes per parallel piece of the 2×2 fast path: about 64K input elements.</summary>
    private static int PlanesPerPiece(in PoolShape s) => Math.Max(1, (1 << 16) / (s.H * s.W));

    /// <summary>
    /// 2×2, stride-2 max pooling over a range of planes (batch × channel). Each output row is done a vector of
    /// outputs at a time: two vectors of each input row are split into their even and odd columns, the pairs of
    /// each row are reduced, then the two rows (the same first-maximum / NaN rule as <see cref="MaxStep"/>: the
    /// earlier element in the window wins ties). The last vector of a row overlaps the previous one when the row
    /// is not a whole number of vectors; the vector width is the widest that fits in one output row.
    /// </summary>
    /// <remarks>
    /// With <paramref name="relu"/> set (not null) the range is ReLU and pooling fused: a few planes at a time
    /// (<see cref="ReluPlanes"/>, about 16 KB) go through max(·, 0) into <paramref name="relu"/> with the widest
    /// vectors, and the pooling reads them back while they are still in the L1 cache.
    /// </remarks>
    private readonly struct PairMaxRange(PoolShape s, T* x, T* y, int* argmax, T* relu = null, bool storeRelu = true) : IRangeWork
    {
        public void Run(int start, int count)
        {
            if (relu == null)
            {
                Pool(x, start, start + count);
                return;
            }

            if (TakesNarrowReluRows(s))
            {
                NarrowPlanes(s, x, y, argmax, start, start + count, relu, storeRelu);
                return;
            }

            int plane = s.H * s.W, step = Math.Max(1, (1 << 14) / (plane * sizeof(T)));
            for (int p = start; p < start + count; p += step)
            {
                int p1 = Math.Min(start + count, p + step);
                long from = (long)p * plane, length = (long)(p1 - p) * plane;
                ReluPlanes(x + from, relu + from, length);
                Pool(relu, p, p1);
            }
        }

        private void Pool(T* input, int p0, int p1)
        {
            int ow = s.OW;
            if (TakesNarrowRows(ow)) NarrowPlanes(s, input, y, argmax, p0, p1);
            else if (Vector512.IsHardwareAccelerated && ow >= Vector512<T>.Count) Planes<Vector512<T>, Simd512<T>>(s, input, y, argmax, p0, p1);
            else if (Vector256.IsHardwareAccelerated && ow >= Vector256<T>.Count) Planes<Vector256<T>, Simd256<T>>(s, input, y, argmax, p0, p1);
            else if (Vector128.IsHardwareAccelerated && ow >= Vector128<T>.Count) Planes<Vector128<T>, Simd128<T>>(s, input, y, argmax, p0, p1);
            else Planes<T, ScalarSimd<T>>(s, input, y, argmax, p0, p1);
        }
    }

    /// <summary>relu = max(x, 0) over a contiguous run, with ReluOp's vector form (the unfused ReLU's values).</summary>
    private static void ReluPlanes(T* x, T* relu, long length)
    {
        if (Vector512.IsHardwareAccelerated && length >= Vector512<T>.Count) ReluRun<Vector512<T>, Simd512<T>>(x, relu, length);
        else if (Vector256.IsHardwareAccelerated && length >= Vector256<T>.Count) ReluRun<Vector256<T>, Simd256<T>>(x, relu, length);
        else if (Vector128.IsHardwareAccelerated && length >= Vector128<T>.Count) ReluRun<Vector128<T>, Simd128<T>>(x, relu, length);
        else ReluRun<T, ScalarSimd<T>>(x, relu, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluRun<TVec, TS>(T* x, T* relu, long length)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count;
        for (long i = 0; i < length; i += w)
        {
            long at = Math.Min(i, length - w); // the last vector overlaps the one before: same values again
            TS.Store(default(ReluOp<T>).Value<TVec, TS>(TS.Load(x + at)), relu + at);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Planes<TVec, TS>(in PoolShape s, T* x, T* y, int* argmax, int p0, int p1)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, width = s.W, oh = s.OH, ow = s.OW, plane = s.H * s.W, channels = s.C;
        TVec left = TS.Add(TS.Indices, TS.Indices), right = TS.Add(left, TS.Create(T.One));
        TVec lowerLeft = TS.Add(left, TS.Create(T.CreateTruncating(width))), lowerRight = TS.Add(right, TS.Create(T.CreateTruncating(width)));
        for (int p = p0; p < p1; p++)
        {
            T* input = x + (long)p * plane;
            long outputPlane = (long)p * oh * ow;
            int origin = p % channels * plane;
            for (int r = 0; r < oh; r++)
            {
                T* top = input + 2 * r * width;
                T* bottom = top + width;
                T* yRow = y + outputPlane + r * ow;
                int* aRow = argmax + outputPlane + r * ow;
                int rowOrigin = origin + 2 * r * width;
                for (int q = 0; q < ow; q += w)
                {
                    int q0 = Math.Min(q, ow - w);
                    TS.Deinterleave(TS.Load(top + 2 * q0), TS.Load(top + 2 * q0 + w), out TVec a, out TVec b);
                    TS.Deinterleave(TS.Load(bottom + 2 * q0), TS.Load(bottom + 2 * q0 + w), out TVec c, out TVec d);

                    var (value, at) = WindowMax<TVec, TS>(a, b, c, d, left, right, lowerLeft, lowerRight);
                    TS.Store(value, yRow + q0);
                    TS.StoreInt32(at, rowOrigin + 2 * q0, aRow + q0);
                }
            }
        }
    }

    /// <summary>
    /// The maxima of 2×2 windows, lane by lane, from their four elements (upper left and right, lower left and right) and
    /// those elements' positions, and the winner's position: b replaces a when a is a number and b is not ≤ a (greater,
    /// or NaN), the same between c and d, then between the two rows — the first maximum wins, NaN wins.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec Value, TVec At) WindowMax<TVec, TS>(TVec a, TVec b, TVec c, TVec d, TVec left, TVec right, TVec lowerLeft, TVec lowerRight)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        TVec upperPick = TS.AndNot(TS.Equal(a, a), TS.LessThanOrEqual(b, a));
        TVec upper = TS.Select(upperPick, b, a), upperAt = TS.Select(upperPick, right, left);
        TVec lowerPick = TS.AndNot(TS.Equal(c, c), TS.LessThanOrEqual(d, c));
        TVec lower = TS.Select(lowerPick, d, c), lowerAt = TS.Select(lowerPick, lowerRight, lowerLeft);
        TVec pick = TS.AndNot(TS.Equal(upper, upper), TS.LessThanOrEqual(lower, upper));
        return (TS.Select(pick, lower, upper), TS.Select(pick, lowerAt, upperAt));
    }

    /// <summary>y = window mean. Linear, so it is also the tangent.</summary>
    public static void AverageForward(in PoolShape s, ReadOnlySpan<T> x, Span<T> y, string xName, string yName)
    {
        s.Validate();
        s.ValidateInput(x.Length, xName);
        s.ValidateOutput(y.Length, yName);
        T scale = T.One / T.CreateTruncating(s.KH * s.KW);
        fixed (T* px = x) fixed (T* py = y)
        {
            if (s.KW >= WideWindow) ForEachWindow(s, px, new WideMeanOp(py, scale, s.KH, s.KW, s.W));
            else Gathered(s, px, new MeanOp { Y = py, Scale = scale });
        }
    }

    /// <summary>dx += dy / (KH·KW) over each window.</summary>
    public static void AverageBackward(in PoolShape s, ReadOnlySpan<T> dy, Span<T> dx)
    {
        s.Validate();
        s.ValidateOutput(dy.Length, nameof(dy));
        s.ValidateInput(dx.Length, nameof(dx));
        fixed (T* pdy = dy) fixed (T* pdx = dx)
        {
            ForEachWindow(s, pdx, new SpreadOp(pdy, T.One / T.CreateTruncating(s.KH * s.KW), s.KH, s.KW, s.W));
        }
    }

    /// <summary>How <c>Gathered</c> combines the columns of one chunk of outputs.</summary>
    private interface IColumnReduce
    {
        /// <summary>
        /// Window element <paramref name="k"/> (row-major in the window) for the chunk's outputs;
        /// <paramref name="first"/> and <paramref name="second"/> hold the chunk's running state.
        /// </summary>
        void Step(int k, T* column, int count, T* first, T* second);

        /// <summary>Writes outputs [<paramref name="o"/>, +count); <paramref name="origins"/> are the windows' offsets in their sample.</summary>
        void End(int o, int* origins, int count, T* first, T* second);
    }

    /// <summary>Runs a gathered reduction over the batch, split by samples over the compute pool.</summary>
    private static void Gathered<TOp>(in PoolShape s, T* data, TOp op) where TOp : struct, IColumnReduce
    {
        var range = new GatheredRange<TOp>(s, data, op);
        ComputePool.ForRanges(s.Batch, SamplesPerPiece(s), ref range);
    }

    /// <summary>Samples per parallel piece: about 64K window elements, so that small batches stay on one thread.</summary>
    private static int SamplesPerPiece(in PoolShape s) => (int)Math.Max(1, (1L << 16) / Math.Max(1L, (long)s.OutputSize * s.KH * s.KW));

    private readonly struct GatheredRange<TOp>(PoolShape s, T* data, TOp op) : IRangeWork where TOp : struct, IColumnReduce
    {
        public void Run(int start, int count) => Gathered(s, data, op, start, start + count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gathered<TOp>(in PoolShape s, T* data, TOp op, int b0, int b1) where TOp : struct, IColumnReduce
    {
        int* origins = stackalloc int[Chunk];
        T* column = stackalloc T[Chunk];
        T* first = stackalloc T[Chunk];
        T* second = stackalloc T[Chunk];
        int outSize = s.OutputSize, inSize = s.InputSize, window = s.KH * s.KW;
        int kw = s.KW, width = s.W, oh = s.OH, ow = s.OW, rowStep = s.SH * s.W, columnStep = s.SW, plane = s.H * s.W;
        for (int b = b0; b < b1; b++)
        {
            T* sample = data + (long)b * inSize;
            int c = 0, r = 0, q = 0;
            for (int o0 = 0; o0 < outSize; o0 += Chunk)
            {
                int count = Math.Min(Chunk, outSize - o0);
                for (int n = 0; n < count; n++)
                {
                    origins[n] = c * plane + r * rowStep + q * columnStep;
                    if (++q == ow)
                    {
                        q = 0;
                        if (++r == oh) { r = 0; c++; }
                    }
                }

                for (int k = 0; k < window; k++)
                {
                    T* at = sample + WindowOffset(k, kw, width);
                    for (int n = 0; n < count; n++) column[n] = at[origins[n]];
                    op.Step(k, column, count, first, second);
                }

                op.End(b * outSize + o0, origins, count, first, second);
            }
        }
    }

    /// <summary>Offset of window element k (row-major in a window kw wide) from the window's origin.</summary>
    private static int WindowOffset(int k, int kw, int width) => k / kw * width + k % kw;

    private struct MaxOp : IColumnReduce
    {
        public T* Y;
        public int* Argmax;

        /// <summary>Offset of each window element from the window's origin.</summary>
        public int* Offsets;

        /// <summary>Keeps the running maximum in <paramref name="best"/> and its window element in <paramref name="which"/>.</summary>
        public readonly void Step(int k, T* column, int count, T* best, T* which)
        {
            if (k == 0)
            {
                new ReadOnlySpan<T>(column, count).CopyTo(new Span<T>(best, count));
                new Span<T>(which, count).Clear();
                return;
            }

            T key = T.CreateTruncating(k);
            int done = 0;
            if (Simd.IsVectorizable<T>())
            {
                if (Vector512.IsHardwareAccelerated) done = MaxStep<Vector512<T>, Simd512<T>>(column, best, which, key, 0, count);
                else if (Vector256.IsHardwareAccelerated) done = MaxStep<Vector256<T>, Simd256<T>>(column, best, which, key, 0, count);
                else if (Vector128.IsHardwareAccelerated) done = MaxStep<Vector128<T>, Simd128<T>>(column, best, which, key, 0, count);
            }

            MaxStep<T, ScalarSimd<T>>(column, best, which, key, done, count);
        }

        public readonly void End(int o, int* origins, int count, T* best, T* which)
        {
            new ReadOnlySpan<T>(best, count).CopyTo(new Span<T>(Y + o, count));
            for (int n = 0; n < count; n++) Argmax[o + n] = origins[n] + Offsets[Simd.ToInt32(which[n])];
        }
    }

    /// <summary>
    /// best = v where v beats best: strictly greater (so the first maximum wins), or NaN over a number (and a NaN
    /// then stays). Returns the index where it stopped (whole vectors only).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MaxStep<TVec, TS>(T* column, T* best, T* which, T key, int start, int count)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int w = TS.Count, n = start;
        TVec keys = TS.Create(key);
        for (; n <= count - w; n += w)
        {
            TVec v = TS.Load(column + n), m = TS.Load(best + n);
            TVec replace = TS.AndNot(TS.Equal(m, m), TS.LessThanOrEqual(v, m));
            TS.Store(TS.Select(replace, v, m), best + n);
            TS.Store(TS.Select(replace, keys, TS.Load(which + n)), which + n);
        }

        return n;
    }

    private struct MeanOp : IColumnReduce
    {
        public T* Y;
        public T Scale;

        /// <summary>Keeps the running sum in <paramref name="sum"/>.</summary>
        public readonly void Step(int k, T* column, int count, T* sum, T* unused)
        {
            var total = new Span<T>(sum, count);
            if (k == 0) new ReadOnlySpan<T>(column, count).CopyTo(total);
            else TensorPrimitives.Add(total, new ReadOnlySpan<T>(column, count), total);
        }

        public readonly void End(int o, int* origins, int count, T* sum, T* unused) =>
            TensorPrimitives.Multiply(new ReadOnlySpan<T>(sum, count), Scale, new Span<T>(Y + o, count));
    }

    /// <summary>What <c>ForEachWindow</c> does with one window.</summary>
    private interface IWindowOp
    {
        /// <summary>Output <paramref name="o"/> (flat over the batch); its window starts <paramref name="origin"/> elements into <paramref name="sample"/>.</summary>
        void Window(int o, T* sample, int origin);
    }

    /// <summary>Visits every window, split by samples over the compute pool (each window belongs to one sample).</summary>
    private static void ForEachWindow<TOp>(in PoolShape s, T* data, TOp op) where TOp : struct, IWindowOp
    {
        var range = new WindowRange<TOp>(s, data, op);
        ComputePool.ForRanges(s.Batch, SamplesPerPiece(s), ref range);
    }

    private readonly struct WindowRange<TOp>(PoolShape s, T* data, TOp op) : IRangeWork where TOp : struct, IWindowOp
    {
        public void Run(int start, int count) => ForEachWindow(s, data, op, start, start + count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForEachWindow<TOp>(in PoolShape s, T* data, TOp op, int b0, int b1) where TOp : struct, IWindowOp
    {
        int oh = s.OH, ow = s.OW, rowStep = s.SH * s.W, columnStep = s.SW, plane = s.H * s.W;
        for (int b = b0; b < b1; b++)
        {
            T* sample = data + (long)b * s.InputSize;
            int o = b * s.OutputSize;
            for (int c = 0; c < s.C; c++)
            {
                for (int r = 0; r < oh; r++)
                {
                    int origin = c * plane + r * rowStep;
                    for (int q = 0; q < ow; q++, o++, origin += columnStep) op.Window(o, sample, origin);
                }
            }
        }
    }

    /// <summary>Wide windows: per window row, the vector maximum, then the first index that holds it.</summary>
    private readonly struct WideMaxOp(T* y, int* argmax, int rows, int columns, int width) : IWindowOp
    {
        public void Window(int o, T* sample, int origin)
        {
            T max = T.Zero;
            int best = -1;
            for (int i = 0; i < rows; i++)
            {
                var row = new ReadOnlySpan<T>(sample + origin + i * width, columns);
                T rowMax = TensorPrimitives.Max(row);
                if (best < 0 || (!(rowMax <= max) && !T.IsNaN(max)))
                {
                    max = rowMax;
                    best = i * width + row.IndexOf(rowMax);
                }
            }

            y[o] = max;
            argmax[o] = origin + best;
        }
    }

    /// <summary>Wide windows: vector sums of the window rows.</summary>
    private readonly struct WideMeanOp(T* y, T scale, int rows, int columns, int width) : IWindowOp
    {
        public void Window(int o, T* sample, int origin)
        {
            T sum = T.Zero;
            for (int i = 0; i < rows; i++) sum += TensorPrimitives.Sum(new ReadOnlySpan<T>(sample + origin + i * width, columns));
            y[o] = sum * scale;
        }
    }

    /// <summary>The average's adjoint: every element of a window gets dy / window size.</summary>
    private readonly struct SpreadOp(T* dy, T scale, int rows, int columns, int width) : IWindowOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Window(int o, T* sample, int origin)
        {
            T g = dy[o] * scale;
            for (int i = 0; i < rows; i++)
            {
                T* row = sample + origin + (long)i * width;
                if (columns >= WideWindow) TensorPrimitives.Add(new ReadOnlySpan<T>(row, columns), g, new Span<T>(row, columns));
                else for (int j = 0; j < columns; j++) row[j] += g;
            }
        }
    }
}
