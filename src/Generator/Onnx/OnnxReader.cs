using System;
using System.Collections.Generic;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Decodes the fields of onnx.proto that the importer needs — ModelProto (opset, graph), GraphProto, NodeProto,
    /// AttributeProto, TensorProto and ValueInfoProto — and skips the rest. Field numbers are onnx.proto's.
    /// Repeated numbers are accepted packed or unpacked, as protobuf parsers must.
    /// </summary>
    internal static class OnnxReader
    {
        public static OnnxGraph Read(byte[] bytes)
        {
            if (bytes.Length == 0) throw new OnnxFormatException("the file is empty");
            var reader = new ProtoReader(bytes);
            OnnxGraph? graph = null;
            long opset = 0;
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field == 7 && wire == 2) graph = ReadGraph(reader.ReadMessage());
                else if (field == 8 && wire == 2) opset = ReadOpset(reader.ReadMessage(), opset);
                else reader.Skip(wire);
            }

            if (graph is null) throw new OnnxFormatException("the file holds no graph (ModelProto.graph)");
            graph.Opset = opset;
            return graph;
        }

        /// <summary>OperatorSetIdProto: domain = 1, version = 2; only the default domain ("" or ai.onnx) counts.</summary>
        private static long ReadOpset(ProtoReader reader, long current)
        {
            string domain = "";
            long version = 0;
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field == 1 && wire == 2) domain = reader.ReadString();
                else if (field == 2 && wire == 0) version = reader.ReadInt64();
                else reader.Skip(wire);
            }

            return domain.Length == 0 || domain == "ai.onnx" ? version : current;
        }

        private static OnnxGraph ReadGraph(ProtoReader reader)
        {
            var graph = new OnnxGraph();
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                switch (field)
                {
                    case 1 when wire == 2:
                        graph.Nodes.Add(ReadNode(reader.ReadMessage()));
                        break;
                    case 5 when wire == 2:
                        var tensor = ReadTensor(reader.ReadMessage());
                        graph.Initializers[tensor.Name] = tensor;
                        break;
                    case 11 when wire == 2:
                        graph.Inputs.Add(ReadValueInfo(reader.ReadMessage()));
                        break;
                    case 12 when wire == 2:
                        graph.Outputs.Add(ReadValueInfo(reader.ReadMessage()));
                        break;
                    case 15 when wire == 2:
                        throw new OnnxFormatException("the graph has sparse initializers, which the importer does not read");
                    default:
                        reader.Skip(wire);
                        break;
                }
            }

            return graph;
        }

        private static OnnxNode ReadNode(ProtoReader reader)
        {
            var node = new OnnxNode();
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (wire != 2)
                {
                    reader.Skip(wire);
                    continue;
                }

                switch (field)
                {
                    case 1: node.Inputs.Add(reader.ReadString()); break;
                    case 2: node.Outputs.Add(reader.ReadString()); break;
                    case 3: node.Name = reader.ReadString(); break;
                    case 4: node.OpType = reader.ReadString(); break;
                    case 5:
                        var attribute = ReadAttribute(reader.ReadMessage());
                        node.Attributes[attribute.Name] = attribute;
                        break;
                    case 7: node.Domain = reader.ReadString(); break;
                    default: reader.Skip(wire); break;
                }
            }

            return node;
        }

        private static OnnxAttribute ReadAttribute(ProtoReader reader)
        {
            var attribute = new OnnxAttribute();
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                switch (field)
                {
                    case 1 when wire == 2: attribute.Name = reader.ReadString(); break;
                    case 2 when wire == 5: attribute.Float = reader.ReadFixed32Float(); break;
                    case 3 when wire == 0: attribute.Int = reader.ReadInt64(); break;
                    case 4 when wire == 2: attribute.String = reader.ReadString(); break;
                    case 5 when wire == 2: attribute.Tensor = ReadTensor(reader.ReadMessage()); break;
                    case 7: ReadFloats(reader, wire, attribute.Floats); break;
                    case 8: ReadInts(reader, wire, attribute.Ints); break;
                    case 9 when wire == 2: attribute.Strings.Add(reader.ReadString()); break;
                    case 20 when wire == 0: attribute.Type = (int)reader.ReadInt64(); break;
                    default: reader.Skip(wire); break;
                }
            }

            return attribute;
        }

        private static OnnxTensor ReadTensor(ProtoReader reader)
        {
            var tensor = new OnnxTensor();
            var floats = new List<float>();
            var doubles = new List<double>();
            var ints = new List<long>();
            byte[]? raw = null;
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                switch (field)
                {
                    case 1: ReadInts(reader, wire, tensor.Dims); break;
                    case 2 when wire == 0: tensor.DataType = (int)reader.ReadInt64(); break;
                    case 4: ReadFloats(reader, wire, floats); break;
                    case 5: ReadInts(reader, wire, ints); break;
                    case 7: ReadInts(reader, wire, ints); break;
                    case 8 when wire == 2: tensor.Name = reader.ReadString(); break;
                    case 9 when wire == 2: raw = reader.ReadBytes(); break;
                    case 10: ReadDoubles(reader, wire, doubles); break;
                    case 14 when wire == 0:
                        if (reader.ReadInt64() != 0) throw new OnnxFormatException($"the tensor '{tensor.Name}' keeps its data in an external file; export with the weights inside the .onnx file");
                        break;
                    default: reader.Skip(wire); break;
                }
            }

            // Dimension by dimension, so that a corrupt shape cannot overflow the product before it is rejected.
            long count = 1;
            foreach (long d in tensor.Dims)
            {
                if (d < 0 || d > int.MaxValue) throw new OnnxFormatException($"the tensor '{tensor.Name}' has a dimension of {d}");
                count *= d;
                if (count > int.MaxValue) throw new OnnxFormatException($"the tensor '{tensor.Name}' has more elements than an array can hold");
            }

            Decode(tensor, (int)count, raw, floats, doubles, ints);
            return tensor;
        }

        private static void Decode(OnnxTensor tensor, int count, byte[]? raw, List<float> floats, List<double> doubles, List<long> ints)
        {
            // Booleans (9) are read as 0 and 1: attention masks compare or select with them.
            int width = tensor.DataType switch { 1 => 4, 6 => 4, 7 => 8, 11 => 8, 9 => 1, _ => 0 };
            if (width == 0)
            {
                // Other element types (float16, bool, strings, ...) are not weights Axon can use; the mapper says which
                // tensor it needed. An empty tensor of any type is harmless.
                tensor.Values = new double[0];
                return;
            }

            var values = new double[count];
            var integers = new long[tensor.DataType == 6 || tensor.DataType == 7 ? count : 0];
            if (raw is not null)
            {
                if (raw.Length != (long)count * width)
                    throw new OnnxFormatException($"the tensor '{tensor.Name}' holds {raw.Length} bytes of data for {count} elements of {width} bytes");
                var little = new byte[width];
                for (int i = 0; i < count; i++)
                {
                    Array.Copy(raw, i * width, little, 0, width);
                    if (!BitConverter.IsLittleEndian) Array.Reverse(little);
                    switch (tensor.DataType)
                    {
                        case 1: values[i] = BitConverter.ToSingle(little, 0); break;
                        case 11: values[i] = BitConverter.ToDouble(little, 0); break;
                        case 6: integers[i] = BitConverter.ToInt32(little, 0); values[i] = integers[i]; break;
                        case 9: values[i] = little[0] != 0 ? 1 : 0; break;
                        default: integers[i] = BitConverter.ToInt64(little, 0); values[i] = integers[i]; break;
                    }
                }
            }
            else
            {
                int given = tensor.DataType == 1 ? floats.Count : tensor.DataType == 11 ? doubles.Count : ints.Count;
                if (given != count) throw new OnnxFormatException($"the tensor '{tensor.Name}' holds {given} values for {count} elements");
                for (int i = 0; i < count; i++)
                {
                    switch (tensor.DataType)
                    {
                        case 1: values[i] = floats[i]; break;
                        case 11: values[i] = doubles[i]; break;
                        case 9: values[i] = ints[i] != 0 ? 1 : 0; break;
                        default: integers[i] = ints[i]; values[i] = ints[i]; break;
                    }
                }
            }

            tensor.Values = values;
            tensor.Integers = integers;
        }

        /// <summary>ValueInfoProto (name 1, type 2) → TypeProto (tensor_type 1) → Tensor (elem_type 1, shape 2).</summary>
        private static OnnxValueInfo ReadValueInfo(ProtoReader reader)
        {
            var info = new OnnxValueInfo();
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field == 1 && wire == 2) info.Name = reader.ReadString();
                else if (field == 2 && wire == 2) ReadType(reader.ReadMessage(), info);
                else reader.Skip(wire);
            }

            return info;
        }

        private static void ReadType(ProtoReader reader, OnnxValueInfo info)
        {
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field != 1 || wire != 2)
                {
                    reader.Skip(wire);
                    continue;
                }

                var tensorType = reader.ReadMessage();
                while (!tensorType.AtEnd)
                {
                    var (f, w) = tensorType.ReadKey();
                    if (f == 1 && w == 0) info.ElementType = (int)tensorType.ReadInt64();
                    else if (f == 2 && w == 2) ReadShape(tensorType.ReadMessage(), info);
                    else tensorType.Skip(w);
                }
            }
        }

        /// <summary>TensorShapeProto: dim = 1, each a Dimension with dim_value = 1 or dim_param = 2.</summary>
        private static void ReadShape(ProtoReader reader, OnnxValueInfo info)
        {
            info.HasShape = true;
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadKey();
                if (field != 1 || wire != 2)
                {
                    reader.Skip(wire);
                    continue;
                }

                var dimension = reader.ReadMessage();
                long? value = null;
                string name = "";
                while (!dimension.AtEnd)
                {
                    var (f, w) = dimension.ReadKey();
                    if (f == 1 && w == 0) value = dimension.ReadInt64();
                    else if (f == 2 && w == 2) name = dimension.ReadString();
                    else dimension.Skip(w);
                }

                info.Dims.Add(value);
                info.DimNames.Add(name);
            }
        }

        private static void ReadInts(ProtoReader reader, int wire, List<long> into)
        {
            if (wire == 0)
            {
                into.Add(reader.ReadInt64());
                return;
            }

            if (wire != 2)
            {
                reader.Skip(wire);
                return;
            }

            var packed = reader.ReadMessage();
            while (!packed.AtEnd) into.Add(packed.ReadInt64());
        }

        private static void ReadFloats(ProtoReader reader, int wire, List<float> into)
        {
            if (wire == 5)
            {
                into.Add(reader.ReadFixed32Float());
                return;
            }

            if (wire != 2)
            {
                reader.Skip(wire);
                return;
            }

            var packed = reader.ReadMessage();
            while (!packed.AtEnd) into.Add(packed.ReadFixed32Float());
        }

        private static void ReadDoubles(ProtoReader reader, int wire, List<double> into)
        {
            if (wire == 1)
            {
                into.Add(reader.ReadFixed64Double());
                return;
            }

            if (wire != 2)
            {
                reader.Skip(wire);
                return;
            }

            var packed = reader.ReadMessage();
            while (!packed.AtEnd) into.Add(packed.ReadFixed64Double());
        }
    }
}
