using System.Collections.Generic;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// The parts of an ONNX GraphProto the importer maps: nodes in the file's (topological) order, initializers by
    /// name, and the graph's inputs and outputs. Lives only inside the import step; the pipeline carries the
    /// resulting model spec, not this.
    /// </summary>
    internal sealed class OnnxGraph
    {
        public List<OnnxNode> Nodes { get; } = new List<OnnxNode>();

        public Dictionary<string, OnnxTensor> Initializers { get; } = new Dictionary<string, OnnxTensor>();

        public List<OnnxValueInfo> Inputs { get; } = new List<OnnxValueInfo>();

        public List<OnnxValueInfo> Outputs { get; } = new List<OnnxValueInfo>();

        /// <summary>The default-domain opset the model was exported with (0 when it does not say).</summary>
        public long Opset { get; set; }
    }

    /// <summary>A NodeProto: an operator applied to named values.</summary>
    internal sealed class OnnxNode
    {
        public string Name { get; set; } = "";

        public string OpType { get; set; } = "";

        public string Domain { get; set; } = "";

        public List<string> Inputs { get; } = new List<string>();

        public List<string> Outputs { get; } = new List<string>();

        public Dictionary<string, OnnxAttribute> Attributes { get; } = new Dictionary<string, OnnxAttribute>();

        /// <summary>How diagnostics name the node: its name, or its first output when it has none.</summary>
        public string DisplayName => Name.Length > 0 ? Name : Outputs.Count > 0 ? Outputs[0] : OpType;
    }

    /// <summary>An AttributeProto with the value kinds the supported operators use.</summary>
    internal sealed class OnnxAttribute
    {
        public string Name { get; set; } = "";

        /// <summary>AttributeProto.AttributeType: 1 float, 2 int, 3 string, 4 tensor, 6 floats, 7 ints, 8 strings.</summary>
        public int Type { get; set; }

        public float Float { get; set; }

        public long Int { get; set; }

        public string String { get; set; } = "";

        public OnnxTensor? Tensor { get; set; }

        public List<long> Ints { get; } = new List<long>();

        public List<float> Floats { get; } = new List<float>();

        /// <summary>A list of strings (an LSTM's or GRU's activations).</summary>
        public List<string> Strings { get; } = new List<string>();
    }

    /// <summary>A TensorProto's shape and values, widened to double (numbers) or kept as integers (shapes, ids).</summary>
    internal sealed class OnnxTensor
    {
        public string Name { get; set; } = "";

        public List<long> Dims { get; } = new List<long>();

        /// <summary>TensorProto.DataType: 1 float, 6 int32, 7 int64, 11 double.</summary>
        public int DataType { get; set; }

        /// <summary>The values in row-major order, as doubles (exact for float, double and int32).</summary>
        public double[] Values { get; set; } = new double[0];

        /// <summary>The values as 64-bit integers, for int64/int32 tensors (Reshape targets).</summary>
        public long[] Integers { get; set; } = new long[0];

        public long ElementCount
        {
            get
            {
                long n = 1;
                foreach (long d in Dims) n *= d;
                return n;
            }
        }
    }

    /// <summary>A ValueInfoProto of a tensor: name, element type and dimensions (null where symbolic or absent).</summary>
    internal sealed class OnnxValueInfo
    {
        public string Name { get; set; } = "";

        public int ElementType { get; set; }

        public bool HasShape { get; set; }

        public List<long?> Dims { get; } = new List<long?>();

        /// <summary>The symbolic names of dimensions, where the file gives one (dim_param, e.g. "batch").</summary>
        public List<string> DimNames { get; } = new List<string>();
    }
}
