using System;
using System.Text;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Reads the protobuf wire format over a byte range: field keys, varints, fixed-width numbers and
    /// length-delimited payloads. Every read is bounds-checked against the range, so a truncated or corrupt file
    /// ends in an <see cref="OnnxFormatException"/> saying where, never an index error or a runaway loop.
    /// </summary>
    internal sealed class ProtoReader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _position;

        public ProtoReader(byte[] data)
            : this(data, 0, data.Length)
        {
        }

        private ProtoReader(byte[] data, int start, int end)
        {
            _data = data;
            _position = start;
            _end = end;
        }

        public bool AtEnd => _position >= _end;

        /// <summary>The next field's number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</summary>
        public (int Field, int WireType) ReadKey()
        {
            ulong key = ReadVarint();
            int wireType = (int)(key & 7);
            ulong field = key >> 3;
            if (field == 0 || field > int.MaxValue) throw Corrupt($"a field number of {field}");
            return ((int)field, wireType);
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (_position >= _end) throw Truncated("a varint");
                byte b = _data[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }

            throw Corrupt("a varint longer than 10 bytes");
        }

        public long ReadInt64() => unchecked((long)ReadVarint());

        public float ReadFixed32Float()
        {
            Need(4, "a 32-bit value");
            float value = BitConverter.ToSingle(LittleEndian(_position, 4), 0);
            _position += 4;
            return value;
        }

        public double ReadFixed64Double()
        {
            Need(8, "a 64-bit value");
            double value = BitConverter.ToDouble(LittleEndian(_position, 8), 0);
            _position += 8;
            return value;
        }

        /// <summary>A length-delimited field's payload as a reader of its own.</summary>
        public ProtoReader ReadMessage()
        {
            int length = ReadLength();
            var nested = new ProtoReader(_data, _position, _position + length);
            _position += length;
            return nested;
        }

        public byte[] ReadBytes()
        {
            int length = ReadLength();
            var bytes = new byte[length];
            Array.Copy(_data, _position, bytes, 0, length);
            _position += length;
            return bytes;
        }

        public string ReadString()
        {
            int length = ReadLength();
            string text = Encoding.UTF8.GetString(_data, _position, length);
            _position += length;
            return text;
        }

        /// <summary>Skips a field this reader does not need.</summary>
        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    ReadVarint();
                    break;
                case 1:
                    Need(8, "a 64-bit value");
                    _position += 8;
                    break;
                case 2:
                    // Not "_position += ReadLength()": that reads _position before ReadLength moves it past the length.
                    int length = ReadLength();
                    _position += length;
                    break;
                case 5:
                    Need(4, "a 32-bit value");
                    _position += 4;
                    break;
                default:
                    // Groups (3, 4) are deprecated and ONNX never writes them; anything else is not protobuf.
                    throw Corrupt($"wire type {wireType}");
            }
        }

        private int ReadLength()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(_end - _position)) throw Truncated($"a field of {length} bytes");
            return (int)length;
        }

        private void Need(int count, string what)
        {
            if (_end - _position < count) throw Truncated(what);
        }

        private byte[] LittleEndian(int start, int count)
        {
            var bytes = new byte[count];
            Array.Copy(_data, start, bytes, 0, count);
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
            return bytes;
        }

        private OnnxFormatException Truncated(string what) => new OnnxFormatException($"the file ends inside {what} at byte {_position}");

        private OnnxFormatException Corrupt(string what) => new OnnxFormatException($"{what} at byte {_position} is not valid protobuf");
    }

    /// <summary>The bytes are not an ONNX model this reader can decode; the message says where and why.</summary>
    internal sealed class OnnxFormatException : Exception
    {
        public OnnxFormatException(string message)
            : base(message)
        {
        }
    }
}
