using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.IO.Compression;

namespace Axon.IO;

/// <summary>The element types of the IDX format (the third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned 8-bit integers (MNIST pixels 0–255 and labels).</summary>
    UnsignedByte = 0x08,
    /// <summary>0x09: signed 8-bit integers.</summary>
    SignedByte = 0x09,
    /// <summary>0x0B: big-endian signed 16-bit integers.</summary>
    Int16 = 0x0B,
    /// <summary>0x0C: big-endian signed 32-bit integers.</summary>
    Int32 = 0x0C,
    /// <summary>0x0D: big-endian IEEE 754 32-bit floats.</summary>
    Single = 0x0D,
    /// <summary>0x0E: big-endian IEEE 754 64-bit floats.</summary>
    Double = 0x0E,
}

/// <summary>The header of an IDX file: element type and dimensions.</summary>
public sealed class IdxHeader
{
    internal IdxHeader(IdxDataType dataType, int[] dimensions, long elementCount)
    {
        DataType = dataType;
        Dimensions = new ReadOnlyCollection<int>(dimensions);
        ElementCount = elementCount;
    }

    /// <summary>The element type, from the third byte of the magic number.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>Product of the dimensions.</summary>
    public long ElementCount { get; }

    /// <summary>Bytes per element.</summary>
    public int ElementSize => IdxReader.SizeOf(DataType);

    /// <summary>The type and dimensions, e.g. <c>UnsignedByte [60000, 28, 28]</c>.</summary>
    public override string ToString() => $"{DataType} [{string.Join(", ", Dimensions)}]";
}

/// <summary>The content of an IDX file (or of its first items, when a limit was given).</summary>
public sealed class IdxArray
{
    internal IdxArray(IdxDataType dataType, int[] dimensions, byte[] data)
    {
        DataType = dataType;
        Dimensions = new ReadOnlyCollection<int>(dimensions);
        Data = data;
    }

    /// <summary>The element type of <see cref="Data"/>.</summary>
    public IdxDataType DataType { get; }

    /// <summary>The dimensions of what was read, outermost first; the first is the number of items read.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>
    /// The elements' bytes as stored: for <see cref="IdxDataType.UnsignedByte"/> (MNIST pixels and labels) these are
    /// the values; wider types are big-endian, which <see cref="ToArray{T}"/> decodes.
    /// </summary>
    public byte[] Data { get; }

    /// <summary>Number of elements.</summary>
    public int ElementCount => Data.Length / IdxReader.SizeOf(DataType);

