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

        // Depth contiguous along each lane (A plain, B transposed): a transpose, in blocks of 16 depth steps. Each
        // lane's reads in a block are one cache line, and the block's writes stay in 16 rows of the panel; read
        // across the lanes a depth step at a time, a wide B panel (48 lanes of a dense weight) touched 48 lines
        // per step and missed the L1 cache on most of them.
        const int Block = 16;
        for (int d0 = 0; d0 < depth; d0 += Block)
        {
            int steps = Math.Min(Block, depth - d0);
            for (int l = 0; l < lanes; l++)
            {
                T* from = source + (long)l * laneStride + d0;
                T* to = destination + (long)d0 * width + l;
                for (int d = 0; d < steps; d++) to[(long)d * width] = from[d];
            }
        }
    }
}
