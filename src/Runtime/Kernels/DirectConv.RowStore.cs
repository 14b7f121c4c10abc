using System.Runtime.Intrinsics;

namespace Axon.Kernels;

/// <summary>
/// Where the direct micro-kernel's accumulators go. When a padded row is a whole number of vectors (FashionCnn's
/// 14-wide maps with padding 1: Wp = 16, one float vector of AVX-512 or two of double), every vector of positions
/// lies inside one padded row, so the micro-kernel can write its kept lanes straight into the output row under a
/// mask, with the bias (forward) or onto the gradient (backward dx): no computed planes, no copy-out pass over them.
/// Other widths keep the computed planes and <c>CopyOut</c>.
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
    /// Whether the micro-kernel stores output rows itself: masked stores in hardware (nothing written past a row) and
    /// padded rows of whole vectors.
    /// </summary>
    private static bool StoresRows<TVec, TS>(in DirectGeometry g)
        where TVec : struct
        where TS : ISimd<TVec, T> =>
        DirectConvSwitch.RowStore && Masked.Hardware<TVec>() && g.Wp % TS.Count == 0;

    /// <summary>Whether the forward (or backward dx) of this shape runs with the rows stored by the micro-kernel (tests check their shapes do).</summary>
    internal static bool StoresRows(in ConvShape s, bool backward) =>
        Vector512.IsHardwareAccelerated && (backward ? AppliesBackward(s) : AppliesForward(s)) &&
        StoresRows<Vector512<T>, Simd512<T>>(backward ? BackwardGeometry(s) : ForwardGeometry(s));

    /// <summary>Computes one sample into the output rows: y = conv + bias, or y += conv when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeRows<TVec, TS>(in DirectGeometry g, T* planes, T* packed, T* y, T* bias, bool accumulate)
        where TVec : struct
        where TS : ISimd<TVec, T>
    {
        int span = g.Span, block = g.Block, taps = g.Ci * g.KH * g.KW;
        for (int cb = 0; cb < g.ChannelBlocks; cb++)
        {
            T* w = packed + (long)cb * taps * DirectGeometry.Channels;
            int first = cb * DirectGeometry.Channels;
            int channels = Math.Min(DirectGeometry.Channels, g.Co - first);
            for (int o = 0; o < span; o += block)
            {
                if (block == TS.Count)
                {
                    var sink = new RowSink<TVec, TS, One>(g, o, y, bias, first, accumulate);
                    Micro<TVec, TS, One, RowSink<TVec, TS, One>>(g, planes + o, w, ref sink, channels);
                }
                else
                {
                    var sink = new RowSink<TVec, TS, Two>(g, o, y, bias, first, accumulate);
                    Micro<TVec, TS, Two, RowSink<TVec, TS, Two>>(g, planes + o, w, ref sink, channels);
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

    /// <summary>
    /// The output rows of one block of positions (padded positions o and, for a pair, o + vector): each vector's
    /// padded row and column give its place in the output plane and how many of its lanes are kept (Wo − column,
    /// none past the last row or in the padding columns).
    /// </summary>
    private readonly struct RowSink<TVec, TS, TW> : ISink<TVec>
        where TVec : struct
        where TS : ISimd<TVec, T>
        where TW : struct, IWidth
    {
        private readonly T* _y, _bias;
        private readonly long _plane;
        private readonly int _first, _offsetA, _offsetB;
        private readonly TVec _maskA, _maskB;
        private readonly bool _accumulate;

        public RowSink(in DirectGeometry g, int position, T* y, T* bias, int firstChannel, bool accumulate)
        {
            _y = y;
            _bias = bias;
            _first = firstChannel;
            _accumulate = accumulate;
            _plane = (long)g.Ho * g.Wo;
            (_offsetA, _maskA) = Place(g, position);
            (_offsetB, _maskB) = TW.Pair ? Place(g, position + TS.Count) : (0, TS.Zero);
        }

        /// <summary>Offset of a vector's first lane in the output plane, and its kept lanes (none: an all-false mask).</summary>
        private static (int Offset, TVec Mask) Place(in DirectGeometry g, int position)
        {
            int row = position / g.Wp, column = position % g.Wp;
            if (row >= g.Ho || column >= g.Wo) return (0, TS.Zero);
            return (row * g.Wo + column, TS.GreaterThan(TS.Create(T.CreateTruncating(g.Wo - column)), TS.Indices));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(int lane, TVec a, TVec b)
        {
            int k = _first + lane;
            T* plane = _y + k * _plane;
            TVec bias = _bias != null ? TS.Create(_bias[k]) : TS.Zero;
            Put(a, plane + _offsetA, _maskA, bias);
            if (TW.Pair) Put(b, plane + _offsetB, _maskB, bias);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Put(TVec value, T* to, TVec mask, TVec bias)
        {
            value = _accumulate ? TS.Add(Masked.Load<TVec, TS>(to, mask), value) : TS.Add(value, bias);
            Masked.Store<TVec, TS>(value, to, mask);
        }
    }
}
