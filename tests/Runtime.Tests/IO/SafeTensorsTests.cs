using System.Buffers.Binary;
using System.Text;
using Axon.IO;

namespace Axon.Runtime.Tests.IO;

public class SafeTensorsTests
{
    [Fact]
    public void RoundTripF32AndF64WithScalarAndZeroSizeTensors()
    {
        float[] weight = [1.5f, -2f, 3.25f, float.MaxValue, float.Epsilon, -0f];
        double[] bias = [Math.PI, -1e300];
        float[] scalar = [42f];
        double[] scalarD = [-0.125];
        var tensors = new[]
        {
            new SafeTensorsEntry("layer.weight", [2, 3], weight),
            new SafeTensorsEntry("layer.bias", [2], bias),
            new SafeTensorsEntry("scale", [], scalar),
            new SafeTensorsEntry("shift", [], scalarD),
            new SafeTensorsEntry("empty", [0, 5], Array.Empty<float>()),
            new SafeTensorsEntry("empty64", [3, 0], Array.Empty<double>()),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "naïve \"quoted\" +<>" };

        byte[] bytes = SafeTensorsWriter.ToArray(tensors, metadata);
        var file = SafeTensorsFile.Parse(bytes, "roundtrip.safetensors");

        Assert.Equal(6, file.Tensors.Count);
        Assert.Equal(["layer.weight", "layer.bias", "scale", "shift", "empty", "empty64"], file.Tensors.Select(t => t.Name));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(0, (8 + file.HeaderLength) % 8);

        var w = file["layer.weight"];
        Assert.Equal(SafeTensorsDType.F32, w.DType);
        Assert.Equal([2, 3], w.Shape);
        Assert.Equal(weight, w.ToFloatArray());
        Assert.Equal(weight.Select(v => (double)v), w.ToDoubleArray());

        var b = file["layer.bias"];
        Assert.Equal(SafeTensorsDType.F64, b.DType);
        Assert.Equal(bias, b.ToDoubleArray());
        Assert.Equal(bias.Select(v => (float)v), b.ToFloatArray());

        Assert.Empty(file["scale"].Shape);
        Assert.Equal(1, file["scale"].ElementCount);
        Assert.Equal(scalar, file["scale"].ToFloatArray());
        Assert.Equal(scalarD, file["shift"].ToDoubleArray());

        Assert.Equal([0, 5], file["empty"].Shape);
        Assert.Equal(0, file["empty"].ElementCount);
        Assert.Empty(file["empty"].ToFloatArray());
        Assert.Equal(SafeTensorsDType.F64, file["empty64"].DType);
        Assert.Empty(file["empty64"].ToDoubleArray());
    }

    [Fact]
    public void RoundTripThroughAFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("weights.safetensors");
        float[] values = Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray();
        SafeTensorsWriter.Write(path, [new SafeTensorsEntry("t", [2, 3, 4], values)]);
        SafeTensorsWriter.Write(path, [new SafeTensorsEntry("t", [4, 6], values)]); // overwrites

