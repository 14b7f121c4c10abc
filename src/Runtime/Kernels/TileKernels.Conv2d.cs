using System.Runtime.Intrinsics;
using Axon.Model;

namespace Axon.Kernels;

// A convolution's tangent on tiles. Tiles are small (a 7 × 7 region's cone at a 14 × 14 node is at most 7 × 7), and a
// convolution kernel run on one tile per image wastes most of its vectors: the direct kernel computes whole blocks of
// positions over padded rows, so a 5 × 5 output with padding 1 takes 64 positions for 25. A same-size convolution
// therefore runs on strips: the samples' tiles side by side in one wide image, a gap of zeros between them as wide as
// the padding, so that no output reads a neighbour's values.
public static partial class TileKernels
{
    /// <summary>Columns a strip of side-by-side tiles aims at: wide enough that the padding and the rounding to whole blocks cost little, narrow enough that a strip's planes stay in the first-level cache.</summary>
    private const int StripColumns = 64;

    /// <summary>Off: same-size convolutions run per tile as any other (for A/B timing in one process, and for tests).</summary>
    internal static bool UseStrips = true;

    /// <summary>
    /// A convolution's tangent (no bias) on tiles. A stride-1 convolution that keeps the plane's size runs on strips
    /// of output-tile boxes (<see cref="Conv2dOnStrips{T}"/>); any other runs without padding, per sample, on the part
    /// of the padded plane that its output tile reads.
    /// </summary>
    /// <param name="tiles">The tiles; node <paramref name="layer"/>'s are written from node <paramref name="layer"/> − 1's.</param>
    /// <param name="layer">The convolution node.</param>
    /// <param name="weight">Its filters [out channels, in channels, kernel, kernel].</param>
    /// <param name="kernel">The window's size.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padding">The zero padding of the full plane.</param>
    public static void Conv2d<T>(TileSet<T> tiles, int layer, ReadOnlySpan<T> weight, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (UseStrips && stride == 1 && 2 * padding == kernel - 1) Conv2dOnStrips(tiles, layer, weight, kernel, padding);
        else Conv2dOnPaddedTiles(tiles, layer, weight, kernel, stride, padding);
    }

    /// <summary>
    /// A same-size convolution on strips: each output tile's box of the input plane (the input tile's values there,
    /// zero elsewhere: outside the input tile the tangent is zero) goes into a strip beside the others, and one
    /// convolution with the layer's own padding runs over every strip; the outputs stay there
    /// (<see cref="TileSet{T}.HoldInStrips"/>). Inside the box this is the convolution of the full plane: outside it the
    /// input tangent is zero or is padding, and the gaps between boxes are zeros as wide as the padding, so each output
    /// reads its own box only.
    /// </summary>
    private static unsafe void Conv2dOnStrips<T>(TileSet<T> tiles, int layer, ReadOnlySpan<T> weight, int kernel, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int from = layer - 1, count = tiles.Count;
        int channels = tiles.Channels(from), outChannels = tiles.Channels(layer);
        int inHeight = tiles.Height(from), inWidth = tiles.Width(from), inTile = tiles.TileSize(from);
        int height = tiles.Height(layer), width = tiles.Width(layer);
        if (count == 0) return;
        int pitch = width + padding; // a box and the gap after it
        int perStrip = Math.Clamp((StripColumns + padding) / pitch, 1, count);
        int strips = (count + perStrip - 1) / perStrip, stripWidth = perStrip * pitch - padding;
        int inPlane = height * stripWidth, outPlane = height * stripWidth;
        var input = tiles.Padded((long)strips * channels * inPlane);
        input.Clear(); // one pass of zeros (gaps, the last strip's empty boxes, the boxes' parts outside the input tiles)
        var output = tiles.Strips((long)strips * outChannels * outPlane);
        fixed (T* source = tiles.Data(from)) fixed (T* strip0 = input)
        {
            for (int s = 0; s < count; s++)
            {
                // Row y of the box is input-tile row y0 + y; column x is input-tile column x0 + x.
                int y0 = tiles.Top(layer, s) - tiles.Top(from, s), x0 = tiles.Left(layer, s) - tiles.Left(from, s);
                int first = Math.Max(0, -x0), end = Math.Min(width, inWidth - x0);
                int rowFirst = Math.Max(0, -y0), rowEnd = Math.Min(height, inHeight - y0);
                if (end <= first || rowEnd <= rowFirst) continue;
                T* sample = source + (long)s * inTile;
                T* box = strip0 + (long)s / perStrip * channels * inPlane + s % perStrip * pitch;
                for (int c = 0; c < channels; c++)
                {
                    for (int y = rowFirst; y < rowEnd; y++) CopyRow(sample + (c * inHeight + y0 + y) * inWidth + x0 + first, box + c * inPlane + y * stripWidth + first, end - first);
                }
            }
        }

        long scratch = Conv2dKernel.ScratchLength(strips, channels, height, stripWidth, outChannels, kernel, 1, padding);
        Conv2dKernel.Tangent(input, weight, output, tiles.Scratch(scratch), strips, channels, height, stripWidth, outChannels, kernel, 1, padding);
        // The outputs stay in the strips: patch IG's products read them there, any other reader copies them out.
        tiles.HoldInStrips(layer, perStrip, pitch, stripWidth);
    }