    /// <summary>The elements converted to <typeparamref name="T"/>.</summary>
    public T[] ToArray<T>() where T : unmanaged, INumberBase<T>
    {
        var values = new T[ElementCount];
        ReadOnlySpan<byte> data = Data;
        switch (DataType)
        {
            case IdxDataType.UnsignedByte:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(data[i]);
                break;
            case IdxDataType.SignedByte:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating((sbyte)data[i]);
                break;
            case IdxDataType.Int16:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(BinaryPrimitives.ReadInt16BigEndian(data.Slice(i * 2, 2)));
                break;
            case IdxDataType.Int32:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(BinaryPrimitives.ReadInt32BigEndian(data.Slice(i * 4, 4)));
                break;
            case IdxDataType.Single:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleBigEndian(data.Slice(i * 4, 4)));
                break;
            default:
                for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleBigEndian(data.Slice(i * 8, 8)));
                break;
        }

        return values;
    }

    /// <summary>The type and the dimensions read, e.g. <c>UnsignedByte [1000, 28, 28]</c>.</summary>
    public override string ToString() => $"{DataType} [{string.Join(", ", Dimensions)}]";
}

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST: a magic number (0x00 0x00, a type code, the number of
/// dimensions), the dimensions as big-endian 32-bit integers, then the elements, big-endian, last dimension
/// fastest. Gzip-compressed files (the usual <c>.gz</c> distribution) are recognised by their content and
/// decompressed on the fly; so is a <c>.gz</c> file that was already decompressed by a download tool.
/// Every defect — wrong magic, unknown type, absurd dimensions, truncated data, trailing bytes, broken gzip — is
/// an <see cref="InvalidDataException"/> naming the file. Memory is allocated for what the file actually holds,
/// never merely for what a (possibly corrupt) header claims.
/// </summary>
public static class IdxReader
{
    private const string InMemoryName = "<memory>";
    private const int InitialGzipCapacity = 1 << 20;

    /// <summary>Reads the whole file at <paramref name="path"/>, or the first <paramref name="maxItems"/> items of its outermost dimension.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid IDX file, or the path is a folder or may not be read.</exception>
    /// <exception cref="FileNotFoundException">There is no such file (or folder on its path).</exception>
    public static IdxArray Read(string path, int? maxItems = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckLimit(maxItems);
        using var stream = DataFileOpener.OpenRead(path, bufferSize: 1 << 16, FileOptions.SequentialScan);
        return (IdxArray)ReadCore(stream, path, maxItems, headerOnly: false);
    }

    /// <summary>Reads IDX content held in memory (raw or gzip-compressed).</summary>
    /// <param name="content">The bytes of an IDX file, or of its gzip-compressed form (recognised by the content).</param>
    /// <param name="fileName">A name for the content in messages.</param>
    /// <param name="maxItems">Read only the first this many items of the outermost dimension (null: all).</param>
    /// <exception cref="InvalidDataException">The content is not valid IDX data (or broken gzip).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is negative.</exception>
    public static IdxArray Read(ReadOnlyMemory<byte> content, string? fileName = null, int? maxItems = null)
    {
        CheckLimit(maxItems);
        using var stream = AsStream(content);
        return (IdxArray)ReadCore(stream, string.IsNullOrEmpty(fileName) ? InMemoryName : fileName, maxItems, headerOnly: false);
    }

    /// <summary>Reads only the header (type and dimensions) of the file at <paramref name="path"/>.</summary>
    public static IdxHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = DataFileOpener.OpenRead(path, bufferSize: 4096, FileOptions.None);
        return (IdxHeader)ReadCore(stream, path, null, headerOnly: true);
    }

    /// <summary>Reads only the header of IDX content held in memory.</summary>
    public static IdxHeader ReadHeader(ReadOnlyMemory<byte> content, string? fileName = null)
    {
        using var stream = AsStream(content);
        return (IdxHeader)ReadCore(stream, string.IsNullOrEmpty(fileName) ? InMemoryName : fileName, null, headerOnly: true);
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int SizeOf(IdxDataType type) => type switch
    {
        IdxDataType.UnsignedByte or IdxDataType.SignedByte => 1,
        IdxDataType.Int16 => 2,
        IdxDataType.Int32 or IdxDataType.Single => 4,
        IdxDataType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an IDX data type."),
    };

    private static object ReadCore(Stream file, string source, int? maxItems, bool headerOnly)
    {
        // Gzip starts with 1F 8B; IDX with 00 00. Sniff, then rewind (both callers pass seekable streams).
        Span<byte> sniff = stackalloc byte[2];
        int sniffed = file.ReadAtLeast(sniff, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = sniffed == 2 && sniff[0] == 0x1F && sniff[1] == 0x8B;
        if (!gzip) return ReadIdx(file, source, file.Length, maxItems, headerOnly, gzip: false, out _, file.Length);

        object result;
        bool complete;
        try
        {
            using var decompressed = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            result = ReadIdx(decompressed, source, null, maxItems, headerOnly, gzip: true, out complete, file.Length);
        }
        catch (Exception ex) when (ex is InvalidDataException && !ex.Data.Contains(DataErrors.FileNameKey) || ex is IOException and not FileNotFoundException)
        {
            // The decompressor's own errors (InvalidDataException, or its IOException for zlib failures).
            throw Error(source, $"the gzip stream is corrupt ({ex.Message}).", ex);
        }

        if (complete) CheckGzipTrailer(file, source, (IdxArray)result);
        return result;
    }

    /// <summary>
    /// The decompressor checks a gzip member's CRC when the trailer is there, but ends quietly when the file stops
    /// short of it. So, after a complete read, the last 8 bytes must be the trailer of the last member: ISIZE is the
    /// length of the member's output — the tail of everything decompressed — and CRC32 its checksum. (This holds for
    /// multi-member files too, and rejects truncated trailers and bytes appended after the gzip data.)
    /// </summary>
    private static void CheckGzipTrailer(Stream file, string source, IdxArray array)
    {
        Span<byte> trailer = stackalloc byte[8];
        if (file.Length < 18) throw Error(source, $"the gzip file is {file.Length} bytes long, too short to hold a gzip header and trailer.");
        file.Position = file.Length - 8;
        file.ReadExactly(trailer);
        uint expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint memberSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);

        byte[] header = HeaderBytes(array);
        long total = header.Length + (long)array.Data.Length;
        if (memberSize <= total)
        {
            // CRC32 of the last memberSize decompressed bytes: the tail of the header (if any), then of the data.
            long skip = total - memberSize;
            uint crc = Crc32.Initial;
            if (skip < header.Length) crc = Crc32.Update(crc, header.AsSpan((int)skip));
            crc = Crc32.Update(crc, array.Data.AsSpan((int)Math.Max(0, skip - header.Length)));
            if (Crc32.Finish(crc) == expectedCrc) return;
        }

        throw Error(source, "the gzip data decompressed, but the file does not end with the matching gzip trailer " +
            "(CRC32 and size): it is truncated, or other bytes were appended after the gzip data.");
    }

    private static byte[] HeaderBytes(IdxArray array)
    {
        int rank = array.Dimensions.Count;
        var header = new byte[4 + 4 * rank];
        header[2] = (byte)array.DataType;
        header[3] = (byte)rank;
        for (int i = 0; i < rank; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Dimensions[i]);
        return header;
    }

    private static object ReadIdx(Stream stream, string source, long? length, int? maxItems, bool headerOnly, bool gzip, out bool complete, long compressedLength)
    {
        complete = false;
        Span<byte> magic = stackalloc byte[4];
        ReadHeaderBytes(stream, magic, source, gzip, "the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Error(source, $"the magic number {magic[0]:X2} {magic[1]:X2} {magic[2]:X2} {magic[3]:X2} does not start with 00 00 " +
                "(not an IDX file, or not the file you meant?).");
        }

        byte code = magic[2];
        if (code is not (0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E))
        {
            throw Error(source, $"unknown element type code 0x{code:X2} in the magic number " +
                "(IDX knows 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64).");
        }

        var type = (IdxDataType)code;
        int elementSize = SizeOf(type);
        int rank = magic[3];
        Span<byte> dimensionBytes = stackalloc byte[4 * 255];
        dimensionBytes = dimensionBytes[..(4 * rank)];
        ReadHeaderBytes(stream, dimensionBytes, source, gzip, $"the {rank} dimensions the magic number announces");

        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes.Slice(4 * i, 4));
            if (d > int.MaxValue) throw Error(source, $"dimension {i} is {d}, beyond any real data set (corrupt header?).");
            dims[i] = (int)d;
            if (elements != 0) elements = d == 0 ? 0 : elements * d; // both factors < 2^31: no overflow
            if (elements > Array.MaxLength / elementSize)
            {
                throw Error(source, $"the dimensions [{string.Join(", ", dims.Take(i + 1))}{(i + 1 < rank ? ", …" : "")}] of {type} " +
                    $"describe more than {Array.MaxLength} bytes, beyond what Axon reads (corrupt header?).");
            }
        }

        long headerBytes = 4 + 4L * rank;
        long fullBytes = elements * elementSize;
        if (length is long known && known - headerBytes != fullBytes)
        {
            long actual = known - headerBytes;
            throw Error(source, actual < fullBytes
                ? $"the header announces {type} [{string.Join(", ", dims)}], {fullBytes} bytes of data, but only {actual} follow (truncated file?)."
                : $"the header announces {type} [{string.Join(", ", dims)}], {fullBytes} bytes of data, but {actual} follow ({actual - fullBytes} trailing bytes).");
        }

        if (headerOnly) return new IdxHeader(type, dims, elements);

        // A limit keeps the first items of the outermost dimension.
        long wanted = fullBytes;
        bool partial = false;
        if (maxItems is int limit && rank > 0 && limit < dims[0])
        {
            wanted = dims[0] == 0 ? 0 : fullBytes / dims[0] * limit;
            dims[0] = limit;
            partial = true;
        }

        byte[] data = length is null ? ReadGrowing(stream, wanted, compressedLength, source, type, dims) : ReadKnown(stream, wanted, source);
        if (!partial && length is null)
        {
            // Reading on to the end also lets the decompressor check the gzip trailer (CRC and size).
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) != 0)
                throw Error(source, $"more data follows the {fullBytes} bytes that the header [{string.Join(", ", dims)}] announces (trailing bytes).");
        }

        complete = !partial;
        return new IdxArray(type, dims, data);
    }

    private static byte[] ReadKnown(Stream stream, long count, string source)
    {
        var data = new byte[count];
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read != data.Length) throw Error(source, $"the data ends after {read} of {count} bytes (the file changed while it was read?).");
        return data;
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes from a stream of unknown length, growing the buffer as data arrives, so
    /// that a header claiming gigabytes in a small file costs no more memory than the file really holds. The first
    /// buffer holds a few times the compressed size (MNIST's IDX files compress about 2:1 to 10:1), so a real data
    /// set is usually read without a single resize.
    /// </summary>
    private static byte[] ReadGrowing(Stream stream, long count, long compressedLength, string source, IdxDataType type, int[] dims)
    {
        long initial = Math.Max(InitialGzipCapacity, Math.Min(4 * compressedLength, Array.MaxLength));
        var data = new byte[Math.Min(count, initial)];
        int filled = 0;
        while (filled < count)
        {
            if (filled == data.Length) Array.Resize(ref data, (int)Math.Min(count, Math.Max(2L * data.Length, 1)));
            int read = stream.Read(data, filled, data.Length - filled);
            if (read == 0)
            {
                throw Error(source, $"the header announces {type} [{string.Join(", ", dims)}], {count} bytes of data, " +
                    $"but the decompressed data ends after {filled} (truncated file?).");
            }

            filled += read;
        }

        return data;
    }

    private static void ReadHeaderBytes(Stream stream, Span<byte> buffer, string source, bool gzip, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read != buffer.Length)
            throw Error(source, $"the {(gzip ? "decompressed " : "")}file ends after {read} bytes of {what} (truncated or empty file?).");
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    private static void CheckLimit(int? maxItems)
    {
        if (maxItems < 0) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "The item limit cannot be negative.");
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip uses; slicing by 4.</summary>
    private static class Crc32
    {
        public const uint Initial = 0xFFFFFFFF;

        private static readonly uint[] Table = BuildTable();

        public static uint Finish(uint crc) => ~crc;

        public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            uint[] t = Table;
            while (bytes.Length >= 4)
            {
                crc ^= BinaryPrimitives.ReadUInt32LittleEndian(bytes);
                crc = t[768 + (crc & 0xFF)] ^ t[512 + ((crc >> 8) & 0xFF)] ^ t[256 + ((crc >> 16) & 0xFF)] ^ t[crc >> 24];
                bytes = bytes[4..];
            }

            foreach (byte b in bytes) crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }

        private static uint[] BuildTable()
        {
            var table = new uint[1024];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                table[i] = c;
            }

            for (int i = 0; i < 256; i++)
            {
                for (int s = 1; s < 4; s++) table[256 * s + i] = table[i + 256 * (s - 1)] >> 8 ^ table[table[i + 256 * (s - 1)] & 0xFF];
            }

            return table;
        }
    }

    private static InvalidDataException Error(string source, string problem, Exception? inner = null) =>
        DataErrors.Create($"Invalid IDX file '{source}': {problem}", source, null, inner);
}
