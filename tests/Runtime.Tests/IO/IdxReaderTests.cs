using System.Buffers.Binary;
using System.Diagnostics;
using Axon.IO;
using Xunit.Abstractions;

namespace Axon.Runtime.Tests.IO;

public class IdxReaderTests(ITestOutputHelper output)
{
    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsUnsignedBytesRawAndGzipped(bool gzip)
    {
        byte[] pixels = RandomBytes(5 * 3 * 4, 1);
        byte[] file = TestFiles.Idx(0x08, [5, 3, 4], pixels);
        using var dir = new TempDirectory();
        string path = dir.File(gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        File.WriteAllBytes(path, gzip ? TestFiles.Gzip(file) : file);

        var idx = IdxReader.Read(path);
        Assert.Equal(IdxDataType.UnsignedByte, idx.DataType);
        Assert.Equal([5, 3, 4], idx.Dimensions);
        Assert.Equal(pixels, idx.Data);
        Assert.Equal(60, idx.ElementCount);
        Assert.Equal(pixels.Select(p => (float)p), idx.ToArray<float>());

        var header = IdxReader.ReadHeader(path);
        Assert.Equal(IdxDataType.UnsignedByte, header.DataType);
        Assert.Equal([5, 3, 4], header.Dimensions);
        Assert.Equal(60, header.ElementCount);

        var firstTwo = IdxReader.Read(path, maxItems: 2);
        Assert.Equal([2, 3, 4], firstTwo.Dimensions);
        Assert.Equal(pixels[..24], firstTwo.Data);
        Assert.Equal([0, 3, 4], IdxReader.Read(path, maxItems: 0).Dimensions);
        Assert.Equal([5, 3, 4], IdxReader.Read(path, maxItems: 50).Dimensions);
    }

    [Fact]
    public void ReadsEveryElementTypeBigEndian()
    {
        var int16 = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(int16, -300);
        BinaryPrimitives.WriteInt16BigEndian(int16.AsSpan(2), 7);
        Assert.Equal([-300, 7], IdxReader.Read(TestFiles.Idx(0x0B, [2], int16)).ToArray<int>());

        var int32 = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(int32, -70000);
        Assert.Equal([-70000L], IdxReader.Read(TestFiles.Idx(0x0C, [1], int32)).ToArray<long>());

        var single = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(single, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(single.AsSpan(4), -0.25f);
        Assert.Equal([1.5f, -0.25f], IdxReader.Read(TestFiles.Idx(0x0D, [1, 2], single)).ToArray<float>());

        var dbl = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(dbl, Math.E);
        Assert.Equal([Math.E], IdxReader.Read(TestFiles.Idx(0x0E, [1], dbl)).ToArray<double>());

        Assert.Equal([-1, 127], IdxReader.Read(TestFiles.Idx(0x09, [2], [0xFF, 0x7F])).ToArray<int>());
        var scalar = IdxReader.Read(TestFiles.Idx(0x08, [], [42]));
        Assert.Empty(scalar.Dimensions);
        Assert.Equal([42], scalar.Data);
    }

    [Fact]
    public void MultiMemberGzipFilesAreRead()
    {
        // Concatenated gzip members decompress to the concatenation; the trailer check covers the last member only.
        byte[] raw = TestFiles.Idx(0x08, [10, 10], RandomBytes(100, 9));
        foreach (int split in new[] { 2, 4, 30, 109 })
        {
            byte[] content = [.. TestFiles.Gzip(raw.AsSpan(0, split)), .. TestFiles.Gzip(raw.AsSpan(split))];
            Assert.Equal(raw[12..], IdxReader.Read(content, "multi.gz").Data);
        }
    }

    [Fact]
    public void AGzExtensionOnAnUncompressedFileIsFine()
    {
        // Browsers and some download tools decompress .gz files but keep the name.
        using var dir = new TempDirectory();
        string path = dir.File("t10k-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, TestFiles.Idx(0x08, [3], [1, 2, 3]));
        Assert.Equal([1, 2, 3], IdxReader.Read(path).Data);
    }

    public static TheoryData<string, string> DefectiveFiles() => new()
    {
        { "", "ends after 0 bytes" },
        { "0000", "ends after 2 bytes" },
        { "01000801 00000001 05", "does not start with 00 00" },
        { "00000701 00000001 05", "unknown element type code 0x07" },
        { "00000801 000000", "dimensions" },
        { "00000802 00000002 00000002 010203", "truncated" },
        { "00000801 00000002 010203", "trailing" },
        { "00000803 80000000 80000000 80000000", "beyond any real data set" },
        { "00000803 7FFFFFFF 7FFFFFFF 7FFFFFFF", "more than" },
        { "00000E02 10000000 10000000", "more than" },
    };

    [Theory]
    [MemberData(nameof(DefectiveFiles))]
    public void DefectsAreReportedWithTheFileName(string hex, string fragment)
    {
        byte[] bytes = Convert.FromHexString(hex.Replace(" ", ""));
        foreach (byte[] content in new[] { bytes, TestFiles.Gzip(bytes) })
        {
            var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(content, "bad-idx"));
            Assert.Contains("'bad-idx'", ex.Message);
            if (content == bytes || !fragment.Contains("ends after")) Assert.Contains(fragment, ex.Message);
        }
    }

    [Fact]
    public void FileErrorsNameThePath()
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken-idx1-ubyte.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 0x08, 0x00, 0x12, 0x34]);
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Throws<FileNotFoundException>(() => IdxReader.Read(dir.File("absent")));
    }

    [Fact]
    public void HugeClaimsInASmallGzipAllocateLittle()
    {
        // 2^31−1 × 1 bytes announced, 100 present: fails as truncated after reading what is there.
        byte[] content = TestFiles.Gzip(TestFiles.Idx(0x08, [int.MaxValue - 64, 1], new byte[100]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.Read(content, "claim.gz"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", ex.Message);
        Assert.True(allocated < 8 << 20, $"{allocated} bytes allocated");

        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => IdxReader.Read(TestFiles.Idx(0x08, [int.MaxValue - 64, 1], new byte[100]), "claim"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void FuzzedRawFilesAreRejectedOrConsistent()
    {
        byte[] valid = TestFiles.Idx(0x08, [6, 5, 4], RandomBytes(120, 2));
        var rng = new Random(3);
        int rejected = 0, accepted = 0;

        for (int length = 0; length < valid.Length; length++)
        {
            AssertRejected(valid[..length], $"truncated to {length}");
            rejected++;
        }

        for (int extra = 1; extra < 10; extra++)
        {
            AssertRejected([.. valid, .. RandomBytes(extra, extra)], $"{extra} trailing bytes");
            rejected++;
        }

        for (int i = 0; i < 400; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int position = i < 200 ? rng.Next(4) : rng.Next(4, 16); // the magic, then the dimensions
            bytes[position] = i % 2 == 0 ? (byte)(bytes[position] ^ (1 << rng.Next(8))) : (byte)rng.Next(256);
            if (Check(bytes, $"flip at {position}")) accepted++;
            else rejected++;
        }

        output.WriteLine($"raw: {rejected} rejected, {accepted} still valid");
        Assert.True(rejected > 300);
    }

    [Fact]
    public void FuzzedGzipFilesAreRejectedOrConsistent()
    {
        byte[] raw = TestFiles.Idx(0x08, [20, 8, 8], RandomBytes(1280, 4));
        byte[] valid = TestFiles.Gzip(raw);
        var rng = new Random(5);
        int rejected = 0, accepted = 0;

        for (int length = 0; length < valid.Length; length += length < 40 ? 1 : 7)
        {
            AssertRejected(valid[..length], $"gzip truncated to {length} of {valid.Length}");
            rejected++;
        }

        for (int i = 0; i < 400; i++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++)
            {
                int position = rng.Next(bytes.Length);
                bytes[position] = (byte)(bytes[position] ^ (1 + rng.Next(255)));
            }

            if (Check(bytes, $"gzip flip #{i}")) accepted++;
            else rejected++;
        }

        AssertRejected([.. valid, 0x00, 0x01, 0x02, 0x03], "garbage after the gzip stream");
        output.WriteLine($"gzip: {rejected} rejected, {accepted} still valid");
        Assert.True(rejected > 300);
    }

    /// <summary>True when the variant was read (consistently); false when it was rejected properly.</summary>
    private static bool Check(byte[] bytes, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxArray idx;
        try
        {
            idx = IdxReader.Read(bytes, "fuzz-idx");
        }
        catch (Exception ex)
        {
            Assert.True(ex is InvalidDataException, $"{what}: {ex.GetType().Name}: {ex.Message}");
            Assert.Contains("fuzz-idx", ex.Message);
            return false;
        }
        finally
        {
            Assert.True(stopwatch.ElapsedMilliseconds < 2000, $"{what}: took {stopwatch.ElapsedMilliseconds} ms");
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, $"{what}: allocated too much");
        }

        long elements = idx.Dimensions.Aggregate(1L, (p, d) => p * d);
        Assert.Equal(elements * IdxReader.SizeOf(idx.DataType), idx.Data.Length);
        Assert.Equal(elements, idx.ToArray<double>().Length);
        return true;
    }

    private static void AssertRejected(byte[] bytes, string what) => Assert.False(Check(bytes, what), $"{what}: accepted");
}
