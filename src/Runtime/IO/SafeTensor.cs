using System.Buffers.Binary;
using System.Collections.ObjectModel;

namespace Axon.IO;

/// <summary>
/// One tensor of a <see cref="SafeTensorsFile"/>: its header entry and a view of its little-endian bytes.
/// Read the values with <see cref="CopyTo{T}"/> or <see cref="ToArray{T}"/>, which convert from the stored dtype
/// (F16, BF16 and the F8 types included) to any .NET number type.
/// </summary>
public sealed class SafeTensor
{
    internal SafeTensor(string name, SafeTensorsDType dtype, int[] shape, int elementCount, long begin, long end, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        Shape = new ReadOnlyCollection<int>(shape);
        ElementCount = elementCount;
        DataBegin = begin;
        DataEnd = end;
        Data = data;
    }

    /// <summary>The tensor's name in the header, e.g. "conv1.weight".</summary>
    public string Name { get; }

    /// <summary>The stored element type; <see cref="CopyTo{T}"/> and <see cref="ToArray{T}"/> convert from it.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Product of the dimensions (1 for a scalar, 0 when a dimension is 0).</summary>
    public int ElementCount { get; }

    /// <summary>Start of the tensor's bytes, relative to the data buffer (the header's <c>data_offsets[0]</c>).</summary>
    public long DataBegin { get; }

    /// <summary>End (exclusive) of the tensor's bytes, relative to the data buffer (<c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <summary>The raw little-endian bytes, <see cref="ElementCount"/> × the dtype's size.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// Converts every element to <typeparamref name="T"/> into <paramref name="destination"/>, whose length must
    /// be <see cref="ElementCount"/>. Narrowing conversions round (F64 to float) or truncate (floats to integers).
    /// </summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged, INumberBase<T>
    {
        if (destination.Length != ElementCount)
            throw new ArgumentException($"Tensor '{Name}' has {ElementCount} elements; the destination holds {destination.Length}.", nameof(destination));
        ElementConversion.Convert(DType, Data.Span, destination);
    }

    /// <summary>The elements converted to <typeparamref name="T"/>, in row-major order.</summary>
    public T[] ToArray<T>() where T : unmanaged, INumberBase<T>
    {
        var values = new T[ElementCount];
        ElementConversion.Convert(DType, Data.Span, values.AsSpan());
        return values;
    }

    /// <summary>The elements as <see cref="float"/> (F16, BF16 and F64 converted).</summary>
    public float[] ToFloatArray() => ToArray<float>();

    /// <summary>The elements as <see cref="double"/>.</summary>
    public double[] ToDoubleArray() => ToArray<double>();

    /// <summary>The name, dtype and shape as the header spells them, e.g. <c>fc1.weight F32 [128, 784]</c>.</summary>
    public override string ToString() => $"{Name} {DType.ToHeaderName()} [{string.Join(", ", Shape)}]";
}

/// <summary>Little-endian element decoding for every safetensors dtype.</summary>
internal static class ElementConversion
{
    public static void Convert<T>(SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<T> destination) where T : unmanaged, INumberBase<T>
    {
        int count = destination.Length;
        if ((long)count * dtype.SizeOf() != source.Length)
            throw new ArgumentException($"{source.Length} bytes of {dtype.ToHeaderName()} do not make {count} elements.", nameof(source));

        // Same type, same byte order: a plain copy.
        if (BitConverter.IsLittleEndian && SafeTensorsDTypes.TryGetDType<T>(out var native) && native == dtype)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        switch (dtype)
        {
            case SafeTensorsDType.F64:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8, 8)));
                break;
            case SafeTensorsDType.F32:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4, 4)));
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating((float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2, 2)));
                break;
            case SafeTensorsDType.BF16:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BFloat16ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2))));
                break;
            case SafeTensorsDType.F8_E4M3:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(Float8E4M3ToSingle(source[i]));
                break;
            case SafeTensorsDType.F8_E5M2:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating((float)BitConverter.UInt16BitsToHalf((ushort)(source[i] << 8)));
                break;
            case SafeTensorsDType.I64:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadInt64LittleEndian(source.Slice(i * 8, 8)));
                break;
            case SafeTensorsDType.I32:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadInt32LittleEndian(source.Slice(i * 4, 4)));
                break;
            case SafeTensorsDType.I16:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadInt16LittleEndian(source.Slice(i * 2, 2)));
                break;
            case SafeTensorsDType.I8:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating((sbyte)source[i]);
                break;
            case SafeTensorsDType.U64:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(i * 8, 8)));
                break;
            case SafeTensorsDType.U32:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(i * 4, 4)));
                break;
            case SafeTensorsDType.U16:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2)));
                break;
            case SafeTensorsDType.U8:
                for (int i = 0; i < count; i++) destination[i] = T.CreateTruncating(source[i]);
                break;
            case SafeTensorsDType.BOOL:
                for (int i = 0; i < count; i++) destination[i] = source[i] != 0 ? T.One : T.Zero;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype.");
        }
    }

    /// <summary>bfloat16 is the upper half of a binary32, so widening is exact.</summary>
    public static float BFloat16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>float8 e4m3fn: bias 7, no infinities, S.1111.111 is NaN, exponent 0 is subnormal.</summary>
    public static float Float8E4M3ToSingle(byte bits)
    {
        int exponent = (bits >> 3) & 0xF;
        int mantissa = bits & 0x7;
        float magnitude;
        if (exponent == 0xF && mantissa == 0x7) return float.NaN;
        if (exponent == 0) magnitude = mantissa * (1f / 512f); // mantissa/8 · 2^-6
        else magnitude = MathF.ScaleB(1f + mantissa / 8f, exponent - 7);
        return (bits & 0x80) != 0 ? -magnitude : magnitude;
    }
}
