using System.Globalization;
using System.Text;

namespace Axon.Samples.Edge;

/// <summary>A problem with an image file that the user can fix; the message names the file and the problem.</summary>
internal sealed class ImageFileException(string path, string problem, bool missing = false) : Exception($"'{path}': {problem}")
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;

    /// <summary>The file is not there or cannot be opened (as opposed to holding something wrong).</summary>
    public bool Missing { get; } = missing;
}

internal enum ImageFormat
{
    /// <summary>By extension: .pgm/.pnm are PGM, .raw/.bin/.gray raw; otherwise PGM when the file starts with 'P'.</summary>
    Auto,
    Pgm,
    Raw,
}

/// <summary>A 28×28 grey-scale image as the model takes it: row-major pixels in [0, 1] (0 = black).</summary>
internal sealed record GreyImage(float[] Pixels, string Format);

/// <summary>
/// Reads the images the edge app explains — PGM (binary P5 and plain P2, 8-bit) and raw bytes (784, one per pixel,
/// row-major) — and writes PGM. Netpbm's rules apply: whitespace and '#' comments between the header fields, a
/// single whitespace character between the maxval and a P5 raster, pixel values 0..maxval scaled to value / maxval.
/// </summary>
internal static class ImageFile
{
    public const int Width = 28;
    public const int Height = 28;
    public const int PixelCount = Width * Height;

    private const int MaxHeaderNumber = 1_000_000_000;

    /// <summary>
    /// The most bytes a file of one 28×28 image may have. A raw image is 784 bytes and a PGM a short header and its
    /// pixels (about 3 KiB as plain text); the limit leaves room for long header comments. Reading stops one byte
    /// past it, so a huge file, a device such as /dev/zero or a pipe that never ends is rejected after 64 KiB
    /// instead of filling the memory.
    /// </summary>
    public const int MaxFileBytes = 64 * 1024;

    public static GreyImage Read(string path, ImageFormat format = ImageFormat.Auto)
    {
        byte[] bytes = ReadBytes(path);
        if (format == ImageFormat.Auto) format = Detect(path, bytes);
        return format == ImageFormat.Raw ? ReadRaw(path, bytes) : ReadPgm(path, bytes);
    }

