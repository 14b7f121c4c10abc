using System.Buffers;
using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace Axon.IO;

/// <summary>
/// A parsed, fully validated safetensors file (the format PyTorch users export with <c>safetensors.torch.save_file</c>):
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor
/// (<c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>), then the
/// data buffer. Every rule of the reference implementation is checked before anything is exposed — sane header
/// length, well-formed JSON, known dtypes, non-negative dimensions, sizes that match shapes, tensors that tile the
/// buffer without gaps or overlaps, unique names — and a violation throws <see cref="InvalidDataException"/>
/// naming the file and the tensor. Nothing is allocated in proportion to what the header claims, so a corrupt
/// length prefix fails fast instead of exhausting memory.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>The largest header the reference implementation accepts (100 MB).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>The header key that holds the free-form string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private const string InMemoryName = "<memory>";

    private readonly Dictionary<string, SafeTensor> _byName;

    private SafeTensorsFile(string fileName, List<SafeTensor> tensors, Dictionary<string, SafeTensor> byName, Dictionary<string, string> metadata, int headerLength)
    {
        FileName = fileName;
        Tensors = tensors.AsReadOnly();
        _byName = byName;
        Metadata = new ReadOnlyDictionary<string, string>(metadata);
        HeaderLength = headerLength;
    }

    /// <summary>The path the file was read from, or the name given for in-memory content; used in messages.</summary>
    public string FileName { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>N, the header's length in bytes (padding included); the data buffer starts at 8 + N.</summary>
    public int HeaderLength { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists some that exist.</exception>
    public SafeTensor this[string name] => _byName.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"The safetensors file '{FileName}' has no tensor '{name}'. {DescribeNames(_byName.Keys, 10)}");

    /// <summary>Whether the file holds a tensor called <paramref name="name"/> (exact, case-sensitive).</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor called <paramref name="name"/>, if the file holds one (exact, case-sensitive); false and null otherwise.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafeTensor? tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The content breaks the format, or the path is a folder or may not be read
    /// (the inner exception says which).</exception>
    /// <exception cref="FileNotFoundException">There is no such file (or folder on its path, or the path is too long).</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = DataFileOpener.OpenRead(path, bufferSize: 1, FileOptions.SequentialScan);
        long length = stream.Length;
        if (length > Array.MaxLength)
            throw DataErrors.SafeTensors(path, null, $"the file is {length} bytes long; Axon reads safetensors files of at most {Array.MaxLength} bytes.");

        // The length prefix is checked against the file size before the rest is read, so a non-safetensors file
        // of any size fails on its first 8 bytes.
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        CheckPrefix(path, prefix[..got], length);

        var content = new byte[length];
        prefix.CopyTo(content);
        stream.ReadExactly(content.AsSpan(8));
        return Parse(content, path);
    }

    /// <summary>Parses and validates safetensors content held in memory; the tensors view it without copying.</summary>
    /// <param name="content">The whole file.</param>
    /// <param name="fileName">A name for the content in messages.</param>
    /// <exception cref="InvalidDataException">The content breaks the format.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> content, string? fileName = null)
    {
        string source = string.IsNullOrEmpty(fileName) ? InMemoryName : fileName;
        var span = content.Span;
        CheckPrefix(source, span, span.Length);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(span);
        var header = span.Slice(8, headerLength);
        var data = content[(8 + headerLength)..];

        var (entries, metadata) = ParseHeader(source, header, data.Length);
        var tensors = new List<SafeTensor>(entries.Count);
        var byName = new Dictionary<string, SafeTensor>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var tensor = new SafeTensor(entry.Name, entry.DType, entry.Shape, entry.ElementCount, entry.Begin, entry.End,
                data.Slice((int)entry.Begin, (int)(entry.End - entry.Begin)));
            tensors.Add(tensor);
            byName.Add(entry.Name, tensor);
        }

        return new SafeTensorsFile(source, tensors, byName, metadata, headerLength);
    }

    private static void CheckPrefix(string source, ReadOnlySpan<byte> start, long fileLength)
    {
        if (fileLength < 8 || start.Length < 8)
            throw DataErrors.SafeTensors(source, null, $"the file is {fileLength} bytes long, too short for the 8-byte header length that starts a safetensors file.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(start);
        if (n > MaxHeaderLength)
            throw DataErrors.SafeTensors(source, null, $"the header length prefix says {n} bytes, more than the {MaxHeaderLength} the format allows (is this a safetensors file?).");
        if (n > (ulong)(fileLength - 8))
            throw DataErrors.SafeTensors(source, null, $"the header length prefix says {n} bytes, but only {fileLength - 8} bytes follow it (truncated file?).");
        if (n < 2)
            throw DataErrors.SafeTensors(source, null, $"the header is {n} bytes long, too short for a JSON object.");
    }

    private sealed record Entry(string Name, SafeTensorsDType DType, int[] Shape, int ElementCount, long Begin, long End);

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(string source, ReadOnlySpan<byte> header, int dataLength)
    {
        if (header[0] != (byte)'{')
            throw DataErrors.SafeTensors(source, null, $"the header must be a JSON object starting with '{{' but starts with byte 0x{header[0]:X2} (is this a safetensors file?).");
        if (!Utf8.IsValid(header))
            throw DataErrors.SafeTensors(source, null, "the header is not valid UTF-8.");

        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string>? metadata = null;
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        try
        {
            Next(ref reader, source, null);
            while (true)
            {
                Next(ref reader, source, null);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string name = GetString(ref reader, source, null);
                if (name == MetadataKey)
                {
                    if (metadata is not null) throw DataErrors.SafeTensors(source, null, $"the header has two \"{MetadataKey}\" entries.");
                    metadata = ReadMetadata(ref reader, source);
                    continue;
                }

                if (!names.Add(name)) throw DataErrors.SafeTensors(source, name, "the header names this tensor twice.");
                entries.Add(ReadEntry(ref reader, source, name, dataLength));
            }

            // Only the space padding may follow the object; the reader rejects anything else.
            if (reader.Read())
                throw DataErrors.SafeTensors(source, null, $"unexpected {reader.TokenType} after the header's JSON object.");
        }
        catch (JsonException ex)
        {
            throw DataErrors.SafeTensors(source, null, $"the header is not valid JSON ({ex.Message}).", ex);
        }

        CheckLayout(source, entries, dataLength);
        return (entries, metadata ?? new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static Dictionary<string, string> ReadMetadata(ref Utf8JsonReader reader, string source)
    {
        Next(ref reader, source, null);
        if (reader.TokenType == JsonTokenType.Null) return new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw DataErrors.SafeTensors(source, null, $"\"{MetadataKey}\" must be an object of strings, not {Describe(reader.TokenType)}.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            Next(ref reader, source, null);
            if (reader.TokenType == JsonTokenType.EndObject) return metadata;
            string key = GetString(ref reader, source, null);
            Next(ref reader, source, null);
            if (reader.TokenType != JsonTokenType.String)
                throw DataErrors.SafeTensors(source, null, $"metadata entry \"{key}\" must be a string, not {Describe(reader.TokenType)}.");
            if (!metadata.TryAdd(key, GetString(ref reader, source, null)))
                throw DataErrors.SafeTensors(source, null, $"metadata entry \"{key}\" appears twice.");
        }
    }

    private static Entry ReadEntry(ref Utf8JsonReader reader, string source, string name, int dataLength)
    {
        Next(ref reader, source, name);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw DataErrors.SafeTensors(source, name, $"the header entry must be an object with \"dtype\", \"shape\" and \"data_offsets\", not {Describe(reader.TokenType)}.");

        string? dtypeName = null;
        int[]? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Next(ref reader, source, name);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            string key = GetString(ref reader, source, name);
            switch (key)
            {
                case "dtype":
                    if (dtypeName is not null) throw Duplicate(source, name, key);
                    Next(ref reader, source, name);
                    if (reader.TokenType != JsonTokenType.String)
                        throw DataErrors.SafeTensors(source, name, $"\"dtype\" must be a string, not {Describe(reader.TokenType)}.");
                    dtypeName = GetString(ref reader, source, name);
                    break;
                case "shape":
                    if (shape is not null) throw Duplicate(source, name, key);
                    shape = ReadShape(ref reader, source, name);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw Duplicate(source, name, key);
                    offsets = ReadOffsets(ref reader, source, name);
                    break;
                default:
                    // Unknown keys are ignored, as the reference implementation does.
                    reader.Skip();
                    break;
            }
        }

        if (dtypeName is null) throw Missing(source, name, "dtype");
        if (shape is null) throw Missing(source, name, "shape");
        if (offsets is null) throw Missing(source, name, "data_offsets");
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var dtype))
            throw DataErrors.SafeTensors(source, name, $"unknown dtype \"{Truncate(dtypeName)}\" (known: {SafeTensorsDTypes.KnownNames}).");

        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw DataErrors.SafeTensors(source, name, $"data_offsets [{begin}, {end}] end before they begin.");
        if (end > dataLength)
            throw DataErrors.SafeTensors(source, name, $"data_offsets [{begin}, {end}] reach past the end of the {dataLength}-byte data buffer (truncated file?).");

        // With end ≤ dataLength < 2^31, any non-zero element count that matches the byte count fits in an int.
        long elements = 1;
        foreach (int d in shape)
        {
            if (d == 0) { elements = 0; break; }
        }

        if (elements != 0)
        {
            foreach (int d in shape)
            {
                elements *= d;
                if (elements > dataLength)
                {
                    throw DataErrors.SafeTensors(source, name,
                        $"shape [{string.Join(", ", shape)}] has more elements than the {dataLength}-byte data buffer can hold.");
                }
            }
        }

        long expected = elements * dtype.SizeOf();
        if (end - begin != expected)
        {
            throw DataErrors.SafeTensors(source, name,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected}.");
        }

        return new Entry(name, dtype, shape, (int)elements, begin, end);
    }

    private static int[] ReadShape(ref Utf8JsonReader reader, string source, string name)
    {
        Next(ref reader, source, name);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw DataErrors.SafeTensors(source, name, $"\"shape\" must be an array of non-negative integers, not {Describe(reader.TokenType)}.");
        var dims = new List<int>();
        while (true)
        {
            Next(ref reader, source, name);
            if (reader.TokenType == JsonTokenType.EndArray) return [.. dims];
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d) || d < 0)
                throw DataErrors.SafeTensors(source, name, $"dimension {dims.Count} of \"shape\" is {DescribeValue(ref reader)}, not a non-negative integer.");
            if (d > int.MaxValue)
                throw DataErrors.SafeTensors(source, name, $"dimension {dims.Count} of \"shape\" is {d}; Axon supports dimensions up to {int.MaxValue}.");
            dims.Add((int)d);
        }
    }

    private static long[] ReadOffsets(ref Utf8JsonReader reader, string source, string name)
    {
        Next(ref reader, source, name);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw DataErrors.SafeTensors(source, name, $"\"data_offsets\" must be an array [begin, end], not {Describe(reader.TokenType)}.");
        var offsets = new long[2];
        int count = 0;
        while (true)
        {
            Next(ref reader, source, name);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (count == 2)
                throw DataErrors.SafeTensors(source, name, "\"data_offsets\" must hold exactly two numbers [begin, end]; it holds more.");
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out ulong value))
                throw DataErrors.SafeTensors(source, name, $"data_offsets[{count}] is {DescribeValue(ref reader)}, not a non-negative integer.");
            offsets[count++] = value > long.MaxValue ? long.MaxValue : (long)value;
        }

        if (count != 2)
            throw DataErrors.SafeTensors(source, name, $"\"data_offsets\" must hold exactly two numbers [begin, end]; it holds {count}.");
        return offsets;
    }

    /// <summary>
    /// The reference implementation requires the tensors, in offset order, to tile the data buffer exactly: the
    /// first begins at 0, each begins where the previous ended, the last ends at the end of the file.
    /// </summary>
    private static void CheckLayout(string source, List<Entry> entries, int dataLength)
    {
        var ordered = entries.ToArray();
        Array.Sort(ordered, static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        Entry? previous = null;
        foreach (var entry in ordered)
        {
            if (entry.Begin < position)
            {
                throw DataErrors.SafeTensors(source, entry.Name,
                    $"its bytes [{entry.Begin}, {entry.End}) overlap those of tensor '{previous!.Name}' [{previous.Begin}, {previous.End}).");
            }

            if (entry.Begin > position)
            {
                throw DataErrors.SafeTensors(source, entry.Name,
                    $"its bytes begin at {entry.Begin}, leaving bytes [{position}, {entry.Begin}) of the data buffer to no tensor.");
            }

            position = entry.End;
            previous = entry;
        }

        if (position != dataLength)
        {
            throw DataErrors.SafeTensors(source, null,
                $"the tensors cover {position} bytes of data, but {dataLength} bytes follow the header ({dataLength - position} trailing bytes).");
        }
    }

    private static void Next(ref Utf8JsonReader reader, string source, string? tensor)
    {
        if (!reader.Read())
            throw DataErrors.SafeTensors(source, tensor, "the header's JSON ends early.");
    }

    private static string GetString(ref Utf8JsonReader reader, string source, string? tensor)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // Escapes that decode to invalid UTF-16 (a lone surrogate).
            throw DataErrors.SafeTensors(source, tensor, $"the header holds a string that is not valid text ({ex.Message}).", ex);
        }
    }

    private static string DescribeValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => Truncate(System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)),
        _ => Describe(reader.TokenType),
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static InvalidDataException Duplicate(string source, string name, string key) =>
        DataErrors.SafeTensors(source, name, $"the header entry has two \"{key}\" keys.");

    private static InvalidDataException Missing(string source, string name, string key) =>
        DataErrors.SafeTensors(source, name, $"the header entry has no \"{key}\".");

    internal static string DescribeNames(IEnumerable<string> names, int max)
    {
        var all = names.ToList();
        if (all.Count == 0) return "The file holds no tensors.";
        all.Sort(StringComparer.Ordinal);
        string list = string.Join(", ", all.Take(max).Select(n => $"'{n}'"));
        return all.Count <= max
            ? $"It holds {all.Count} tensor{(all.Count == 1 ? "" : "s")}: {list}."
            : $"It holds {all.Count} tensors, among them {list}.";
    }
}
