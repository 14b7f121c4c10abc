using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// One stride-1 correlation as the direct convolution runs it: <c>Ci</c> input planes of Hi×Wi, zero padding
/// (PH, PW), <c>Co</c> output planes of Ho×Wo, a KH×KW window. Forward and tangent are this with the layer's
/// geometry; backward dx is the same correlation of dy with the flipped, transposed filters and padding k − 1 − p.
/// </summary>
/// <remarks>
/// The input is copied into zero-padded planes of width Wp = Wi + 2·PW, so output (r, o) reads input r·Wp + o +
/// i·Wp + j of each plane: with positions numbered r·Wp + o the whole output is a 1-D correlation over flat,
/// contiguous memory, and a vector of consecutive positions reads a vector of consecutive inputs per tap. The
/// Wp − Wo positions at the end of each row are computed and dropped (2 of 16 for a padded 14-wide image).
/// </remarks>
internal readonly record struct DirectGeometry(int Ci, int Hi, int Wi, int Co, int KH, int KW, int PH, int PW, int Vector, int Block)
{
    /// <summary>Output channels one micro-kernel call computes.</summary>
    public const int Channels = 8;

    public int Wp => Wi + 2 * PW;
    public int Hp => Hi + 2 * PH;
    public int Ho => Hp - KH + 1;
    public int Wo => Wp - KW + 1;

    /// <summary>Positions computed per output plane: Ho rows of Wp, rounded up to whole blocks.</summary>
    public int Span { get; } = ((Hi + 2 * PH - KH + 1) * (Wi + 2 * PW) + Block - 1) / Block * Block;

    /// <summary>Elements per padded input plane, with a tail that the last block's overhanging reads land in.</summary>
    /// <remarks>
    /// Stored, as <see cref="Span"/> is: each micro-kernel call and each padded plane reads them, and computing them
    /// there (two integer divisions) showed as 0.7 % of the test set's profile.
    /// </remarks>
    public int PlaneStride { get; } = ((Hi + 2 * PH) * (Wi + 2 * PW) + Block + KW + Vector - 1) / Vector * Vector;

    public int ChannelBlocks => (Co + Channels - 1) / Channels;

    /// <summary>Packed filters: per block of 8 output channels, per (input channel, i, j), 8 weights.</summary>
    public int PackedLength => ChannelBlocks * Ci * KH * KW * Channels;

    /// <summary>Per thread: the padded input planes and the computed output planes (and a vector that the last row's reads may reach).</summary>
    public long SlotLength => (long)Ci * PlaneStride + (long)Co * Span + Vector;

    public static DirectGeometry Forward(in ConvShape s, int vector, int block) => new(s.C, s.H, s.W, s.K, s.KH, s.KW, s.PH, s.PW, vector, block);

    /// <summary>Backward dx: dy correlated with the flipped filters, padding k − 1 − p, back to the input's size.</summary>
    public static DirectGeometry Backward(in ConvShape s, int vector, int block) => new(s.K, s.OH, s.OW, s.C, s.KH, s.KW, s.KH - 1 - s.PH, s.KW - 1 - s.PW, vector, block);

    /// <summary>Packed filters (the larger of forward's and backward's), then one slot per thread.</summary>
    public static long ScratchLength(in ConvShape s, int vector, int block)
    {
        DirectGeometry f = Forward(s, vector, block), b = Backward(s, vector, block);
        return Math.Max(f.PackedLength, b.PackedLength) + s.Slots * Math.Max(f.SlotLength, b.SlotLength);
    }

    /// <summary>
    /// Scratch for every element type and vector width (vectors of up to 16 elements, blocks of up to 32), as
    /// <see cref="ConvShape.ScratchLength"/> reserves it: the shape alone decides, not the type.
    /// </summary>
    public static long MaxScratchLength(in ConvShape s) => s.SH == 1 && s.SW == 1 && s.PH < s.KH && s.PW < s.KW ? ScratchLength(s, 16, 32) : 0;
}

