using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>The geometry of one convolution: a [C,H,W] sample, K filters of KH×KW, strides and zero padding.</summary>
internal readonly record struct ConvShape(int Batch, int C, int H, int W, int K, int KH, int KW, int SH, int SW, int PH, int PW)
{
    public int OH => (H + 2 * PH - KH) / SH + 1;
    public int OW => (W + 2 * PW - KW) / SW + 1;

    /// <summary>Output positions per sample.</summary>
    public int P => OH * OW;

    /// <summary>Rows of the im2col matrix: one per (channel, kernel row, kernel column).</summary>
    public int Q => C * KH * KW;

    public int InputSize => C * H * W;
    public int OutputSize => K * P;

    /// <summary>Threads that split the batch: one unless the whole batch is worth the pool.</summary>
    public int Slots => (long)Batch * K * Q * P >= ComputePool.ParallelThreshold ? Math.Min(Batch, ComputePool.Concurrency) : 1;

    /// <summary>Most samples one slot handles.</summary>
    public int SlotSamples => (int)(((long)Batch + Slots - 1) / Slots); // long: a batch near int.MaxValue must not wrap

    /// <summary>
    /// Samples whose im2col matrices backward keeps at once, so that the weight gradient of the group is one
    /// sum of products (one reduction per weight instead of one per sample). The group stays within
    /// <see cref="ColumnBudget"/> elements so that the products re-read it from the L2 cache, not from memory.
    /// </summary>
    public int Group => (int)Math.Clamp(ColumnBudget / ((long)Q * P), 1, SlotSamples);

    private const long ColumnBudget = 1 << 16;

    /// <summary>
    /// Scratch per slot: a group of im2col matrices, a group-wide col gradient (or, forward, the group's output
    /// as one [K × Group·P] matrix), a partial weight and bias gradient.
    /// </summary>
    public long SlotLength => (long)Group * P * (Q + Math.Max(Q, K)) + (long)K * Q + K;

    /// <summary>Offset of the partial weight gradient inside a slot.</summary>
    public long PartialOffset => (long)Group * P * (Q + Math.Max(Q, K));

    /// <summary>The im2col path's scratch, or the direct path's (<see cref="DirectGeometry"/>) when that is larger.</summary>
    public long ScratchLength => Math.Max(Slots * SlotLength, DirectGeometry.MaxScratchLength(this));
}