    /// <summary>
    /// Copies a short run (a tile row: a call of a general copy per row costs more than the copy). A run of one to two
    /// vectors takes two overlapping vectors, both loaded before either is stored.
    /// </summary>
    private static unsafe void CopyRow<T>(T* from, T* to, int length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= Vector128<T>.Count && length <= 2 * Vector128<T>.Count)
        {
            var head = Vector128.Load(from);
            var tail = Vector128.Load(from + length - Vector128<T>.Count);
            head.Store(to);
            tail.Store(to + length - Vector128<T>.Count);
            return;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= Vector256<T>.Count && length <= 2 * Vector256<T>.Count)
        {
            var head = Vector256.Load(from);
            var tail = Vector256.Load(from + length - Vector256<T>.Count);
            head.Store(to);
            tail.Store(to + length - Vector256<T>.Count);
            return;
        }

        if (length > 2 * Vector256<T>.Count)
        {
            new ReadOnlySpan<T>(from, length).CopyTo(new Span<T>(to, length));
            return;
        }

        for (int i = 0; i < length; i++) to[i] = from[i];
    }

    /// <summary>
    /// Any other convolution: each sample's input tile is copied with zeros around it onto the part of the padded
    /// input plane that its output tile reads, and one convolution without padding runs over all samples.
    /// </summary>
    private static void Conv2dOnPaddedTiles<T>(TileSet<T> tiles, int layer, ReadOnlySpan<T> weight, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int from = layer - 1, count = tiles.Count;
        int channels = tiles.Channels(from), outChannels = tiles.Channels(layer);
        int inHeight = tiles.Height(from), inWidth = tiles.Width(from), inTile = tiles.TileSize(from);
        int height = (tiles.Height(layer) - 1) * stride + kernel;
        int width = (tiles.Width(layer) - 1) * stride + kernel;
        int paddedTile = channels * height * width;
        var padded = tiles.Padded((long)count * paddedTile);
        ReadOnlySpan<T> input = tiles.Data(from);
        padded.Clear(); // one pass of zeros, then only the input tiles' rows are copied in
        for (int s = 0; s < count; s++)
        {
            // Row y of the padded tile is input-tile row y0 + y; column x is input-tile column x0 + x.
            int y0 = tiles.Top(layer, s) * stride - padding - tiles.Top(from, s);
            int x0 = tiles.Left(layer, s) * stride - padding - tiles.Left(from, s);
            int first = Math.Max(0, -x0), end = Math.Min(width, inWidth - x0);
            int rowFirst = Math.Max(0, -y0), rowEnd = Math.Min(height, inHeight - y0);
            if (end <= first || rowEnd <= rowFirst) continue;
            var sample = input.Slice(s * inTile, inTile);
            var destination = padded.Slice(s * paddedTile, paddedTile);
            for (int c = 0; c < channels; c++)
            {
                for (int y = rowFirst; y < rowEnd; y++)
                {
                    sample.Slice((c * inHeight + y0 + y) * inWidth + x0 + first, end - first).CopyTo(destination.Slice((c * height + y) * width + first, end - first));
                }
            }
        }

        long scratch = Conv2dKernel.ScratchLength(count, channels, height, width, outChannels, kernel, stride, 0);
        Conv2dKernel.Tangent(padded, weight, tiles.Data(layer), tiles.Scratch(scratch), count, channels, height, width, outChannels, kernel, stride, 0);
    }
}
