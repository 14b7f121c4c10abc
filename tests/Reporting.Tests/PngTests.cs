using System.Text;
using Axon.Samples.Reporting.Rendering;

namespace Axon.Samples.Reporting.Tests;

public class PngTests
{
    [Fact]
    public void Crc32_MatchesTheCheckValue_InBothImplementations()
    {
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, PngImage.BitwiseCrc32(check));
        Assert.Equal(0xCBF43926u, PngEncoder.ChunkCrc(check.AsSpan(0, 4), check.AsSpan(4)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(28, 28)]
    [InlineData(13, 7)]
    [InlineData(300, 2)]
    public void Encoder_RoundTripsThroughAnIndependentDecoder(int width, int height)
    {
        var random = new Random(width * 1000 + height);
        byte[] rgb = new byte[width * height * 3];
        random.NextBytes(rgb);

        byte[] file = PngEncoder.EncodeRgb(width, height, rgb);
        PngImage png = PngImage.Decode(file); // checks every chunk's CRC

        Assert.Equal(["IHDR", "IDAT", "IEND"], png.ChunkTypes);
        Assert.Equal(2, png.ColorType);
        Assert.Equal((width, height), (png.Width, png.Height));
        for (int i = 0; i < width * height; i++)
        {
            Assert.Equal(rgb[3 * i], png.Rgba[4 * i]);
            Assert.Equal(rgb[3 * i + 1], png.Rgba[4 * i + 1]);
            Assert.Equal(rgb[3 * i + 2], png.Rgba[4 * i + 2]);
            Assert.Equal(255, png.Rgba[4 * i + 3]);
        }
    }

    [Fact]
    public void Decoder_RejectsACorruptedChunk()
    {
        byte[] file = PngEncoder.EncodeRgb(2, 2, new byte[12]);
        file[20] ^= 1; // a byte of the IHDR data
        var error = Assert.Throws<InvalidDataException>(() => PngImage.Decode(file));
        Assert.Contains("CRC mismatch in chunk IHDR", error.Message);
    }

    [Fact]
    public void Encoder_RejectsTheWrongBufferSize()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.EncodeRgb(2, 2, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.EncodeRgb(0, 2, []));
    }
}
