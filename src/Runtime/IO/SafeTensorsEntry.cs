using System.Buffers.Binary;
using System.Collections.ObjectModel;

namespace Axon.IO;

/// <summary>
/// One tensor to write with <see cref="SafeTensorsWriter"/>: a name, a shape and the values, which are referenced,
/// not copied, until the file is written.
/// </summary>
public sealed class SafeTensorsEntry
{
    private readonly ReadOnlyMemory<float> _singles;
    private readonly ReadOnlyMemory<double> _doubles;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly bool _raw;

    /// <summary>An F32 tensor.</summary>
    public SafeTensorsEntry(string name, IReadOnlyList<int> shape, ReadOnlyMemory<float> values)
        : this(name, SafeTensorsDType.F32, shape, values.Length)
    {
        _singles = values;
    }

    /// <summary>An F64 tensor.</summary>
    public SafeTensorsEntry(string name, IReadOnlyList<int> shape, ReadOnlyMemory<double> values)
        : this(name, SafeTensorsDType.F64, shape, values.Length)
    {
        _doubles = values;
    }

    private SafeTensorsEntry(string name, SafeTensorsDType dtype, IReadOnlyList<int> shape, long valueCount, long? byteCount = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsFile.MetadataKey)
            throw new ArgumentException($"\"{SafeTensorsFile.MetadataKey}\" is reserved for the metadata and cannot name a tensor.", nameof(name));
        var dims = shape.ToArray();
        long elements = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentException($"Tensor '{name}': dimension {i} of shape [{string.Join(", ", dims)}] is negative.", nameof(shape));
            elements = dims[i] == 0 || elements == 0 ? 0 : checked(elements * dims[i]);
        }

        long expected = byteCount is null ? elements : checked(elements * dtype.SizeOf());
        long actual = byteCount ?? valueCount;
        if (actual != expected)
        {
            throw new ArgumentException(byteCount is null
                ? $"Tensor '{name}': shape [{string.Join(", ", dims)}] has {elements} elements, but {valueCount} values were given."
                : $"Tensor '{name}': shape [{string.Join(", ", dims)}] of {dtype.ToHeaderName()} needs {expected} bytes, but {actual} were given.");
        }

        Name = name;
        DType = dtype;
        Shape = new ReadOnlyCollection<int>(dims);
        ElementCount = elements;
        ByteLength = elements * dtype.SizeOf();
    }

    private SafeTensorsEntry(string name, SafeTensorsDType dtype, IReadOnlyList<int> shape, ReadOnlyMemory<byte> data)
        : this(name, dtype, shape, 0, data.Length)
    {
        _bytes = data;
        _raw = true;
    }

    /// <summary>A tensor of any dtype from its little-endian bytes (ElementCount × the dtype's size).</summary>
    public static SafeTensorsEntry FromBytes(string name, SafeTensorsDType dtype, IReadOnlyList<int> shape, ReadOnlyMemory<byte> littleEndianData)
    {
        _ = dtype.SizeOf(); // rejects values outside the enum
        return new SafeTensorsEntry(name, dtype, shape, littleEndianData);
    }

    /// <summary>The tensor's name in the header (not empty, not <c>__metadata__</c>), e.g. "fc1.weight".</summary>
    public string Name { get; }

    /// <summary>The element type written: F32 or F64 for the value constructors, any for <see cref="FromBytes"/>.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The dimensions, outermost first (row-major); empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Product of the dimensions (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>Bytes the tensor takes in the data buffer.</summary>
    public long ByteLength { get; }

    internal void WriteData(Stream stream)
    {
        if (_raw) stream.Write(_bytes.Span);
        else if (DType == SafeTensorsDType.F32) WriteLittleEndian(stream, _singles.Span);
        else WriteLittleEndian(stream, _doubles.Span);
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> buffer = stackalloc byte[4];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, v);
            stream.Write(buffer);
        }
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> buffer = stackalloc byte[8];
        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(buffer, v);
            stream.Write(buffer);
        }
    }

    /// <summary>The name, dtype and shape as the header spells them, e.g. <c>fc1.weight F32 [128, 784]</c>.</summary>
    public override string ToString() => $"{Name} {DType.ToHeaderName()} [{string.Join(", ", Shape)}]";
}
