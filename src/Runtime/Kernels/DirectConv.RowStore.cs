using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// Where the direct micro-kernel's accumulators go. Backward dx adds onto the gradient: through the computed planes
/// and a copy-out pass that reads, adds and writes every dx row again, or, when a padded row is a whole number of
/// vectors (FashionCnn's conv2: 14-wide maps with padding 1, Wp = 16, one float vector of AVX-512 or two of double),
/// straight from the accumulators, since every vector of positions then lies inside one padded row: the kept lanes
/// are added onto the output row under a mask. Measured on conv2's dx (batch 20, A/B in one process): 1.13–1.38×.
/// The forward pass (conv + bias) keeps the computed planes: the same row store there measured 0.93–0.99×, and
/// widening padded rows with zero columns to whole vectors (conv1: 30 → 32) lost what the copy-out saved.
/// </summary>
internal static unsafe partial class DirectConv<T>
{
    /// <summary>Takes the accumulators of one channel: one vector of positions, or two consecutive ones.</summary>
    private interface ISink<TVec>
        where TVec : struct
    {
        void Store(int lane, TVec a, TVec b);
    }

    /// <summary>
    /// Whether the micro-kernel adds dx rows itself: masked loads and stores in hardware (nothing touched past a row)
    /// and padded rows of whole vectors.
    /// </summary>
    private static bool StoresRows<TVec, TS>(in DirectGeometry g)
        where TVec : struct
        where TS : ISimd<TVec, T> =>
        DirectConvSwitch.RowStore && Masked.Hardware<TVec>() && g.Wp % TS.Count == 0;

    /// <summary>Whether backward dx of this shape runs with the rows added by the micro-kernel (tests check their shapes do).</summary>
    internal static bool StoresRows(in ConvShape s) =>
        Vector512.IsHardwareAccelerated && AppliesBackward(s) && StoresRows<Vector512<T>, Simd512<T>>(BackwardGeometry(s));

    /// <summary>Computes one sample's correlation and adds it onto the output rows <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRows<TVec, TS>(in DirectGeometry g, T* planes, T* packed, T* y)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int span = g.Span, block = g.Block, taps = g.Ci * g.KH * g.KW, wp = g.Wp, ho = g.Ho, wo = g.Wo, v = TS.Count;
        long plane = (long)ho * wo;
        for (int cb = 0; cb < g.ChannelBlocks; cb++)
        {
            T* w = packed + (long)cb * taps * DirectGeometry.Channels;
            int first = cb * DirectGeometry.Channels;
            int channels = Math.Min(DirectGeometry.Channels, g.Co - first);
            T* y0 = y + first * plane;

            // The block's first vector at padded (row, column); the columns step by whole vectors within a row.
            int row = 0, column = 0;
            for (int o = 0; o < span; o += block)
            {
                var a = Place<TVec, TS>(row, column, ho, wo);
                if (block == v)
                {
                    var sink = new RowSink<TVec, TS, One>(y0, plane, a, default);
                    Micro<TVec, TS, One, RowSink<TVec, TS, One>>(g, planes + o, w, ref sink, channels);
                    Advance(ref row, ref column, v, wp);
                }
                else
                {
                    Advance(ref row, ref column, v, wp);
                    var sink = new RowSink<TVec, TS, Two>(y0, plane, a, Place<TVec, TS>(row, column, ho, wo));
                    Micro<TVec, TS, Two, RowSink<TVec, TS, Two>>(g, planes + o, w, ref sink, channels);
                    Advance(ref row, ref column, v, wp);
                }
            }
        }
    }

    /// <summary>The computed planes: channel <c>lane</c>'s plane, <see cref="DirectGeometry.Span"/> apart, at the block's offset.</summary>
    private readonly struct ComputedSink<TVec, TS, TW> : ISink<TVec>
        where TVec : struct
        where TS : ISimd<TVec, T>
        where TW : struct, IWidth
    {
        private readonly T* _y;
        private readonly int _span;

        public ComputedSink(T* y, int span)
        {
            _y = y;
            _span = span;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int lane, TVec a, TVec b)
        {
            T* to = _y + (long)lane * _span;
            TS.Store(a, to);
            if (TW.Pair) TS.Store(b, to + TS.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance(ref int row, ref int column, int vector, int wp)
    {
        column += vector;
        if (column == wp) (row, column) = (row + 1, 0);
    }

    /// <summary>
    /// A vector's first lane in the output plane and its kept lanes: Wo − column of them, none past the last row or
    /// in the padding columns (an all-false mask).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VectorPlace<TVec> Place<TVec, TS>(int row, int column, int ho, int wo)
        where TVec : struct
        where TS : ISimd<TVec, T> =>
        row >= ho || column >= wo
            ? new VectorPlace<TVec>(0, TS.Zero)
            : new VectorPlace<TVec>(row * wo + column, TS.GreaterThan(TS.Create(T.CreateTruncating(wo - column)), TS.Indices));

    private readonly record struct VectorPlace<TVec>(int Offset, TVec Mask)
        where TVec : struct;

    /// <summary>The output rows of one block of positions: its vectors' places, the same in every channel's plane.</summary>
    private readonly struct RowSink<TVec, TS, TW> : ISink<TVec>
        where TVec : struct
        where TS : ISimd<TVec, T>
        where TW : struct, IWidth
    {
        private readonly T* _y;
        private readonly long _plane;
        private readonly VectorPlace<TVec> _a, _b;

        public RowSink(T* y, long plane, VectorPlace<TVec> a, VectorPlace<TVec> b)
        {
            _y = y;
            _plane = plane;
            _a = a;
            _b = b;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int lane, TVec a, TVec b)
        {
            T* plane = _y + lane * _plane;
            Add(a, plane + _a.Offset, _a.Mask);
            if (TW.Pair) Add(b, plane + _b.Offset, _b.Mask);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Add(TVec value, T* to, TVec mask) =>
            Masked.Store<TVec, TS>(TS.Add(Masked.Load<TVec, TS>(to, mask), value), to, mask);
    }
}