        var file = SafeTensorsFile.Read(path);
        Assert.Equal(path, file.FileName);
        Assert.Equal([4, 6], file["t"].Shape);
        Assert.Equal(values, file["t"].ToFloatArray());
        Assert.Equal(["weights.safetensors"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriterProducesTheBytesTheSpecPrescribes()
    {
        byte[] actual = SafeTensorsWriter.ToArray(
            [new SafeTensorsEntry("a", [2], new[] { 1f, -2f }), new SafeTensorsEntry("b", [], new[] { 0.5 })],
            new Dictionary<string, string> { ["format"] = "pt" });

        const string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
                            "\"b\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}}";
        int padded = (json.Length + 7) / 8 * 8;
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)padded).Select(x => x)); // little-endian host assumed below too
        Assert.True(BitConverter.IsLittleEndian);
        expected.AddRange(Encoding.ASCII.GetBytes(json));
        expected.AddRange(Enumerable.Repeat((byte)' ', padded - json.Length));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]); // 1f
        expected.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2f
        expected.AddRange([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE0, 0x3F]); // 0.5
        Assert.Equal(expected.ToArray(), actual);
    }

    [Fact]
    public void ReadsAHandBuiltFileOfEveryDType()
    {
        // Header in a different key order, with whitespace, unknown keys and no padding: all allowed.
        var data = new List<byte>();
        data.AddRange(TestFiles.LittleEndian(1.0, -2.5));                     // F64 [2]        0..16
        data.AddRange(TestFiles.LittleEndian(3.5f));                          // F32 []         16..20
        data.AddRange([0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7C]);                  // F16 1, -2, +inf  20..26
        data.AddRange([0x80, 0x3F, 0x49, 0x40]);                              // BF16 1, 3.140625 26..30
        data.AddRange([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);      // I64 -1         30..38
        data.AddRange([0x02, 0x00, 0x00, 0x80]);                              // I32 int.MinValue+2 38..42
        data.AddRange([0x00, 0x80]);                                          // I16 -32768     42..44
        data.AddRange([0x80, 0x7F]);                                          // I8 -128, 127   44..46
        data.AddRange([0xFF, 0x00]);                                          // U8 255, 0      46..48
        data.AddRange([0x01, 0x00, 0x01]);                                    // BOOL           48..51
        data.AddRange([0x38, 0x01, 0x7F, 0xC0]);                              // F8_E4M3 1, 2^-9, NaN, -2  51..55
        data.AddRange([0x3C, 0xC0]);                                          // F8_E5M2 1, -2  55..57
        string header = """
            { "f64": {"shape": [2], "dtype": "F64", "data_offsets": [0, 16], "extra": {"ignored": [1, 2]}},
              "f32": {"dtype": "F32", "shape": [], "data_offsets": [16, 20]},
              "f16": {"dtype": "F16", "shape": [3], "data_offsets": [20, 26]},
              "bf16": {"dtype": "BF16", "shape": [1, 2], "data_offsets": [26, 30]},
              "i64": {"dtype": "I64", "shape": [1], "data_offsets": [30, 38]},
              "i32": {"dtype": "I32", "shape": [1], "data_offsets": [38, 42]},
              "i16": {"dtype": "I16", "shape": [1], "data_offsets": [42, 44]},
              "i8": {"dtype": "I8", "shape": [2], "data_offsets": [44, 46]},
              "u8": {"dtype": "U8", "shape": [2], "data_offsets": [46, 48]},
              "bool": {"dtype": "BOOL", "shape": [3], "data_offsets": [48, 51]},
              "e4m3": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [51, 55]},
              "e5m2": {"dtype": "F8_E5M2", "shape": [2], "data_offsets": [55, 57]},
              "__metadata__": {"k": "v"} }
            """;
        var file = SafeTensorsFile.Parse(TestFiles.SafeTensors(header, data.ToArray()));

        Assert.Equal([1.0, -2.5], file["f64"].ToDoubleArray());
        Assert.Equal([3.5f], file["f32"].ToFloatArray());
        Assert.Equal([1f, -2f, float.PositiveInfinity], file["f16"].ToFloatArray());
        Assert.Equal([1f, 3.140625f], file["bf16"].ToFloatArray());
        Assert.Equal([-1L], file["i64"].ToArray<long>());
        Assert.Equal([int.MinValue + 2], file["i32"].ToArray<int>());
        Assert.Equal([-32768f], file["i16"].ToFloatArray());
        Assert.Equal([-128.0, 127.0], file["i8"].ToDoubleArray());
        Assert.Equal([255f, 0f], file["u8"].ToFloatArray());
        Assert.Equal([1f, 0f, 1f], file["bool"].ToFloatArray());
        var e4m3 = file["e4m3"].ToFloatArray();
        Assert.Equal(1f, e4m3[0]);
        Assert.Equal(MathF.Pow(2, -9), e4m3[1]);
        Assert.True(float.IsNaN(e4m3[2]));
        Assert.Equal(-2f, e4m3[3]);
        Assert.Equal([1f, -2f], file["e5m2"].ToFloatArray());
        Assert.Equal("v", file.Metadata["k"]);
        Assert.True(file["bool"].DType == SafeTensorsDType.BOOL && !file["bool"].DType.IsFloatingPoint());
    }

    [Fact]
    public void F16AndBF16ConvertExactlyForEveryBitPattern()
    {
        var bytes = new byte[65536 * 2];
        for (int i = 0; i < 65536; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)i);
        var halves = SafeTensorsEntry.FromBytes("h", SafeTensorsDType.F16, [65536], bytes);
        var bf16 = SafeTensorsEntry.FromBytes("b", SafeTensorsDType.BF16, [256, 256], bytes);
        var file = SafeTensorsFile.Parse(SafeTensorsWriter.ToArray([halves, bf16]));

        float[] h = file["h"].ToFloatArray();
        float[] b = file["b"].ToFloatArray();
        double[] hd = file["h"].ToDoubleArray();
        for (int i = 0; i < 65536; i++)
        {
            float expectedHalf = (float)BitConverter.UInt16BitsToHalf((ushort)i);
            float expectedBf16 = BitConverter.Int32BitsToSingle(i << 16);
            Assert.True(expectedHalf.Equals(h[i]), $"F16 0x{i:X4}: {h[i]} ≠ {expectedHalf}");
            Assert.True(((double)expectedHalf).Equals(hd[i]), $"F16 0x{i:X4} as double");
            Assert.True(BitConverter.SingleToInt32Bits(expectedBf16) == BitConverter.SingleToInt32Bits(b[i]) || (float.IsNaN(expectedBf16) && float.IsNaN(b[i])), $"BF16 0x{i:X4}");
        }

        Half[] native = file["h"].ToArray<Half>();
        Assert.Equal(BitConverter.UInt16BitsToHalf(0x3C00), native[0x3C00]);
    }

    [Fact]
    public void EmptyFileWithNoTensorsIsValid()
    {
        var file = SafeTensorsFile.Parse(TestFiles.SafeTensors("{}      ", []));
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
        var written = SafeTensorsFile.Parse(SafeTensorsWriter.ToArray([]));
        Assert.Empty(written.Tensors);
    }

    [Fact]
    public void MissingTensorLookupListsAvailableNames()
    {
        var file = SafeTensorsFile.Parse(SafeTensorsWriter.ToArray([new SafeTensorsEntry("conv.weight", [1], new[] { 1f })]), "m.safetensors");
        var ex = Assert.Throws<KeyNotFoundException>(() => file["conv.bias"]);
        Assert.Contains("conv.bias", ex.Message);
        Assert.Contains("conv.weight", ex.Message);
        Assert.False(file.TryGetTensor("conv.bias", out _));
        Assert.True(file.Contains("conv.weight"));
    }

    public static TheoryData<string, string, string?, string> InvalidHeaders() => new()
    {
        // header, data (hex), tensor named in the message (or null), words the message must contain
        { """{"t":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", "00000000", "t", "unknown dtype" },
        { """{"t":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}""", "00000000", "t", "unknown dtype" },
        { """{"t":{"shape":[1],"data_offsets":[0,4]}}""", "00000000", "t", "\"dtype\"" },
        { """{"t":{"dtype":"F32","data_offsets":[0,4]}}""", "00000000", "t", "\"shape\"" },
        { """{"t":{"dtype":"F32","shape":[1]}}""", "00000000", "t", "\"data_offsets\"" },
        { """{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "00000000", "t", "non-negative" },
        { """{"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "00000000", "t", "non-negative integer" },
        { """{"t":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}""", "00000000", "t", "non-negative integer" },
        { """{"t":{"dtype":"F32","shape":3,"data_offsets":[0,4]}}""", "00000000", "t", "array" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", "00000000", "t", "exactly two" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "00000000", "t", "exactly two" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "00000000", "t", "non-negative integer" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "00000000", "t", "end before they begin" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}""", "00000000", "t", "past the end" },
        { """{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "00000000", "t", "needs 8" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}}""", "00000000", "t", "past the end" },
        { """{"t":{"dtype":"F32","shape":[4294967296],"data_offsets":[0,4]}}""", "00000000", "t", "dimension" },
        { """{"t":{"dtype":"F32","shape":[65536,65536,65536,65536],"data_offsets":[0,4]}}""", "00000000", "t", "more elements" },
        { """{"t":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "00000000", "t", "two \"dtype\"" },
        { """{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "0000000000000000", "t", "twice" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "0000000000000000", "b", "overlap" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "0000000000000000", "a", "leaving bytes [0, 4)" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "0000000000000000", null, "trailing" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", "00000000", null, "JSON" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x""", "00000000", null, "JSON" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],}}""", "00000000", null, "JSON" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} // c""", "00000000", null, "JSON" },
        { """{"a":[1,2]}""", "", "a", "must be an object" },
        { """{"__metadata__":{"k":1}}""", "", null, "must be a string" },
        { """{"__metadata__":[]}""", "", null, "object of strings" },
        { """{"__metadata__":{},"__metadata__":{}}""", "", null, "two" },
        { """ {}""", "", null, "start" },
        { """[]""", "", null, "start" },
        { """{"\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "00000000", null, "not valid" },
        { """{"a":{"dtype":"F32","shape":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],"data_offsets":[0,4]}}""", "00000000", "a", "non-negative integer" },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void RejectsInvalidHeadersNamingFileAndTensor(string header, string dataHex, string? tensor, string fragment)
    {
        byte[] bytes = TestFiles.SafeTensors(header, Convert.FromHexString(dataHex));
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "bad.safetensors"));
        Assert.Contains("'bad.safetensors'", ex.Message);
        Assert.Contains(fragment, ex.Message);
        Assert.Equal("bad.safetensors", DataErrors.GetFileName(ex));
        Assert.Equal(tensor, DataErrors.GetTensorName(ex));
        if (tensor is not null) Assert.Contains($"tensor '{tensor}'", ex.Message);
    }

    [Fact]
    public void RejectsInvalidUtf8InTheHeader()
    {
        byte[] bytes = TestFiles.SafeTensors("{\"xx\":{}}", []);
        bytes[10] = 0xFF;
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "u.safetensors"));
        Assert.Contains("UTF-8", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void RejectsFilesShorterThanThePrefix(int length)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(new byte[length], "short.safetensors"));
        Assert.Contains("too short", ex.Message);
    }

    [Theory]
    [InlineData(ulong.MaxValue, "more than")]
    [InlineData(100_000_001UL, "more than")]
    [InlineData(1_000_000UL, "truncated")]
    [InlineData(0UL, "too short")]
    public void RejectsBadLengthPrefixesWithoutAllocating(ulong prefix, string fragment)
    {
        byte[] bytes = TestFiles.SafeTensors("{}", []);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, prefix);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes, "p.safetensors"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void ReadFromPathChecksThePrefixAgainstTheFileLength()
    {
        using var dir = new TempDirectory();
        string path = dir.File("not-safetensors.bin");
        File.WriteAllText(path, "PK\u0003\u0004 this is a zip, not safetensors........");
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Read(dir.File("absent.safetensors")));
    }

    [Fact]
    public void WriterRejectsInconsistentInput()
    {
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("t", [2, 2], new float[3]));
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("t", [-1], new float[0]));
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("__metadata__", [1], new float[1]));
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("", [1], new float[1]));
        Assert.Throws<ArgumentException>(() => SafeTensorsEntry.FromBytes("t", SafeTensorsDType.F16, [3], new byte[5]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.ToArray(
            [new SafeTensorsEntry("t", [1], new float[1]), new SafeTensorsEntry("t", [1], new double[1])]));
    }

    [Fact]
    public void WriterKeepsNamesReadableAndPythonCompatible()
    {
        byte[] bytes = SafeTensorsWriter.ToArray([new SafeTensorsEntry("blocks.0+skip<é>", [1], new[] { 1f })]);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Contains("\"blocks.0+skip<é>\"", header);
        Assert.Equal("blocks.0+skip<é>", SafeTensorsFile.Parse(bytes).Tensors[0].Name);
    }
}
