using System.IO.Compression;

namespace Axon.Samples.Reporting.Tests;

/// <summary>
/// A PNG decoder written for the tests, independent of the library's encoder: it walks the chunks, checks each
/// CRC with a bitwise (table-free) CRC-32, inflates the IDAT stream and undoes all five row filters. It reads
/// 8-bit grey, grey+alpha, RGB and RGBA images without interlacing — what the encoder and Chromium write.
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, byte[] rgba)
    {
        Width = width;
        Height = height;
        Rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B, A bytes of every pixel, row by row.</summary>
    public byte[] Rgba { get; }

    /// <summary>The chunk types in file order.</summary>
    public List<string> ChunkTypes { get; } = [];

    public byte ColorType { get; private set; }

    public (int R, int G, int B) this[int x, int y]
    {
        get
        {
            int i = 4 * (y * Width + x);
            return (Rgba[i], Rgba[i + 1], Rgba[i + 2]);
        }
    }

    public static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return ~crc;
    }

    public static PngImage Decode(byte[] file)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!file.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("Not a PNG signature.");

        var idat = new MemoryStream();
        var types = new List<string>();
        int width = 0, height = 0;
        byte bitDepth = 0, colorType = 0, interlace = 0;
        int position = 8;
        bool ended = false;
        while (!ended)
        {
            if (position + 12 > file.Length) throw new InvalidDataException("Truncated chunk.");
            int length = (int)ReadUInt32(file, position);
            string type = System.Text.Encoding.ASCII.GetString(file, position + 4, 4);
            if (position + 12 + length > file.Length) throw new InvalidDataException($"Chunk {type} runs past the end.");
            uint stored = ReadUInt32(file, position + 8 + length);
            uint computed = BitwiseCrc32(file.AsSpan(position + 4, 4 + length));
            if (stored != computed) throw new InvalidDataException($"CRC mismatch in chunk {type}: stored {stored:x8}, computed {computed:x8}.");
            ReadOnlySpan<byte> data = file.AsSpan(position + 8, length);
            types.Add(type);
            switch (type)
            {
                case "IHDR":
                    width = (int)ReadUInt32(file, position + 8);
                    height = (int)ReadUInt32(file, position + 12);
                    bitDepth = data[8];
                    colorType = data[9];
                    interlace = data[12];
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            position += 12 + length;
        }

        if (types[0] != "IHDR") throw new InvalidDataException("IHDR is not the first chunk.");
        if (bitDepth != 8) throw new NotSupportedException($"Bit depth {bitDepth}.");
        if (interlace != 0) throw new NotSupportedException("Interlaced PNG.");
        int channels = colorType switch
        {
            0 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => throw new NotSupportedException($"Colour type {colorType}."),
        };

        int stride = width * channels;
        byte[] raw = new byte[(stride + 1) * height];
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.ReadExactly(raw);
            if (zlib.ReadByte() != -1) throw new InvalidDataException("More image data than the header says.");
        }

        byte[] pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[y * stride + x - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
                int value = raw[y * (stride + 1) + 1 + x];
                int predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"Row filter {filter}."),
                };
                pixels[y * stride + x] = (byte)(value + predicted);
            }
        }

        byte[] rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            ReadOnlySpan<byte> p = pixels.AsSpan(i * channels, channels);
            (byte r, byte g, byte b, byte alpha) = colorType switch
            {
                0 => (p[0], p[0], p[0], (byte)255),
                2 => (p[0], p[1], p[2], (byte)255),
                4 => (p[0], p[0], p[0], p[1]),
                _ => (p[0], p[1], p[2], p[3]),
            };
            rgba[4 * i] = r;
            rgba[4 * i + 1] = g;
            rgba[4 * i + 2] = b;
            rgba[4 * i + 3] = alpha;
        }

        var image = new PngImage(width, height, rgba) { ColorType = colorType };
        image.ChunkTypes.AddRange(types);
        return image;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static uint ReadUInt32(byte[] data, int offset) =>
        (uint)(data[offset] << 24 | data[offset + 1] << 16 | data[offset + 2] << 8 | data[offset + 3]);
}
