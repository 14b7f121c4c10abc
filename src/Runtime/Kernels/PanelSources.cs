using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

/// <summary>
/// One operand of a matrix product as the packing step sees it: element (lane, depth), where a lane is a row
/// of op(A) or a column of op(B) and depth runs over the shared dimension. Packing copies a block of it into
/// the panel layout the micro-kernel reads, so the product itself never cares how the operand is stored.
/// </summary>
internal unsafe interface IPanelSource<T> where T : unmanaged
{
    /// <summary>
    /// Writes lanes [<paramref name="lane0"/>, +<paramref name="lanes"/>) × depth [<paramref name="depth0"/>,
    /// +<paramref name="depth"/>) to <paramref name="destination"/> as destination[d·width + l], and zeroes
    /// lanes [<paramref name="lanes"/>, <paramref name="width"/>).
    /// </summary>
    void Pack(T* destination, int lane0, int lanes, int depth0, int depth, int width);
}

/// <summary>A dense matrix in memory: element (lane, depth) at data[lane·laneStride + depth·depthStride].</summary>
internal unsafe readonly struct StridedSource<T>(T* data, int laneStride, int depthStride) : IPanelSource<T>
    where T : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(T* destination, int lane0, int lanes, int depth0, int depth, int width)
    {
        T* source = data + (long)lane0 * laneStride + (long)depth0 * depthStride;
        if (lanes < width)
        {
            for (int d = 0; d < depth; d++)
                new Span<T>(destination + (long)d * width + lanes, width - lanes).Clear();
        }

        if (laneStride == 1)
        {
            // Lanes contiguous (A transposed, B plain): one block copy per depth step; a plain loop for the
            // few lanes of an A panel, where calling the block copy would cost more than the copy.
            if (lanes <= 8)
            {
                for (int d = 0; d < depth; d++)
                {
                    T* from = source + (long)d * depthStride, to = destination + (long)d * width;
                    for (int l = 0; l < lanes; l++) to[l] = from[l];
                }

                return;
            }

            uint bytes = (uint)(lanes * sizeof(T));
            for (int d = 0; d < depth; d++)
                Unsafe.CopyBlockUnaligned(destination + (long)d * width, source + (long)d * depthStride, bytes);
            return;
        }

        // Depth contiguous along each lane (A plain, B transposed): a transpose. Float with AVX: 4 × 8 blocks in
        // registers for an A panel of 4 rows, 8 × 8 blocks for wider panels (an A panel of 12 rows, a B panel of 32
        // or 48 lanes of a dense layer's weight) and a 4 × 8 block for 4 lanes left over; the rest element by element
        // below.
        int lanesDone = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported && depthStride == 1 && lanes == 4 && width == 4 && depth >= 8)
        {
            int depthDone = depth & ~7;
            for (int d0 = 0; d0 < depthDone; d0 += 8)
                Transpose4x8((float*)source + d0, laneStride, (float*)destination + (long)d0 * 4);
            for (int l = 0; l < 4; l++)
            {
                T* from = source + (long)l * laneStride;
                for (int d = depthDone; d < depth; d++) destination[(long)d * 4 + l] = from[d];
            }

            return;
        }

        if (typeof(T) == typeof(float) && Avx.IsSupported && depthStride == 1 && lanes >= 8 && depth >= 8)
        {
            int eights = lanes & ~7;
            lanesDone = lanes - eights >= 4 ? eights + 4 : eights;
            int depthDone = depth & ~7;
            for (int d0 = 0; d0 < depthDone; d0 += 8)
            {
                for (int l0 = 0; l0 < eights; l0 += 8)
                    Transpose8((float*)source + (long)l0 * laneStride + d0, laneStride, (float*)destination + (long)d0 * width + l0, width);
                if (lanesDone > eights)
                    Transpose4x8((float*)source + (long)eights * laneStride + d0, laneStride, (float*)destination + (long)d0 * width + eights, width);
            }

            // The depth steps past the last whole block, for these lanes.
            for (int l = 0; l < lanesDone; l++)
            {
                T* from = source + (long)l * laneStride;
                for (int d = depthDone; d < depth; d++) destination[(long)d * width + l] = from[d];
            }
        }

        // In blocks of 16 depth steps: each lane's reads in a block are one cache line, and the block's writes stay in
        // 16 rows of the panel; read
        // across the lanes a depth step at a time, a wide B panel (48 lanes of a dense weight) touched 48 lines
        // per step and missed the L1 cache on most of them.
        const int Block = 16;
        for (int d0 = 0; d0 < depth; d0 += Block)
        {
            int steps = Math.Min(Block, depth - d0);
            for (int l = lanesDone; l < lanes; l++)
            {
                T* from = source + (long)l * laneStride + (long)d0 * depthStride;
                T* to = destination + (long)d0 * width + l;
                for (int d = 0; d < steps; d++) to[(long)d * width] = from[(long)d * depthStride];
            }
        }
    }

    /// <summary>to[j·toStride + i] = from[i·fromStride + j] for i &lt; 4, j &lt; 8, in 4-lane stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* from, int fromStride, float* to, int toStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(from), r1 = Avx.LoadVector256(from + fromStride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2L * fromStride), r3 = Avx.LoadVector256(from + 3L * fromStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        // Depth steps j and j + 4 in the two halves of u_j.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        u0.GetLower().Store(to);
        u1.GetLower().Store(to + toStride);
        u2.GetLower().Store(to + 2L * toStride);
        u3.GetLower().Store(to + 3L * toStride);
        u0.GetUpper().Store(to + 4L * toStride);
        u1.GetUpper().Store(to + 5L * toStride);
        u2.GetUpper().Store(to + 6L * toStride);
        u3.GetUpper().Store(to + 7L * toStride);
    }

    /// <summary>to[4j + i] = from[i·fromStride + j] for i &lt; 4, j &lt; 8: the first two steps of <see cref="Transpose8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* from, int fromStride, float* to)
    {
        Vector256<float> r0 = Avx.LoadVector256(from), r1 = Avx.LoadVector256(from + fromStride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2L * fromStride), r3 = Avx.LoadVector256(from + 3L * fromStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        // Depth steps j and j + 4 in the two halves of u_j.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Avx.Store(to, Avx.Permute2x128(u0, u1, 0x20));
        Avx.Store(to + 8, Avx.Permute2x128(u2, u3, 0x20));
        Avx.Store(to + 16, Avx.Permute2x128(u0, u1, 0x31));
        Avx.Store(to + 24, Avx.Permute2x128(u2, u3, 0x31));
    }

    /// <summary>
    /// to[j·toStride + i] = from[i·fromStride + j] for i, j &lt; 8: eight rows in registers, interleaved pairwise,
    /// then 64-bit pairs, then 128-bit halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* from, int fromStride, float* to, int toStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(from), r1 = Avx.LoadVector256(from + fromStride);
        Vector256<float> r2 = Avx.LoadVector256(from + 2L * fromStride), r3 = Avx.LoadVector256(from + 3L * fromStride);
        Vector256<float> r4 = Avx.LoadVector256(from + 4L * fromStride), r5 = Avx.LoadVector256(from + 5L * fromStride);
        Vector256<float> r6 = Avx.LoadVector256(from + 6L * fromStride), r7 = Avx.LoadVector256(from + 7L * fromStride);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(to, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(to + toStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(to + 2L * toStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(to + 3L * toStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(to + 4L * toStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(to + 5L * toStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(to + 6L * toStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(to + 7L * toStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
