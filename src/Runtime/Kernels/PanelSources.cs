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

        // Depth contiguous along each lane (A plain, B transposed): read the lanes side by side.
        for (int d = 0; d < depth; d++)
        {
            T* row = source + (long)d * depthStride;
            T* to = destination + (long)d * width;
            for (int l = 0; l < lanes; l++) to[l] = row[(long)l * laneStride];
        }
    }
}
