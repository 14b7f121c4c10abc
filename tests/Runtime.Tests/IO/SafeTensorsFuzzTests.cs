using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Axon.IO;
using Xunit.Abstractions;

namespace Axon.Runtime.Tests.IO;

/// <summary>
/// Corrupts a valid file in many ways with a fixed seed: every variant must be rejected with
/// <see cref="InvalidDataException"/> naming the file (never another exception type, a hang, or a large allocation),
/// or — when the damage left the file valid — load consistently.
/// </summary>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const string Name = "fuzz.safetensors";

    private static readonly byte[] Valid = BuildValid();

    private static byte[] BuildValid()
    {
        var rng = new Random(7);
        float[] w = Enumerable.Range(0, 6).Select(_ => (float)rng.NextDouble()).ToArray();
        double[] b = Enumerable.Range(0, 4).Select(_ => rng.NextDouble()).ToArray();
        var halves = new byte[6];
        rng.NextBytes(halves);
        return SafeTensorsWriter.ToArray(
            [
                new SafeTensorsEntry("fc.weight", [2, 3], w),
                new SafeTensorsEntry("fc.bias", [4], b),
                SafeTensorsEntry.FromBytes("h", SafeTensorsDType.F16, [3], halves),
                new SafeTensorsEntry("s", [], new[] { 1f }),
                new SafeTensorsEntry("z", [0, 5], Array.Empty<float>()),
            ],
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static int HeaderEnd => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(Valid);

    [Fact]
    public void TheBaseFileIsValid()
    {
        var file = SafeTensorsFile.Parse(Valid, Name);
        Assert.Equal(5, file.Tensors.Count);
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        var rng = new Random(1);
        var lengths = Enumerable.Range(0, HeaderEnd + 1).Concat(Enumerable.Range(0, 60).Select(_ => rng.Next(HeaderEnd, Valid.Length)));
        int count = 0;
        foreach (int length in lengths.Distinct())
        {
            AssertRejected(Valid.AsSpan(0, length).ToArray(), $"truncated to {length}");
            count++;
        }

        output.WriteLine($"{count} truncations rejected");
    }

    [Fact]
    public void FlipsInTheLengthPrefixAreRejectedWithoutLargeAllocations()
    {
        var rng = new Random(2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 400; i++)
        {
            byte[] bytes = (byte[])Valid.Clone();
            int position = i < 64 ? i / 8 : rng.Next(8);
            byte value = i < 64 ? (byte)(bytes[position] ^ (1 << (i % 8))) : (byte)rng.Next(256);
            if (value == bytes[position]) continue;
            bytes[position] = value;
            AssertRejected(bytes, $"prefix byte {position} = 0x{value:X2}");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"allocated {allocated / 1024} KiB");
        Assert.True(allocated < 64L << 20, $"{allocated} bytes allocated for 400 parses of a {Valid.Length}-byte file");
    }

    [Fact]
    public void RandomByteFlipsInTheHeaderAreRejectedOrConsistent()
    {
        var rng = new Random(3);
        int rejected = 0, accepted = 0;
        for (int i = 0; i < 600; i++)
        {
            byte[] bytes = (byte[])Valid.Clone();
            int flips = 1 + rng.Next(3);
            for (int f = 0; f < flips; f++)
            {
                int position = rng.Next(8, HeaderEnd);
                bytes[position] = rng.Next(3) switch
                {
                    0 => (byte)(bytes[position] ^ (1 << rng.Next(8))),
                    1 => (byte)rng.Next(256),
                    _ => (byte)"{}[],:\"0123456789-. \\eE"[rng.Next(23)],
                };
            }

            if (Check(bytes, $"flip #{i}")) accepted++;
            else rejected++;
        }

        output.WriteLine($"header flips: {rejected} rejected, {accepted} still valid");
        Assert.True(rejected > 400);
    }

    [Fact]
    public void RandomJsonEditsAreRejectedOrConsistent()
    {
        var rng = new Random(4);
        string header = Encoding.UTF8.GetString(Valid, 8, HeaderEnd - 8).TrimEnd();
        byte[] data = Valid[HeaderEnd..];
        string[] tokens =
        [
            "{", "}", "[", "]", ",", ":", "\"", "-1", "1.5", "1e3", "18446744073709551616", "4294967296", "null", "true",
            "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"I32\"", "\"F99\"", "\"__metadata__\"", "[0,0]", "[]", "{}",
            "\"fc.weight\"", "\"\\u0000\"", "\"\\ud800\"", "9999999999999999999999999", "\u00e9", "\t", "\n",
        ];
        int rejected = 0, accepted = 0;
        for (int i = 0; i < 600; i++)
        {
            var text = new StringBuilder(header);
            int edits = 1 + rng.Next(3);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = rng.Next(text.Length);
                switch (rng.Next(5))
                {
                    case 0: text.Remove(at, Math.Min(1 + rng.Next(8), text.Length - at)); break;
                    case 1: text.Insert(at, tokens[rng.Next(tokens.Length)]); break;
                    case 2: text.Remove(at, Math.Min(1 + rng.Next(4), text.Length - at)).Insert(at, tokens[rng.Next(tokens.Length)]); break;
                    case 3:
                        int length = Math.Min(1 + rng.Next(40), text.Length - at);
                        text.Insert(rng.Next(text.Length), text.ToString(at, length));
                        break;
                    default:
                        // Replace one number with another.
                        var s = text.ToString();
                        int digit = s.IndexOfAny("0123456789".ToCharArray(), at);
                        if (digit >= 0) text[digit] = "0123456789"[rng.Next(10)];
                        break;
                }
            }

            // The prefix is recomputed, so these exercise the JSON validation rather than the length check.
            byte[] bytes = TestFiles.SafeTensors(text.ToString(), data);
            if (Check(bytes, $"edit #{i}: {text}")) accepted++;
            else rejected++;
        }

        output.WriteLine($"JSON edits: {rejected} rejected, {accepted} still valid");
        Assert.True(rejected > 400);
    }

    [Fact]
    public void DataByteChangesLoadWithTheOriginalShapes()
    {
        var rng = new Random(5);
        var original = SafeTensorsFile.Parse(Valid, Name);
        for (int i = 0; i < 200; i++)
        {
            byte[] bytes = (byte[])Valid.Clone();
            for (int f = 0; f < 1 + rng.Next(5); f++) bytes[rng.Next(HeaderEnd, bytes.Length)] = (byte)rng.Next(256);
            var file = SafeTensorsFile.Parse(bytes, Name);
            Assert.Equal(original.Tensors.Select(t => t.ToString()), file.Tensors.Select(t => t.ToString()));
            foreach (var tensor in file.Tensors) Assert.Equal(tensor.ElementCount, tensor.ToFloatArray().Length);
        }
    }

    [Fact]
    public void GarbageOfEveryKindIsRejected()
    {
        var rng = new Random(6);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[rng.Next(0, 200)];
            rng.NextBytes(bytes);
            if (bytes.Length >= 8 && i % 2 == 0)
            {
                // A plausible prefix, random JSON-ish content.
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)rng.Next(0, bytes.Length - 7));
                if (bytes.Length > 8) bytes[8] = (byte)'{';
            }

            AssertRejected(bytes, $"garbage #{i}");
        }
    }

    /// <summary>True when the variant parsed (and was consistent); false when it was rejected properly.</summary>
    private static bool Check(byte[] bytes, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        SafeTensorsFile file;
        try
        {
            file = SafeTensorsFile.Parse(bytes, Name);
        }
        catch (Exception ex)
        {
            Assert.True(ex is InvalidDataException, $"{what}: {ex.GetType().Name}: {ex.Message}");
            Assert.Contains(Name, ex.Message);
            return false;
        }
        finally
        {
            Assert.True(stopwatch.ElapsedMilliseconds < 2000, $"{what}: took {stopwatch.ElapsedMilliseconds} ms");
        }

        long covered = 0;
        foreach (var tensor in file.Tensors)
        {
            long elements = tensor.Shape.Aggregate(1L, (p, d) => p * d);
            Assert.Equal(elements, tensor.ElementCount);
            Assert.Equal(elements * tensor.DType.SizeOf(), tensor.Data.Length);
            Assert.Equal(tensor.ElementCount, tensor.ToDoubleArray().Length);
            covered += tensor.Data.Length;
        }

        Assert.Equal(bytes.Length - 8 - file.HeaderLength, covered);
        return true;
    }

    private static void AssertRejected(byte[] bytes, string what)
    {
        Assert.False(Check(bytes, what), $"{what}: accepted");
    }
}
