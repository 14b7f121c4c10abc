using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// The tiled max pooling's tangent (<see cref="TileKernels.MaxPool2d{T}"/>, and <see cref="TileKernels.ReluMaxPool2d{T}"/>
/// with the pooled values as the gate): against a loop written here that decodes each recorded winner into plane
/// coordinates and looks it up in the sample's input tile (zero outside it, and zero where the gate is not positive),
/// and the AVX-512 rows (2 × 2 at stride 2) against the scalar path bit for bit, special values included. Random tapes
/// and tiles: odd plane sizes, rows wider than one vector, input tiles that cut the windows at every edge, tape rows
/// read by several samples, shared input tiles.
/// </summary>
public class VectorTilePoolingTests
{
    /// <summary>
    /// Input plane (height, width), pooling (kernel, stride), output tile (height, width): 2 × 2 at stride 2 runs on
    /// vectors (float rows of up to 8 outputs two rows per vector, wider ones a row at a time), the others not.
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int, bool, bool>();
        foreach (bool gated in new[] { false, true })
        {
            foreach (bool shared in new[] { false, true })
            {
                data.Add(28, 28, 2, 2, 5, 5, gated, shared);  // FashionCnn's first pooling, an interior region's cone
                data.Add(28, 28, 2, 2, 4, 5, gated, shared);  // an edge region's
                data.Add(28, 28, 2, 2, 3, 12, gated, shared); // rows wider than 8 outputs
                data.Add(13, 11, 2, 2, 5, 5, gated, shared);  // odd sides: the last row and column are never read
                data.Add(9, 71, 2, 2, 3, 35, gated, shared);  // several vectors a row and a part-full one
                data.Add(3, 3, 2, 2, 1, 1, gated, shared);    // one output
            }

            data.Add(15, 13, 3, 2, 4, 3, gated, false); // the scalar path's other windows
            data.Add(10, 9, 2, 1, 3, 8, gated, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DoubleMatchesTheWinnersLookedUpInTheTile(int planeHeight, int planeWidth, int kernel, int stride, int height, int width, bool gated, bool shared) =>
        Check<double>(planeHeight, planeWidth, kernel, stride, height, width, gated, shared, special: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatMatchesTheWinnersLookedUpInTheTile(int planeHeight, int planeWidth, int kernel, int stride, int height, int width, bool gated, bool shared) =>
        Check<float>(planeHeight, planeWidth, kernel, stride, height, width, gated, shared, special: false);

    /// <summary>NaN, ±∞ and −0 in the tangents and the gate: the vector rows still give the scalar path's bits (NaN · 0, −x · 0).</summary>
    [Theory]
    [InlineData(28, 28, 5, 5, true)]
    [InlineData(13, 11, 3, 4, true)]
    [InlineData(9, 71, 4, 30, false)]
    public void SpecialValuesGiveTheScalarPathsBits(int planeHeight, int planeWidth, int height, int width, bool gated)
    {
        Check<double>(planeHeight, planeWidth, 2, 2, height, width, gated, shared: false, special: true);
        Check<float>(planeHeight, planeWidth, 2, 2, height, width, gated, shared: true, special: true);
    }

    private static void Check<T>(int planeHeight, int planeWidth, int kernel, int stride, int height, int width, bool gated, bool shared, bool special)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int channels = 3, rows = 4, count = 37;
        int outHeight = (planeHeight - kernel) / stride + 1, outWidth = (planeWidth - kernel) / stride + 1;
        int inPlane = planeHeight * planeWidth, outPlane = outHeight * outWidth, outSize = channels * outPlane;
        var random = new Random(planeHeight * 1000 + planeWidth * 10 + kernel + height * 100 + width + (gated ? 7 : 0) + (shared ? 3 : 0));
        LayerInfo Node(int index, LayerKind kind, int height, int width) =>
            new($"n{index}", kind, index, [channels, height, width], 0, index == 0 ? Array.Empty<int>() : new[] { index - 1 }, false);
        LayerInfo[] layers = [Node(0, LayerKind.Input, planeHeight, planeWidth), Node(1, LayerKind.ReLU, planeHeight, planeWidth), Node(2, LayerKind.MaxPool2d, outHeight, outWidth)];
        int source = gated ? 0 : 1;

        // The tape: per row, channel and output a winner somewhere in its window, and a pooled value (the gate).
        var argmax = new int[rows * outSize];
        var pooled = new T[rows * outSize];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < outPlane; i++)
                {
                    int wy = i / outWidth * stride + random.Next(kernel), wx = i % outWidth * stride + random.Next(kernel);
                    argmax[r * outSize + c * outPlane + i] = c * inPlane + wy * planeWidth + wx;
                    pooled[r * outSize + c * outPlane + i] = Value<T>(random, special);
                }
            }
        }

