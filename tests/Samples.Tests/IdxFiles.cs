using System.Buffers.Binary;
using System.IO.Compression;

namespace Axon.Samples.Tests;

/// <summary>Builds IDX files byte by byte (as the Fashion-MNIST distribution has them), independently of the reader under test.</summary>
internal static class IdxFiles
{
    /// <summary>00 00, the type code, the rank, the big-endian dimensions, then <paramref name="data"/> as given.</summary>
    public static byte[] Idx(byte typeCode, int[] dims, ReadOnlySpan<byte> data)
    {
        var file = new byte[4 + 4 * dims.Length + data.Length];
        file[2] = typeCode;
        file[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(file.AsSpan(4 + 4 * dims.Length));
        return file;
    }

    public static byte[] Gzip(ReadOnlySpan<byte> content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }
}