/// <summary>Off: every convolution takes the im2col path (tests compare the two; benchmarks time them side by side).</summary>
internal static class DirectConvSwitch
{
    public static bool Enabled = true;

    /// <summary>Off: the micro-kernel always goes through the computed planes and the copy-out (for A/B timing).</summary>
    public static bool RowStore = true;
}

/// <summary>
/// Direct stride-1 convolution for the small channel counts of compact CNNs (see <see cref="DirectGeometry"/>):
/// a register-blocked micro-kernel keeps 8 output channels × 2 vectors of positions (1 vector on 16-register
/// targets) in accumulators and, per tap, loads the input vectors once and multiplies them by 8 broadcast weights.
/// No im2col matrix is built. Forward, tangent and backward dx run here; the weight gradient stays with im2col.
/// </summary>
internal static unsafe partial class DirectConv<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether the direct kernel computes y (forward and tangent): at least 4 output channels to fill its 8.</summary>
    public static bool AppliesForward(in ConvShape s) => Applies(s) && s.K >= 4;

    /// <summary>Whether the direct kernel computes dx: at least 4 input channels (the backward pass's outputs).</summary>
    public static bool AppliesBackward(in ConvShape s) => Applies(s) && s.C >= 4;

    /// <summary>
    /// Stride 1, padding below the window (so that backward is a correlation too), float or double with vector
    /// hardware, and the small channel counts it is for: with many channels the im2col product's packed panels win.
    /// </summary>
    private static bool Applies(in ConvShape s) =>
        DirectConvSwitch.Enabled && Simd.IsVectorizable<T>() && Vector128.IsHardwareAccelerated && s.SH == 1 && s.SW == 1 &&
        s.PH < s.KH && s.PW < s.KW && s.C <= 16 && s.K <= 32 && (long)(s.H + 2 * s.PH) * (s.W + 2 * s.PW) <= 1 << 16;

    private static int VectorCount => Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256.IsHardwareAccelerated ? Vector256<T>.Count : Vector128<T>.Count;

    private static int BlockVectors => Simd.Registers >= 32 ? 2 : 1;

    private static DirectGeometry ForwardGeometry(in ConvShape s) => DirectGeometry.Forward(s, VectorCount, VectorCount * BlockVectors);

    private static DirectGeometry BackwardGeometry(in ConvShape s) => DirectGeometry.Backward(s, VectorCount, VectorCount * BlockVectors);

    /// <summary>y = conv(x) (+ bias), overwriting y; no bias when <paramref name="bias"/> is null.</summary>
    public static void Forward(in ConvShape s, T* x, T* weight, T* bias, T* y, T* scratch)
    {
        var g = ForwardGeometry(s);
        PackForward(g, weight, scratch);
        Run(s, g, x, s.InputSize, scratch, bias, y, s.OutputSize, accumulate: false, scratch);
    }

    /// <summary>dx += the adjoint of the convolution applied to dy.</summary>
    public static void BackwardData(in ConvShape s, T* weight, T* dy, T* dx, T* scratch)
    {
        var g = BackwardGeometry(s);
        PackBackward(g, weight, scratch);
        Run(s, g, dy, s.OutputSize, scratch, null, dx, s.InputSize, accumulate: true, scratch);
    }

    private static void Run(in ConvShape s, in DirectGeometry g, T* input, int inputSize, T* packed, T* bias, T* output, int outputSize, bool accumulate, T* scratch)
    {
        DirectGeometry f = ForwardGeometry(s), b = BackwardGeometry(s);
        long packedLength = Math.Max(f.PackedLength, b.PackedLength);
        long slotLength = Math.Max(f.SlotLength, b.SlotLength);
        var work = new Work
        {
            G = g, Batch = s.Batch, Slots = s.Slots, Input = input, InputSize = inputSize, Packed = packed, Bias = bias,
            Output = output, OutputSize = outputSize, Accumulate = accumulate, Slot0 = scratch + packedLength, SlotLength = slotLength,
        };
        ComputePool.For(s.Slots, ref work);
    }

    /// <summary>Forward filters [K, C, KH, KW] as [K/8][C][KH][KW][8], zero for the channels past K.</summary>
    private static void PackForward(in DirectGeometry g, T* weight, T* packed)
    {
        int taps = g.Ci * g.KH * g.KW;
        for (int block = 0; block < g.ChannelBlocks; block++)
        {
            T* to = packed + (long)block * taps * DirectGeometry.Channels;
            for (int t = 0; t < taps; t++)
            {
                for (int lane = 0; lane < DirectGeometry.Channels; lane++)
                {
                    int k = block * DirectGeometry.Channels + lane;
                    to[t * DirectGeometry.Channels + lane] = k < g.Co ? weight[(long)k * taps + t] : T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Backward filters: input channel k of dy, output channel c of dx, flipped window:
    /// packed[c/8][k][i][j][c%8] = weight[k, c, KH−1−i, KW−1−j].
    /// </summary>
    private static void PackBackward(in DirectGeometry g, T* weight, T* packed)
    {
        int kh = g.KH, kw = g.KW, window = kh * kw, c = g.Co, taps = g.Ci * window;
        for (int block = 0; block < g.ChannelBlocks; block++)
        {
            T* to = packed + (long)block * taps * DirectGeometry.Channels;
            for (int k = 0; k < g.Ci; k++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int t = (k * kh + i) * kw + j;
                for (int lane = 0; lane < DirectGeometry.Channels; lane++)
                {
                    int ch = block * DirectGeometry.Channels + lane;
                    to[t * DirectGeometry.Channels + lane] = ch < c ? weight[((long)k * c + ch) * window + (kh - 1 - i) * kw + (kw - 1 - j)] : T.Zero;
                }
            }
        }
    }

    private struct Work : IParallelWork
    {
        public DirectGeometry G;
        public int Batch, Slots, InputSize, OutputSize;
        public T* Input, Packed, Bias, Output, Slot0;
        public long SlotLength;
        public bool Accumulate;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int slot)
        {
            T* planes = Slot0 + slot * SlotLength;
            T* computed = planes + (long)G.Ci * G.PlaneStride;
            int first = (int)((long)Batch * slot / Slots), end = (int)((long)Batch * (slot + 1) / Slots);
            if (first >= end) return;

            // Borders and tails stay zero; each sample only rewrites the interiors.
            new Span<T>(planes, G.Ci * G.PlaneStride).Clear();
            T* inputEnd = Input + (long)Batch * InputSize;
            for (int b = first; b < end; b++)
            {
                if (Vector512.IsHardwareAccelerated) Sample<Vector512<T>, Simd512<T>>(b, planes, computed, inputEnd);
                else if (Vector256.IsHardwareAccelerated) Sample<Vector256<T>, Simd256<T>>(b, planes, computed, inputEnd);
                else Sample<Vector128<T>, Simd128<T>>(b, planes, computed, inputEnd);
            }
        }

        private readonly void Sample<TVec, TS>(int b, T* planes, T* computed, T* inputEnd)
            where TVec : struct
            where TS : ISimd<TVec, T>
        {
            T* y = Output + (long)b * OutputSize;
            Pad<TVec, TS>(G, Input + (long)b * InputSize, inputEnd, planes);
            if (Accumulate && StoresRows<TVec, TS>(G))
            {
                // dx, each vector inside one padded row: the micro-kernel adds onto the output rows itself.
                ComputeRows<TVec, TS>(G, planes, Packed, y);
                return;
            }

            Compute<TVec, TS>(G, planes, Packed, computed);
            CopyOut<TVec, TS>(G, computed, Bias, y, y + OutputSize, Accumulate);
        }
    }

    /// <summary>
    /// Copies one sample's planes into the interiors of the zero-padded planes. A row goes as whole vectors, the last
    /// one loaded under a mask: its other lanes are zeros that land in the padding (or in the next row, copied after).
    /// Without masked loads, a row whose last vector would read past the input's <paramref name="end"/> goes
    /// element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad<TVec, TS>(in DirectGeometry g, T* x, T* end, T* planes)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int wp = g.Wp, wi = g.Wi, v = TS.Count;
        TVec tail = TS.GreaterThan(TS.Create(T.CreateTruncating(wi - (wi - 1) / v * v)), TS.Indices);
        for (int c = 0; c < g.Ci; c++)
        {
            T* to = planes + (long)c * g.PlaneStride + (long)g.PH * wp + g.PW;
            T* from = x + (long)c * g.Hi * wi;
            for (int r = 0; r < g.Hi; r++, from += wi, to += wp)
            {
                if (!Masked.Hardware<TVec>() && from + (wi - 1) / v * v + v > end)
                {
                    Rows.Copy(from, to, wi);
                    continue;
                }

                int i = 0;
                for (; i < wi - v; i += v) TS.Store(TS.Load(from + i), to + i);
                TS.Store(Masked.Load<TVec, TS>(from + i, tail), to + i);
            }
        }
    }

    /// <summary>
    /// Writes (or adds) the kept Wo positions of each computed row, with the bias per channel: whole vectors, the
    /// last one stored under a mask. Without masked stores the lanes past the row write back what they read, so a
    /// row whose last vector would pass the sample's output (<paramref name="end"/>) goes element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyOut<TVec, TS>(in DirectGeometry g, T* computed, T* bias, T* y, T* end, bool accumulate)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int wo = g.Wo, ho = g.Ho, wp = g.Wp, v = TS.Count, last = (wo - 1) / v * v;
        TVec tail = TS.GreaterThan(TS.Create(T.CreateTruncating(wo - last)), TS.Indices);
        for (int k = 0; k < g.Co; k++)
        {
            T* from = computed + (long)k * g.Span;
            T* to = y + (long)k * ho * wo;
            TVec b = TS.Create(bias != null ? bias[k] : T.Zero);
            for (int r = 0; r < ho; r++, from += wp, to += wo)
            {
                if (!Masked.Hardware<TVec>() && to + last + v > end)
                {
                    if (accumulate) Rows.Add(from, to, wo);
                    else if (bias != null) Rows.AddScalar(from, bias[k], to, wo);
                    else Rows.Copy(from, to, wo);
                    continue;
                }

                if (accumulate)
                {
                    int i = 0;
                    for (; i < last; i += v) TS.Store(TS.Add(TS.Load(to + i), TS.Load(from + i)), to + i);
                    Masked.Store<TVec, TS>(TS.Add(Masked.Load<TVec, TS>(to + i, tail), TS.Load(from + i)), to + i, tail);
                }
                else
                {
                    int i = 0;
                    for (; i < last; i += v) TS.Store(TS.Add(TS.Load(from + i), b), to + i);
                    Masked.Store<TVec, TS>(TS.Add(TS.Load(from + i), b), to + i, tail);
                }
            }
        }
    }

    /// <summary>
    /// Loads and stores of the lanes a mask selects. With AVX-512 they are the hardware's masked moves (nothing
    /// read or written outside the mask, so no spill past a row and no guard at the end of a buffer); otherwise a
    /// whole-vector load with the other lanes zeroed, and a store that writes the old values back there (the callers
    /// keep those reads and writes inside their buffers).
    /// </summary>
    private static class Masked
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Hardware<TVec>() => typeof(TVec) == typeof(Vector512<T>) && Avx512F.IsSupported;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Load<TVec, TS>(T* p, TVec mask)
            where TVec : struct
            where TS : ISimd<TVec, T>
        {
            if (Hardware<TVec>())
            {
                var m = Unsafe.As<TVec, Vector512<T>>(ref mask);
                Vector512<T> value = typeof(T) == typeof(float)
                    ? Avx512F.MaskLoad((float*)p, m.AsSingle(), Vector512<float>.Zero).As<float, T>()
                    : Avx512F.MaskLoad((double*)p, m.AsDouble(), Vector512<double>.Zero).As<double, T>();
                return Unsafe.As<Vector512<T>, TVec>(ref value);
            }

            return TS.Select(mask, TS.Load(p), TS.Zero);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store<TVec, TS>(TVec value, T* p, TVec mask)
            where TVec : struct
            where TS : ISimd<TVec, T>
        {
            if (Hardware<TVec>())
            {
                var m = Unsafe.As<TVec, Vector512<T>>(ref mask);
                var v = Unsafe.As<TVec, Vector512<T>>(ref value);
                if (typeof(T) == typeof(float)) Avx512F.MaskStore((float*)p, m.AsSingle(), v.AsSingle());
                else Avx512F.MaskStore((double*)p, m.AsDouble(), v.AsDouble());
                return;
            }

            TS.Store(TS.Select(mask, value, TS.Load(p)), p);
        }
    }

    /// <summary>
    /// Short rows (an image row: 14 or 28 elements) without a call per row: the widest vectors that fit, then
    /// narrower ones, then single elements.
    /// </summary>
    private static class Rows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Copy(T* from, T* to, int n)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated) for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) Vector512.Load(from + i).Store(to + i);
            if (Vector256.IsHardwareAccelerated) for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) Vector256.Load(from + i).Store(to + i);
            if (Vector128.IsHardwareAccelerated) for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count) Vector128.Load(from + i).Store(to + i);
            for (; i < n; i++) to[i] = from[i];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Add(T* from, T* to, int n)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated) for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) (Vector512.Load(to + i) + Vector512.Load(from + i)).Store(to + i);
            if (Vector256.IsHardwareAccelerated) for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) (Vector256.Load(to + i) + Vector256.Load(from + i)).Store(to + i);
            if (Vector128.IsHardwareAccelerated) for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count) (Vector128.Load(to + i) + Vector128.Load(from + i)).Store(to + i);
            for (; i < n; i++) to[i] += from[i];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScalar(T* from, T value, T* to, int n)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated) for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) (Vector512.Load(from + i) + Vector512.Create(value)).Store(to + i);
            if (Vector256.IsHardwareAccelerated) for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count) (Vector256.Load(from + i) + Vector256.Create(value)).Store(to + i);
            if (Vector128.IsHardwareAccelerated) for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count) (Vector128.Load(from + i) + Vector128.Create(value)).Store(to + i);
            for (; i < n; i++) to[i] = from[i] + value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<TVec, TS>(in DirectGeometry g, T* planes, T* packed, T* computed)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int span = g.Span, block = g.Block, taps = g.Ci * g.KH * g.KW;
        for (int cb = 0; cb < g.ChannelBlocks; cb++)
        {
            T* w = packed + (long)cb * taps * DirectGeometry.Channels;
            int channels = Math.Min(DirectGeometry.Channels, g.Co - cb * DirectGeometry.Channels);
            T* y = computed + (long)cb * DirectGeometry.Channels * span;
            for (int o = 0; o < span; o += block)
            {
                if (block == TS.Count)
                {
                    var sink = new ComputedSink<TVec, TS, One>(y + o, span);
                    Micro<TVec, TS, One, ComputedSink<TVec, TS, One>>(g, planes + o, w, ref sink, channels);
                }
                else
                {
                    var sink = new ComputedSink<TVec, TS, Two>(y + o, span);
                    Micro<TVec, TS, Two, ComputedSink<TVec, TS, Two>>(g, planes + o, w, ref sink, channels);
                }
            }
        }
    }

    private interface IWidth
    {
        static abstract bool Pair { get; }
    }

    private readonly struct One : IWidth
    {
        public static bool Pair => false;
    }

    private readonly struct Two : IWidth
    {
        public static bool Pair => true;
    }

    /// <summary>
    /// 8 output channels × one or two vectors of positions starting at <paramref name="x"/> (the first plane,
    /// offset to the block): Σ over input channels and taps of broadcast weight × input vector, handed per channel
    /// to <paramref name="sink"/> (the computed planes, or the output rows themselves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Micro<TVec, TS, TW, TSink>(in DirectGeometry g, T* x, T* w, ref TSink sink, int channels)
        where TVec : struct
        where TS : ISimd<TVec, T>
        where TW : struct, IWidth
        where TSink : struct, ISink<TVec>
    {
        int v = TS.Count, wp = g.Wp, kh = g.KH, kw = g.KW, stride = g.PlaneStride;
        TVec a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero, a4 = TS.Zero, a5 = TS.Zero, a6 = TS.Zero, a7 = TS.Zero;
        TVec b0 = TS.Zero, b1 = TS.Zero, b2 = TS.Zero, b3 = TS.Zero, b4 = TS.Zero, b5 = TS.Zero, b6 = TS.Zero, b7 = TS.Zero;
        for (int c = 0; c < g.Ci; c++)
        {
            T* plane = x + (long)c * stride;
            for (int i = 0; i < kh; i++)
            {
                T* row = plane + i * wp;
                for (int j = 0; j < kw; j++, w += DirectGeometry.Channels)
                {
                    TVec p = TS.Load(row + j);
                    TVec q = TW.Pair ? TS.Load(row + j + v) : default;
                    TVec c0 = TS.Create(w[0]);
                    a0 = TS.MultiplyAdd(c0, p, a0);
                    if (TW.Pair) b0 = TS.MultiplyAdd(c0, q, b0);
                    TVec c1 = TS.Create(w[1]);
                    a1 = TS.MultiplyAdd(c1, p, a1);
                    if (TW.Pair) b1 = TS.MultiplyAdd(c1, q, b1);
                    TVec c2 = TS.Create(w[2]);
                    a2 = TS.MultiplyAdd(c2, p, a2);
                    if (TW.Pair) b2 = TS.MultiplyAdd(c2, q, b2);
                    TVec c3 = TS.Create(w[3]);
                    a3 = TS.MultiplyAdd(c3, p, a3);
                    if (TW.Pair) b3 = TS.MultiplyAdd(c3, q, b3);
                    TVec c4 = TS.Create(w[4]);
                    a4 = TS.MultiplyAdd(c4, p, a4);
                    if (TW.Pair) b4 = TS.MultiplyAdd(c4, q, b4);
                    TVec c5 = TS.Create(w[5]);
                    a5 = TS.MultiplyAdd(c5, p, a5);
                    if (TW.Pair) b5 = TS.MultiplyAdd(c5, q, b5);
                    TVec c6 = TS.Create(w[6]);
                    a6 = TS.MultiplyAdd(c6, p, a6);
                    if (TW.Pair) b6 = TS.MultiplyAdd(c6, q, b6);
                    TVec c7 = TS.Create(w[7]);
                    a7 = TS.MultiplyAdd(c7, p, a7);
                    if (TW.Pair) b7 = TS.MultiplyAdd(c7, q, b7);
                }
            }
        }

        // Channels past the layer's (a last block of fewer than 8) are not stored.
        sink.Store(0, a0, b0);
        if (channels > 1) sink.Store(1, a1, b1);
        if (channels > 2) sink.Store(2, a2, b2);
        if (channels > 3) sink.Store(3, a3, b3);
        if (channels > 4) sink.Store(4, a4, b4);
        if (channels > 5) sink.Store(5, a5, b5);
        if (channels > 6) sink.Store(6, a6, b6);
        if (channels > 7) sink.Store(7, a7, b7);
    }
}
