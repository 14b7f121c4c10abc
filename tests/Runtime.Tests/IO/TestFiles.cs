using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Axon.Runtime.Tests.IO;

/// <summary>Builds test files byte by byte, independently of the writers under test.</summary>
internal static class TestFiles
{
    /// <summary>A safetensors file: the 8-byte little-endian length of <paramref name="header"/>, its UTF-8 bytes, the data.</summary>
    public static byte[] SafeTensors(string header, ReadOnlySpan<byte> data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file.AsSpan(8 + json.Length));
        return file;
    }

    public static byte[] LittleEndian(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    public static byte[] LittleEndian(params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    /// <summary>An IDX file: 00 00 type rank, big-endian dimensions, then <paramref name="data"/> as given.</summary>
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

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "axon-io-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
