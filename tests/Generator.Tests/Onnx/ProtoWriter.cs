using System.Text;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// A minimal protobuf wire-format writer for the tests: varint, fixed32/64 and length-delimited fields, and
/// nested messages written by a callback. Independent of the generator's reader, so the two check each other.
/// </summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    public ProtoWriter Varint(int field, long value)
    {
        Key(field, 0);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter Fixed32(int field, float value)
    {
        Key(field, 5);
        _stream.Write(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Key(field, 2);
        WriteVarint((ulong)value.Length);
        _stream.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var nested = new ProtoWriter();
        write(nested);
        return Bytes(field, nested.ToArray());
    }

    /// <summary>Repeated int64 packed into one length-delimited field.</summary>
    public ProtoWriter PackedVarints(int field, IEnumerable<long> values)
    {
        var nested = new ProtoWriter();
        foreach (long v in values) nested.WriteVarint(unchecked((ulong)v));
        return Bytes(field, nested.ToArray());
    }

    /// <summary>Repeated float packed into one length-delimited field.</summary>
    public ProtoWriter PackedFloats(int field, IEnumerable<float> values)
    {
        var bytes = new List<byte>();
        foreach (float v in values) bytes.AddRange(BitConverter.GetBytes(v));
        return Bytes(field, bytes.ToArray());
    }

    private void Key(int field, int wireType) => WriteVarint(((ulong)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _stream.WriteByte((byte)value);
    }
}