    /// <summary>Reads at most <see cref="MaxFileBytes"/> + 1 bytes of <paramref name="stream"/>, which need not be seekable nor end.</summary>
    /// <param name="path">The file's name in messages.</param>
    /// <exception cref="ImageFileException">The stream holds more than <see cref="MaxFileBytes"/> bytes.</exception>
    public static byte[] ReadBounded(Stream stream, string path)
    {
        var buffer = new byte[MaxFileBytes + 1];
        int length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (length > MaxFileBytes)
        {
            throw new ImageFileException(path,
                $"too long: a {Width}×{Height} image file (PGM, or {PixelCount} raw bytes) has at most {MaxFileBytes:N0} bytes, this one has more");
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    /// <summary>Writes a 28×28 image as 8-bit PGM: binary (P5) or plain (P2), with an optional comment line.</summary>
    public static void WritePgm(string path, ReadOnlySpan<float> pixels, bool plain, string? comment = null)
    {
        if (pixels.Length != PixelCount) throw new ArgumentException($"A {Width}×{Height} image has {PixelCount} pixels, not {pixels.Length}.", nameof(pixels));
        var header = new StringBuilder();
        header.Append(plain ? "P2\n" : "P5\n");
        if (!string.IsNullOrEmpty(comment)) header.Append("# ").Append(comment.ReplaceLineEndings(" ")).Append('\n');
        header.Append(CultureInfo.InvariantCulture, $"{Width} {Height}\n255\n");
        using var stream = File.Create(path);
        stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        if (plain)
        {
            var text = new StringBuilder();
            for (int r = 0; r < Height; r++)
            {
                for (int c = 0; c < Width; c++)
                {
                    if (c > 0) text.Append(' ');
                    text.Append(ToByte(pixels[r * Width + c]).ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }

            stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
        }
        else
        {
            Span<byte> raster = stackalloc byte[PixelCount];
            for (int i = 0; i < PixelCount; i++) raster[i] = ToByte(pixels[i]);
            stream.Write(raster);
        }
    }

    private static byte ToByte(float pixel) => (byte)Math.Clamp(MathF.Round(pixel * 255f), 0f, 255f);

    private static byte[] ReadBytes(string path)
    {
        if (Directory.Exists(path)) throw new ImageFileException(path, "is a directory, not an image file", missing: true);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            return ReadBounded(stream, path);
        }
        catch (FileNotFoundException)
        {
            throw new ImageFileException(path, "no such file", missing: true);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ImageFileException(path, "no such file (its directory does not exist)", missing: true);
        }
        catch (UnauthorizedAccessException)
        {
            throw new ImageFileException(path, "cannot be read (permission denied)", missing: true);
        }
        catch (IOException e)
        {
            throw new ImageFileException(path, $"cannot be read: {e.Message}", missing: true);
        }
    }

    private static ImageFormat Detect(string path, byte[] bytes)
    {
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".pgm" or ".pnm") return ImageFormat.Pgm;
        if (extension is ".raw" or ".bin" or ".gray" or ".grey") return ImageFormat.Raw;
        if (bytes.Length == PixelCount) return ImageFormat.Raw;
        return bytes.Length >= 1 && bytes[0] == (byte)'P' ? ImageFormat.Pgm : ImageFormat.Raw;
    }

    private static GreyImage ReadRaw(string path, byte[] bytes)
    {
        if (bytes.Length != PixelCount)
        {
            string what = bytes.Length < PixelCount ? "truncated" : "too long";
            throw new ImageFileException(path, $"{what}: a raw image is exactly {PixelCount} bytes ({Width}×{Height}, one byte per pixel, row-major), this file has {bytes.Length:N0}");
        }

        var pixels = new float[PixelCount];
        for (int i = 0; i < PixelCount; i++) pixels[i] = bytes[i] / 255f;
        return new GreyImage(pixels, $"raw {PixelCount} bytes");
    }

    private static GreyImage ReadPgm(string path, byte[] bytes)
    {
        if (bytes.Length == 0) throw new ImageFileException(path, "empty file: expected a PGM image (P5 or P2)");
        if (bytes.Length < 2 || bytes[0] != (byte)'P' || !(bytes[1] == (byte)'5' || bytes[1] == (byte)'2'))
            throw new ImageFileException(path, $"bad magic number {Describe(bytes)}: expected 'P5' (binary PGM) or 'P2' (plain PGM){OtherNetpbm(bytes)}");
        bool plain = bytes[1] == (byte)'2';
        int position = 2;
        if (position >= bytes.Length || !IsWhitespace(bytes[position]))
            throw new ImageFileException(path, $"bad magic number {Describe(bytes)}: 'P{(char)bytes[1]}' must be followed by whitespace");

        int width = ReadHeaderNumber(path, bytes, ref position, "width");
        int height = ReadHeaderNumber(path, bytes, ref position, "height");
        int maxValue = ReadHeaderNumber(path, bytes, ref position, "maxval");
        if (width != Width || height != Height)
            throw new ImageFileException(path, $"wrong dimensions {width}×{height}: the model takes {Width}×{Height} grey-scale images (resize it first)");
        if (maxValue == 0) throw new ImageFileException(path, "bad maxval 0: it must be 1..255");
        if (maxValue > 255)
        {
            throw new ImageFileException(path, maxValue <= 65535
                ? $"bad maxval {maxValue}: 16-bit PGM is not supported, only 8-bit (maxval 1..255)"
                : $"bad maxval {maxValue}: PGM allows at most 65535, and this reader 8-bit images (maxval 1..255)");
        }

        var pixels = new float[PixelCount];
        float scale = maxValue;
        if (plain)
        {
            for (int i = 0; i < PixelCount; i++)
            {
                SkipWhitespaceAndComments(bytes, ref position);
                if (position >= bytes.Length)
                    throw new ImageFileException(path, $"truncated data: {PixelCount} pixels expected, the file ends after {i}");
                int value = ReadNumber(path, bytes, ref position, $"pixel {i} (row {i / Width}, column {i % Width})");
                if (value > maxValue) throw new ImageFileException(path, $"pixel {i} (row {i / Width}, column {i % Width}) is {value}, above maxval {maxValue}");
                pixels[i] = value / scale;
            }
        }
        else
        {
            // Exactly one whitespace character separates the maxval from the raster.
            if (position >= bytes.Length || !IsWhitespace(bytes[position]))
                throw new ImageFileException(path, position >= bytes.Length ? $"truncated data: the file ends after the header, {PixelCount} pixel bytes expected" : "the maxval must be followed by one whitespace character");
            position++;
            int available = bytes.Length - position;
            if (available < PixelCount)
                throw new ImageFileException(path, $"truncated data: {PixelCount} pixel bytes expected after the header, found {available}");
            for (int i = 0; i < PixelCount; i++)
            {
                int value = bytes[position + i];
                if (value > maxValue) throw new ImageFileException(path, $"pixel {i} (row {i / Width}, column {i % Width}) is {value}, above maxval {maxValue}");
                pixels[i] = value / scale;
            }
        }

        return new GreyImage(pixels, $"{(plain ? "P2" : "P5")} {width}×{height}, maxval {maxValue}");
    }

    private static int ReadHeaderNumber(string path, byte[] bytes, ref int position, string field)
    {
        SkipWhitespaceAndComments(bytes, ref position);
        if (position >= bytes.Length) throw new ImageFileException(path, $"truncated header: the file ends before the {field}");
        return ReadNumber(path, bytes, ref position, $"the {field}");
    }

    private static int ReadNumber(string path, byte[] bytes, ref int position, string what)
    {
        int start = position;
        long value = 0;
        while (position < bytes.Length && bytes[position] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (bytes[position] - '0');
            if (value > MaxHeaderNumber) throw new ImageFileException(path, $"{what} is too large");
            position++;
        }

        if (position == start || (position < bytes.Length && !IsWhitespace(bytes[position]) && bytes[position] != (byte)'#'))
        {
            int end = position;
            while (end < bytes.Length && end - start < 12 && !IsWhitespace(bytes[end])) end++;
            if (end == start) end = Math.Min(bytes.Length, start + 1);
            throw new ImageFileException(path, $"{what} must be a decimal number, found '{Printable(bytes.AsSpan(start, end - start))}'");
        }

        return (int)value;
    }

    private static void SkipWhitespaceAndComments(byte[] bytes, ref int position)
    {
        while (position < bytes.Length)
        {
            if (IsWhitespace(bytes[position]))
            {
                position++;
            }
            else if (bytes[position] == (byte)'#')
            {
                while (position < bytes.Length && bytes[position] != (byte)'\n' && bytes[position] != (byte)'\r') position++;
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static string Describe(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(2, bytes.Length));
        var hex = new StringBuilder();
        foreach (byte b in head) hex.Append(CultureInfo.InvariantCulture, $" {b:X2}");
        return $"'{Printable(head)}' (bytes{hex})";
    }

    private static string OtherNetpbm(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != (byte)'P') return "";
        return (char)bytes[1] switch
        {
            '1' or '4' => "; this is a PBM (black-and-white) image",
            '3' or '6' => "; this is a PPM (colour) image: convert it to grey-scale first",
            '7' => "; this is a PAM image",
            _ => "",
        };
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes) text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        return text.ToString();
    }
}
