using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution.Tests.Windows;

/// <summary>
/// The tiled convolution on strips (<see cref="TileKernels.Conv2d{T}"/>: tiles side by side in wide images) against a
/// brute-force convolution of each sample's input tile, zero outside it, over the whole plane; the outputs read where
/// the strips hold them (<see cref="TileSet{T}.Data"/> copies them out) and shared input tiles.
/// </summary>
public class StripConvolutionTests
{
    /// <summary>
    /// Node 4 of the shipped shape (8 → 16 channels, 3 × 3, padding 1, 14 × 14: the direct kernel) and node 1 of
    /// WindowCnnPadded (2 → 3 channels, 11 × 9: the im2col path), with 23 samples of random origins: several strips,
    /// the last one part full, tiles clipped at the plane's edges.
    /// </summary>
    public static TheoryData<string, bool> Cases() => new()
    {
        { "shipped conv2", false },
        { "shipped conv2", true },
        { "padded conv1", false },
        { "padded conv1", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void StripsEqualABruteForceConvolutionInDouble(string name, bool shared) => Check<double>(name, shared, 1e-13);

    [Theory]
    [MemberData(nameof(Cases))]
    public void StripsEqualABruteForceConvolutionInFloat(string name, bool shared) => Check<float>(name, shared, 2e-5);

    private static void Check<T>(string name, bool shared, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        IReadOnlyList<LayerInfo> layers = name == "shipped conv2" ? new ShippedShapeCnn().Layers : new WindowCnnPadded().Layers;
        int layer = name == "shipped conv2" ? 4 : 1;
        int from = layer - 1, count = 23, kernel = 3, padding = 1;
        int channels = layers[from].Shape[0], planeHeight = layers[from].Shape[1], planeWidth = layers[from].Shape[2];
        int outChannels = layers[layer].Shape[0];
        int inHeight = Math.Min(6, planeHeight), inWidth = Math.Min(5, planeWidth), height = Math.Min(inHeight + 2, planeHeight), width = Math.Min(inWidth + 2, planeWidth);
        var random = new Random(17);
        var weight = new double[outChannels * channels * kernel * kernel];
        for (int i = 0; i < weight.Length; i++) weight[i] = random.NextDouble() * 2 - 1;

        var tiles = new TileSet<T>(layers, layer);
        tiles.Reset(count);
        tiles.SetSize(from, inHeight, inWidth);
        tiles.SetSize(layer, height, width);
        // Input tiles: random values at random origins; each output tile holds the input tile's cone (clipped).
        var origins = new (int Top, int Left)[count];
        var values = new double[count * channels * inHeight * inWidth];
        for (int s = 0; s < count; s++)
        {
            origins[s] = (random.Next(planeHeight - inHeight + 1), random.Next(planeWidth - inWidth + 1));
            tiles.SetRow(s, 0);
            tiles.SetOrigin(from, s, origins[s].Top, origins[s].Left);
            tiles.SetOrigin(layer, s, Math.Clamp(origins[s].Top - 1, 0, planeHeight - height), Math.Clamp(origins[s].Left - 1, 0, planeWidth - width));
        }

        // Shared: 5 distinct input tiles, sample s reads tile s mod 5 (as patch IG's steps of a few paths do).
        int distinct = shared ? 5 : count, tile = channels * inHeight * inWidth;
        for (int i = 0; i < distinct * tile; i++) values[i] = random.NextDouble() * 2 - 1;
        int SourceOf(int s) => shared ? s % distinct : s;
        if (shared)
        {
            var sharedValues = new T[distinct * tile];
            for (int i = 0; i < sharedValues.Length; i++) sharedValues[i] = T.CreateChecked(values[i]);
            tiles.Share(from, sharedValues, [.. Enumerable.Range(0, count).Select(SourceOf)]);
        }
        else
        {
            var data = tiles.Data(from);
            for (int i = 0; i < count * tile; i++) data[i] = T.CreateChecked(values[i]);
        }

        T[] filters = [.. weight.Select(v => T.CreateChecked(v))];
        TileKernels.Conv2d<T>(tiles, layer, filters, kernel, 1, padding);
        var output = tiles.Data(layer);
        for (int s = 0; s < count; s++)
        {
            int top = tiles.Top(layer, s), left = tiles.Left(layer, s);
            for (int o = 0; o < outChannels; o++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        // Output (top + y, left + x) of the full plane, whose input is the tile and zero elsewhere.
                        double expected = 0;
                        for (int c = 0; c < channels; c++)
                        {
                            for (int i = 0; i < kernel; i++)
                            {
                                for (int j = 0; j < kernel; j++)
                                {
                                    int iy = top + y + i - padding - origins[s].Top, ix = left + x + j - padding - origins[s].Left;
                                    if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth) continue;
                                    expected += weight[((o * channels + c) * kernel + i) * kernel + j] * values[SourceOf(s) * tile + (c * inHeight + iy) * inWidth + ix];
                                }
                            }
                        }

                        double actual = double.CreateChecked(output[s * outChannels * height * width + (o * height + y) * width + x]);
                        Assert.True(Math.Abs(expected - actual) <= tolerance * (1 + Math.Abs(expected)), $"{name}, sample {s}, channel {o}, ({y}, {x}): {actual} against {expected}");
                    }
                }
            }
        }
    }
}
