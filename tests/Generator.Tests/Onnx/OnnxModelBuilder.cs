namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// Builds ONNX ModelProto bytes as torch.onnx.export writes them for small networks: one graph with nodes,
/// float initializers (raw_data, or float_data when asked), a float input [batch, ...] with a symbolic batch
/// dimension, and one output. Field numbers are onnx.proto's.
/// </summary>
public sealed class OnnxModelBuilder
{
    private readonly List<Action<ProtoWriter>> _nodes = new();
    private readonly List<Action<ProtoWriter>> _initializers = new();
    private readonly List<Action<ProtoWriter>> _inputs = new();
    private readonly List<Action<ProtoWriter>> _outputs = new();

    public long Opset { get; set; } = 17;

    /// <summary>A graph input; a null dimension is symbolic (dim_param <paramref name="symbol"/>).</summary>
    public OnnxModelBuilder Input(string name, int elementType, long?[] dims, string symbol = "batch")
    {
        _inputs.Add(w => ValueInfo(w, name, elementType, dims, symbol));
        return this;
    }

    public OnnxModelBuilder Output(string name, params long?[] dims)
    {
        _outputs.Add(w => ValueInfo(w, name, 1, dims, "batch"));
        return this;
    }

    /// <summary>A float initializer, stored as raw little-endian bytes (PyTorch's choice) or as float_data.</summary>
    public OnnxModelBuilder Initializer(string name, long[] dims, float[] values, bool raw = true)
    {
        _initializers.Add(w => FloatTensor(w, name, dims, values, raw));
        return this;
    }

    public OnnxModelBuilder Int64Initializer(string name, long[] values)
    {
        _initializers.Add(w => w.PackedVarints(1, new long[] { values.Length }).Varint(2, 7).PackedVarints(7, values).String(8, name));
        return this;
    }

    /// <summary>A BOOL initializer (one byte per element in raw_data), as a constant attention mask is stored.</summary>
    public OnnxModelBuilder BoolInitializer(string name, long[] dims, bool[] values)
    {
        _initializers.Add(w =>
        {
            foreach (long d in dims) w.Varint(1, d);
            w.Varint(2, 9).String(8, name).Bytes(9, values.Select(v => v ? (byte)1 : (byte)0).ToArray());
        });
        return this;
    }

    /// <summary>A rank-0 int64 initializer: a Gather index as torch.onnx.export writes proj[0].</summary>
    public OnnxModelBuilder Int64Scalar(string name, long value)
    {
        _initializers.Add(w => w.Varint(2, 7).PackedVarints(7, new[] { value }).String(8, name));
        return this;
    }

    public OnnxModelBuilder Node(string opType, string name, string[] inputs, string[] outputs, params OnnxAttributeValue[] attributes)
    {
        _nodes.Add(w =>
        {
            foreach (var input in inputs) w.String(1, input);
            foreach (var output in outputs) w.String(2, output);
            w.String(3, name).String(4, opType);
            foreach (var attribute in attributes) w.Message(5, attribute.Write);
        });
        return this;
    }

    public byte[] Build()
    {
        var model = new ProtoWriter();
        model.Varint(1, 8);                                   // ir_version
        model.String(2, "pytorch");                            // producer_name
        model.Message(7, graph =>
        {
            foreach (var node in _nodes) graph.Message(1, node);
            graph.String(2, "main_graph");
            foreach (var initializer in _initializers) graph.Message(5, initializer);
            foreach (var input in _inputs) graph.Message(11, input);
            foreach (var output in _outputs) graph.Message(12, output);
        });
        model.Message(8, opset => opset.String(1, "").Varint(2, Opset));
        return model.ToArray();
    }

    private static void FloatTensor(ProtoWriter w, string name, long[] dims, float[] values, bool raw)
    {
        foreach (long d in dims) w.Varint(1, d);              // dims, unpacked as proto2 writes them
        w.Varint(2, 1);                                        // FLOAT
        w.String(8, name);
        if (raw) w.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        else w.PackedFloats(4, values);
    }

    private static void ValueInfo(ProtoWriter w, string name, int elementType, long?[] dims, string symbol)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, elementType);
            tensor.Message(2, shape =>
            {
                foreach (var d in dims) shape.Message(1, dim => { if (d is long v) dim.Varint(1, v); else dim.String(2, symbol); });
            });
        }));
    }
}

/// <summary>An AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20.</summary>
public sealed class OnnxAttributeValue
{
    private readonly Action<ProtoWriter> _write;

    private OnnxAttributeValue(Action<ProtoWriter> write) => _write = write;

    public static OnnxAttributeValue Int(string name, long value) => new(w => w.String(1, name).Varint(3, value).Varint(20, 2));

    public static OnnxAttributeValue Float(string name, float value) => new(w => w.String(1, name).Fixed32(2, value).Varint(20, 1));

    public static OnnxAttributeValue Ints(string name, params long[] values) => new(w =>
    {
        w.String(1, name);
        foreach (long v in values) w.Varint(8, v);
        w.Varint(20, 7);
    });

    public static OnnxAttributeValue String(string name, string value) => new(w => w.String(1, name).String(4, value).Varint(20, 3));

    /// <summary>A float tensor attribute (t = 5, type TENSOR = 4): the "value" of a Constant node, as an exporter's folded constants are written.</summary>
    public static OnnxAttributeValue FloatTensor(string name, long[] dims, float[] values) => new(w => w.String(1, name).Message(5, t =>
    {
        foreach (long d in dims) t.Varint(1, d);
        t.Varint(2, 1).Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
    }).Varint(20, 4));

    internal void Write(ProtoWriter w) => _write(w);
}