/// <summary>
/// Convolution as matrix products (im2col): per sample, col[Q × P] gathers the input patches, then
/// y = W[K × Q]·col (forward and tangent), dW += dy·colᵀ and dcol = Wᵀ·dy, scattered back into dx (col2im).
/// The batch is split over the compute pool into fixed slices with their own scratch, and the partial weight
/// gradients are summed in slice order, so the results do not depend on thread timing.
/// </summary>
internal static unsafe class ConvCore<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(in ConvShape s, ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, Span<T> scratch)
    {
        Validate(s, x.Length, weight.Length, y.Length, scratch.Length, nameof(x), nameof(y));
        KernelGuard.OptionalLength(bias.Length, s.K, nameof(bias));
        KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));
        KernelGuard.NoOverlap(x, scratch, nameof(x), nameof(scratch));
        KernelGuard.NoOverlap<T>(y, scratch, nameof(y), nameof(scratch));
        fixed (T* px = x) fixed (T* pw = weight) fixed (T* pb = bias) fixed (T* py = y) fixed (T* ps = scratch)
            Forward(s, px, pw, pb, py, ps);
    }

    public static void Tangent(in ConvShape s, ReadOnlySpan<T> tx, ReadOnlySpan<T> weight, Span<T> ty, Span<T> scratch)
    {
        Validate(s, tx.Length, weight.Length, ty.Length, scratch.Length, nameof(tx), nameof(ty));
        KernelGuard.NoOverlap(tx, ty, nameof(tx), nameof(ty));
        KernelGuard.NoOverlap(tx, scratch, nameof(tx), nameof(scratch));
        KernelGuard.NoOverlap<T>(ty, scratch, nameof(ty), nameof(scratch));
        fixed (T* px = tx) fixed (T* pw = weight) fixed (T* py = ty) fixed (T* ps = scratch)
            Forward(s, px, pw, null, py, ps);
    }

    public static void Backward(in ConvShape s, ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, Span<T> scratch)
    {
        Validate(s, x.Length, weight.Length, dy.Length, scratch.Length, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dWeight.Length, weight.Length, nameof(dWeight));
        KernelGuard.OptionalLength(dBias.Length, s.K, nameof(dBias));
        KernelGuard.NoOverlap(dy, dx, nameof(dy), nameof(dx));
        KernelGuard.NoOverlap(x, scratch, nameof(x), nameof(scratch));
        KernelGuard.NoOverlap(dy, scratch, nameof(dy), nameof(scratch));
        KernelGuard.NoOverlap<T>(dx, scratch, nameof(dx), nameof(scratch));
        KernelGuard.NoOverlap<T>(dWeight, scratch, nameof(dWeight), nameof(scratch));
        fixed (T* px = x) fixed (T* pw = weight) fixed (T* pdy = dy) fixed (T* pdx = dx) fixed (T* pdw = dWeight) fixed (T* pdb = dBias) fixed (T* ps = scratch)
            Backward(s, px, pw, pdy, pdx, pdw, pdb, ps);
    }

    private static void Validate(in ConvShape s, int xLength, int weightLength, int yLength, int scratchLength, string xName, string yName)
    {
        KernelGuard.Positive(s.Batch, "batch");
        KernelGuard.Positive(s.C, "inChannels");
        KernelGuard.Positive(s.K, "outChannels");
        KernelGuard.Positive(s.H, "height");
        KernelGuard.Positive(s.W, "width");
        KernelGuard.Window(s.H, s.KH, s.SH, s.PH, "height");
        KernelGuard.Window(s.W, s.KW, s.SW, s.PW, "width");
        KernelGuard.Length(xLength, (long)s.Batch * s.InputSize, xName);
        KernelGuard.Length(weightLength, (long)s.K * s.Q, "weight");
        KernelGuard.Length(yLength, (long)s.Batch * s.OutputSize, yName);
        KernelGuard.AtLeast(scratchLength, s.ScratchLength, "scratch");
    }

    /// <summary>y = W·col(x) (+ bias per filter), overwriting y; no bias when <paramref name="bias"/> is null.</summary>
    public static void Forward(in ConvShape s, T* x, T* weight, T* bias, T* y, T* scratch)
    {
        if (DirectConv<T>.AppliesForward(s))
        {
            DirectConv<T>.Forward(s, x, weight, bias, y, scratch);
            return;
        }

        var work = new ForwardWork { S = s, X = x, Weight = weight, Bias = bias, Y = y, Scratch = scratch };
        ComputePool.For(s.Slots, ref work);
    }

    private struct ForwardWork : IParallelWork
    {
        public ConvShape S;
        public T* X, Weight, Bias, Y, Scratch;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int slot)
        {
            int slots = S.Slots, p = S.P, group = S.Group;
            T* col = Scratch + slot * S.SlotLength;
            T* product = col + (long)group * S.Q * p;
            int first = S.Batch * slot / slots, end = S.Batch * (slot + 1) / slots;
            for (int g0 = first; g0 < end; g0 += group)
            {
                // A group of samples side by side: col [Q × count·P], one product [K × count·P] with count
                // times the columns of a single sample's (fuller register tiles, W packed once per group).
                int count = Math.Min(group, end - g0);
                if (count == 1)
                {
                    T* y = Y + (long)g0 * S.OutputSize;
                    Im2Col(S, X + (long)g0 * S.InputSize, col, p);
                    FillBias(y, p, p);
                    GemmCore<T>.Multiply(false, false, S.K, p, S.Q, Weight, col, y, p, accumulate: Bias != null, parallel: slots == 1);
                    continue;
                }

                int n = count * p;
                for (int b = 0; b < count; b++) Im2Col(S, X + (long)(g0 + b) * S.InputSize, col + (long)b * p, n);
                GemmCore<T>.Multiply(false, false, S.K, n, S.Q, Weight, col, product, n, accumulate: false, parallel: slots == 1);
                CopyOut(product, g0, count);
            }
        }

        /// <summary>Copies a group's product [K × count·P] to the samples' outputs [K, P], adding the bias on the way.</summary>
        private readonly void CopyOut(T* product, int g0, int count)
        {
            int p = S.P;
            long n = (long)count * p;
            for (int b = 0; b < count; b++)
            {
                T* y = Y + (long)(g0 + b) * S.OutputSize;
                for (int k = 0; k < S.K; k++)
                {
                    T* from = product + k * n + (long)b * p, to = y + (long)k * p;
                    if (Bias != null) TensorPrimitives.Add(new ReadOnlySpan<T>(from, p), Bias[k], new Span<T>(to, p));
                    else Buffer.MemoryCopy(from, to, (long)p * sizeof(T), (long)p * sizeof(T));
                }
            }
        }

        /// <summary>Rows of <paramref name="ldc"/> elements starting with <paramref name="width"/> copies of each filter's bias.</summary>
        private readonly void FillBias(T* c, int width, int ldc)
        {
            if (Bias == null) return;
            for (int k = 0; k < S.K; k++) new Span<T>(c + (long)k * ldc, width).Fill(Bias[k]);
        }
    }

    /// <summary>Accumulates dx, dWeight and dBias; a null pointer skips that gradient.</summary>
    public static void Backward(in ConvShape s, T* x, T* weight, T* dy, T* dx, T* dWeight, T* dBias, T* scratch)
    {
        if (dx != null && DirectConv<T>.AppliesBackward(s))
        {
            // dx by the direct kernel; the parameter gradients (training only) by im2col below.
            DirectConv<T>.BackwardData(s, weight, dy, dx, scratch);
            if (dWeight == null && dBias == null) return;
            dx = null;
        }

        var work = new BackwardWork { S = s, X = x, Weight = weight, Dy = dy, Dx = dx, DWeight = dWeight, DBias = dBias, Scratch = scratch };
        int slots = s.Slots;
        ComputePool.For(slots, ref work);

        // Sum the per-slot parameter gradients in slot order.
        int kq = s.K * s.Q;
        for (int slot = 0; slot < slots; slot++)
        {
            T* partial = scratch + slot * s.SlotLength + s.PartialOffset;
            if (dWeight != null) TensorPrimitives.Add(new ReadOnlySpan<T>(dWeight, kq), new ReadOnlySpan<T>(partial, kq), new Span<T>(dWeight, kq));
            if (dBias != null) TensorPrimitives.Add(new ReadOnlySpan<T>(dBias, s.K), new ReadOnlySpan<T>(partial + kq, s.K), new Span<T>(dBias, s.K));
        }
    }

    private struct BackwardWork : IParallelWork
    {
        public ConvShape S;
        public T* X, Weight, Dy, Dx, DWeight, DBias, Scratch;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int slot)
        {
            int slots = S.Slots, p = S.P, q = S.Q, k = S.K, group = S.Group;
            long colSize = (long)q * p;
            T* col = Scratch + slot * S.SlotLength;
            T* dcol = col + group * colSize;
            T* dw = col + S.PartialOffset;
            T* db = dw + (long)k * q;
            new Span<T>(dw, k * q + k).Clear();
            bool inner = slots == 1;
            int first = S.Batch * slot / slots, end = S.Batch * (slot + 1) / slots;
            for (int g0 = first; g0 < end; g0 += group)
            {
                int count = Math.Min(group, end - g0);
                T* dy = Dy + (long)g0 * S.OutputSize;
                if (DBias != null)
                {
                    for (int b = 0; b < count; b++)
                    {
                        for (int f = 0; f < k; f++) db[f] += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + (long)b * S.OutputSize + (long)f * p, p));
                    }
                }

                if (DWeight != null)
                {
                    for (int b = 0; b < count; b++) Im2Col(S, X + (long)(g0 + b) * S.InputSize, col + b * colSize, p);

                    // dW += Σ_samples dy·colᵀ: a group of several samples is one long sum of dot products (one
                    // reduction per weight); single samples go to the product, which picks its algorithm.
                    if (count > 1 && p >= 2 * Simd.Width<T>())
                    {
                        GemmCore<T>.DotProducts(dy, S.OutputSize, col, colSize, count, k, q, p, dw, q, accumulate: true, parallel: inner);
                    }
                    else
                    {
                        for (int b = 0; b < count; b++)
                            GemmCore<T>.Multiply(false, true, k, q, p, dy + (long)b * S.OutputSize, col + b * colSize, dw, q, accumulate: true, parallel: inner);
                    }
                }

                if (Dx != null)
                {
                    // dcol [Q × count·P] = Wᵀ·[dy of the group side by side], packed straight from the samples.
                    int n = count * p;
                    var source = new SampleColumns(dy, S.OutputSize, p);
                    GemmCore<T>.Run(new StridedSource<T>(Weight, 1, q), source, q, n, k, dcol, n, accumulate: false, parallel: inner);
                    for (int b = 0; b < count; b++) Col2ImAdd(S, dcol + (long)b * p, Dx + (long)(g0 + b) * S.InputSize, n);
                }
            }
        }
    }

    /// <summary>col[(c,i,j), (oh,ow)] = x[c, oh·SH + i − PH, ow·SW + j − PW], zero outside the image.</summary>
    /// <remarks>Rows of col start <paramref name="colStride"/> elements apart.</remarks>
    public static void Im2Col(in ConvShape s, T* x, T* col, long colStride)
    {
        var gather = new Gather();
        Walk(s, x, col, colStride, ref gather);
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: x[c, ih, iw] += col[(c,i,j), (oh,ow)] for every patch that covers it.</summary>
    /// <remarks>Rows of col start <paramref name="colStride"/> elements apart.</remarks>
    public static void Col2ImAdd(in ConvShape s, T* col, T* x, long colStride)
    {
        var scatter = new ScatterAdd();
        Walk(s, x, col, colStride, ref scatter);
    }

    /// <summary>
    /// The outputs (or output gradients) of consecutive samples side by side as one [K × count·P] operand:
    /// lane b·P + p, depth k at data[b·sampleStride + k·P + p].
    /// </summary>
    private readonly struct SampleColumns(T* data, int sampleStride, int p) : IPanelSource<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Pack(T* destination, int lane0, int lanes, int depth0, int depth, int width)
        {
            if (lanes < width)
            {
                for (int d = 0; d < depth; d++)
                    new Span<T>(destination + (long)d * width + lanes, width - lanes).Clear();
            }

            // Runs of lanes within one sample: one copy per run and depth step.
            for (int l = 0; l < lanes;)
            {
                int lane = lane0 + l, b = lane / p, position = lane - b * p;
                int run = Math.Min(lanes - l, p - position);
                T* source = data + (long)b * sampleStride + (long)depth0 * p + position;
                T* to = destination + l;
                uint bytes = (uint)(run * sizeof(T));
                for (int d = 0; d < depth; d++)
                    Unsafe.CopyBlockUnaligned(to + (long)d * width, source + (long)d * p, bytes);
                l += run;
            }
        }
    }

    /// <summary>
    /// What <see cref="Walk"/> does with one row of the col matrix (one (c, i, j), all positions), given its
    /// geometry: output rows [r0, r1) read image rows, the others fall in the padding; in a row, output columns
    /// [lo, hi) read image elements o·stride + offset, the others fall in the padding.
    /// </summary>
    private interface IColumnOp
    {
        /// <summary>Per output row: <paramref name="imageRow"/> is null for a padding row.</summary>
        void Row(T* colRow, T* imageRow, int width, int lo, int hi, int stride, int offset);

        /// <summary>
        /// Stride 1 with output rows as wide as image rows: rows [r0, r1) are one contiguous run of the image,
        /// starting (at output row r0, column lo) at <paramref name="source"/>.
        /// </summary>
        void Block(T* colRow, T* source, int height, int width, int r0, int r1, int lo, int hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Walk<TOp>(in ConvShape s, T* image, T* col, long colStride, ref TOp op) where TOp : struct, IColumnOp
    {
        int oh = s.OH, ow = s.OW;
        bool contiguous = s.SW == 1 && s.SH * s.W == ow;
        for (int c = 0; c < s.C; c++)
        {
            T* plane = image + (long)c * s.H * s.W;
            for (int i = 0; i < s.KH; i++)
            {
                // Valid output rows: 0 ≤ r·SH + i − PH < H.
                int r0 = Math.Min(oh, i >= s.PH ? 0 : (s.PH - i + s.SH - 1) / s.SH);
                int r1 = Math.Max(r0, Math.Min(oh, s.H - 1 - i + s.PH >= 0 ? (s.H - 1 - i + s.PH) / s.SH + 1 : 0));
                for (int j = 0; j < s.KW; j++)
                {
                    int offset = j - s.PW;
                    // Valid output columns: 0 ≤ o·SW + offset < W.
                    int lo = Math.Min(ow, offset >= 0 ? 0 : (-offset + s.SW - 1) / s.SW);
                    int hi = Math.Max(lo, Math.Min(ow, s.W - 1 - offset >= 0 ? (s.W - 1 - offset) / s.SW + 1 : 0));
                    if (contiguous && r1 > r0 && hi > lo)
                    {
                        op.Block(col, plane + (long)(r0 * s.SH + i - s.PH) * s.W + lo + offset, oh, ow, r0, r1, lo, hi);
                    }
                    else
                    {
                        for (int r = 0; r < oh; r++)
                        {
                            T* imageRow = r >= r0 && r < r1 ? plane + (long)(r * s.SH + i - s.PH) * s.W : null;
                            op.Row(col + (long)r * ow, imageRow, ow, lo, hi, s.SW, offset);
                        }
                    }

                    col += colStride;
                }
            }
        }
    }

    /// <summary>Zeroes columns outside [lo, hi) in rows [r0, r1) of a col row.</summary>
    private static void ClearMargins(T* colRow, int width, int r0, int r1, int lo, int hi)
    {
        for (int r = r0; r < r1; r++)
        {
            T* row = colRow + (long)r * width;
            for (int o = 0; o < lo; o++) row[o] = T.Zero;
            for (int o = hi; o < width; o++) row[o] = T.Zero;
        }
    }

    private readonly struct Gather : IColumnOp
    {
        public void Row(T* colRow, T* imageRow, int width, int lo, int hi, int stride, int offset)
        {
            if (imageRow == null)
            {
                new Span<T>(colRow, width).Clear();
                return;
            }

            new Span<T>(colRow, lo).Clear();
            if (stride == 1)
            {
                new ReadOnlySpan<T>(imageRow + lo + offset, hi - lo).CopyTo(new Span<T>(colRow + lo, hi - lo));
            }
            else
            {
                for (int o = lo; o < hi; o++) colRow[o] = imageRow[o * stride + offset];
            }

            new Span<T>(colRow + hi, width - hi).Clear();
        }

        public void Block(T* colRow, T* source, int height, int width, int r0, int r1, int lo, int hi)
        {
            // One copy of the whole run; it also drags the wrapped neighbours into the margins, zeroed after.
            new Span<T>(colRow, r0 * width).Clear();
            long start = (long)r0 * width + lo, length = (long)(r1 - 1 - r0) * width + hi - lo;
            Buffer.MemoryCopy(source, colRow + start, length * sizeof(T), length * sizeof(T));
            ClearMargins(colRow, width, r0, r1, lo, hi);
            new Span<T>(colRow + (long)r1 * width, (height - r1) * width).Clear();
        }
    }

    private readonly struct ScatterAdd : IColumnOp
    {
        public void Row(T* colRow, T* imageRow, int width, int lo, int hi, int stride, int offset)
        {
            if (imageRow == null) return;
            if (stride == 1)
            {
                var target = new Span<T>(imageRow + lo + offset, hi - lo);
                TensorPrimitives.Add(target, new ReadOnlySpan<T>(colRow + lo, hi - lo), target);
            }
            else
            {
                for (int o = lo; o < hi; o++) imageRow[o * stride + offset] += colRow[o];
            }
        }

        public void Block(T* colRow, T* source, int height, int width, int r0, int r1, int lo, int hi)
        {
            // The margins hold gradients of padding: zero them (col is scratch), then add the run in one pass.
            ClearMargins(colRow, width, r0, r1, lo, hi);
            int length = (r1 - 1 - r0) * width + hi - lo;
            var target = new Span<T>(source, length);
            TensorPrimitives.Add(target, new ReadOnlySpan<T>(colRow + (long)r0 * width + lo, length), target);
        }
    }
}