        // Tiles: output tiles at random origins; the input tile a box around the windows under them, up to two rows and
        // columns smaller or one larger, at a random shift, so that windows are cut at every edge or lie wholly inside.
        int inHeight = Math.Min(planeHeight, stride * (height - 1) + kernel + random.Next(-2, 2)), inWidth = Math.Min(planeWidth, stride * (width - 1) + kernel + random.Next(-2, 2));
        inHeight = Math.Max(inHeight, 1);
        inWidth = Math.Max(inWidth, 1);
        var tiles = new TileSet<T>(layers, 2);
        var sentinel = T.CreateChecked(-777);
        tiles.Reset(count + 1); // room for one more output tile, which must keep its sentinel: nothing is written past the tiles
        tiles.SetSize(source, inHeight, inWidth);
        tiles.SetSize(2, height, width);
        tiles.Data(2).Fill(sentinel);
        tiles.Reset(count);
        tiles.SetSize(source, inHeight, inWidth);
        tiles.SetSize(2, height, width);
        for (int s = 0; s < count; s++)
        {
            int top = random.Next(outHeight - height + 1), left = random.Next(outWidth - width + 1);
            tiles.SetRow(s, random.Next(rows));
            tiles.SetOrigin(2, s, top, left);
            tiles.SetOrigin(source, s, Math.Clamp(top * stride + random.Next(-1, 2), 0, planeHeight - inHeight), Math.Clamp(left * stride + random.Next(-1, 2), 0, planeWidth - inWidth));
        }

        int inTile = channels * inHeight * inWidth, distinct = shared ? 5 : count;
        var tangents = new T[distinct * inTile];
        for (int i = 0; i < tangents.Length; i++) tangents[i] = Value<T>(random, special);
        int SourceOf(int s) => shared ? (s * 3) % distinct : s;

        T[] Run(bool vector)
        {
            if (shared) tiles.Share(source, tangents, [.. Enumerable.Range(0, count).Select(SourceOf)]);
            else tangents.CopyTo(tiles.Data(source));
            tiles.Data(2).Fill(T.CreateChecked(12345)); // every output must be written
            bool was = TileKernels.UseVectorPooling;
            TileKernels.UseVectorPooling = vector;
            try
            {
                if (gated) TileKernels.ReluMaxPool2d<T>(tiles, 2, pooled, argmax, kernel, stride);
                else TileKernels.MaxPool2d<T>(tiles, 2, argmax, kernel, stride);
            }
            finally
            {
                TileKernels.UseVectorPooling = was;
            }

            return tiles.Data(2).ToArray();
        }

        var vectors = Run(vector: true);
        var scalars = Run(vector: false);
        for (int i = 0; i < vectors.Length; i++)
            Assert.True(Bits(vectors[i]) == Bits(scalars[i]), $"element {i}: vector path {vectors[i]}, scalar path {scalars[i]}");
        if (special)
        {
            CheckTail();
            return;
        }

        for (int s = 0; s < count; s++)
        {
            int row = tiles.Row(s), top = tiles.Top(2, s), left = tiles.Left(2, s);
            int sourceTop = tiles.Top(source, s), sourceLeft = tiles.Left(source, s);
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int tape = row * outSize + c * outPlane + (top + y) * outWidth + left + x;
                        int winner = argmax[tape] - c * inPlane, iy = winner / planeWidth - sourceTop, ix = winner % planeWidth - sourceLeft;
                        bool inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth;
                        bool passes = !gated || pooled[tape] > T.Zero;
                        T expected = inside && passes ? tangents[SourceOf(s) * inTile + (c * inHeight + iy) * inWidth + ix] : T.Zero;
                        T actual = vectors[((s * channels + c) * height + y) * width + x];
                        Assert.True(actual == expected, $"sample {s}, channel {c}, ({y}, {x}): {actual} against {expected}");
                    }
                }
            }
        }

        CheckTail();

        void CheckTail()
        {
            tiles.Reset(count + 1);
            tiles.SetSize(2, height, width);
            foreach (var value in tiles.Data(2)[vectors.Length..].ToArray()) Assert.Equal(sentinel, value);
        }
    }

    /// <summary>Random values in [−1, 1) with exact zeros and negative zeros; with <paramref name="special"/>, also NaN and ±∞.</summary>
    private static T Value<T>(Random random, bool special) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kind = random.Next(special ? 10 : 7);
        return kind switch
        {
            0 => T.Zero,
            1 => T.NegativeZero,
            7 => T.NaN,
            8 => T.PositiveInfinity,
            9 => T.NegativeInfinity,
            _ => T.CreateChecked(random.NextDouble() * 2 - 1),
        };
    }

    private static long Bits<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? BitConverter.SingleToInt32Bits((float)(object)value) : BitConverter.DoubleToInt64Bits((double)(object)value);
}
