namespace Axon.Generator.Model
{
    /// <summary>
    /// Everything the emitter needs to write one model, as plain values: no symbols, syntax or locations, so the
    /// incremental pipeline re-emits only when the network itself changed.
    /// </summary>
    /// <param name="Inputs">A several-input model's inputs, packed in order into the input node; empty for one input.</param>
    internal sealed record ModelSpec(
        string Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName,
        string TypeKeyword,
        ElementKind Element,
        EquatableArray<int> InputShape,
        EquatableArray<NodeSpec> Nodes,
        EquatableArray<ParameterSpec> Parameters,
        EquatableArray<string> LayerMembers,
        EquatableArray<InputSpec> Inputs)
    {
        public string ElementTypeName => Element == ElementKind.Double ? "double" : "float";

        public int ParameterCount => Parameters.Count == 0 ? 0 : Parameters[Parameters.Count - 1].Offset + Parameters[Parameters.Count - 1].Length;

        public NodeSpec Output => Nodes[Nodes.Count - 1];

        public string FullName => (Namespace.Length == 0 ? "" : Namespace + ".") + ClassName;

        /// <summary>For a model imported from ONNX: its layer descriptors and weights (null for a hand-written model).</summary>
        public Onnx.ImportedModel? Import { get; init; }
    }

    internal enum ElementKind
    {
        Float = 0,
        Double = 1,
    }

    /// <summary>A type the model class is nested in, with the keyword its partial declaration needs.</summary>
    internal sealed record ContainingTypeSpec(string Keyword, string Name);

    /// <summary>
    /// One node of the network in topological order: the input (index 0), a layer application or a structural
    /// operation. <see cref="Hyper"/> holds the op's integer hyper-parameters in the order <see cref="OpKind"/>
    /// documents; <see cref="Scalar"/> its one real hyper-parameter (slope, epsilon).
    /// </summary>
    internal sealed record NodeSpec(
        int Index,
        string Name,
        OpKind Kind,
        EquatableArray<int> Inputs,
        EquatableArray<int> Shape,
        EquatableArray<int> Hyper,
        double Scalar,
        int FirstParameter,
        string Function,
        bool IsCut)
    {
        /// <summary>For an Activation node: its function's vector form, or null when the function keeps the scalar kernel.</summary>
        public Differentiation.VectorForm? VectorForm { get; init; }

        public int Size
        {
            get
            {
                int size = 1;
                foreach (int d in Shape) size *= d;
                return size;
            }
        }
    }

    /// <summary>A parameter tensor in the flat parameter vector, named as PyTorch names it.</summary>
    internal sealed record ParameterSpec(string Name, int Node, EquatableArray<int> Shape, int Offset, int Length, bool Trainable, InitKind Init, double Bound);

    /// <summary>How a parameter tensor starts (PyTorch's defaults).</summary>
    internal enum InitKind
    {
        /// <summary>U(−bound, bound) with bound = 1/√fan_in.</summary>
        Uniform,

        /// <summary>N(0, 1).</summary>
        Normal,

        Zeros,

        Ones,
    }

    /// <summary>
    /// The operations a node can perform. Hyper-parameter order per kind:
    /// Dense [in, out, bias]; Conv1d [inC, outC, kernel, stride, padding, bias]; Conv2d likewise;
    /// MaxPool2d / AvgPool2d [kernel, stride] or [kernel, stride, padding] (see PoolingHyper); Reshape [dims…]; Embedding [count, dim]; BatchNorm [channels];
    /// Channels [start, count]. Scale keeps its constant factor in <see cref="NodeSpec.Scalar"/>.
    /// </summary>
    internal enum OpKind
    {
        Input,
        Dense,
        Conv1d,
        Conv2d,
        MaxPool2d,
        AvgPool2d,
        GlobalAvgPool,
        MaxOverTime,
        Flatten,
        Reshape,
        Embedding,
        BatchNorm,
        Add,
        Concat,
        ReLU,
        LeakyReLU,
        Sigmoid,
        Tanh,
        Gelu,
        Softplus,
        Softmax,
        LogSoftmax,
        Activation,

        /// <summary><c>a - b</c>, element-wise, operands of the same shape.</summary>
        Subtract,

        /// <summary><c>c * a</c> with a compile-time constant c (the node's Scalar).</summary>
        Scale,

        /// <summary><c>a * b</c>, element-wise, operands of the same shape (gating).</summary>
        Multiply,

        /// <summary><c>x.Channels(start, count)</c>: a contiguous range of the first axis.</summary>
        Channels,

        /// <summary>Layer normalisation over the trailing dimensions; Hyper = [elementwiseAffine, bias, normalized dims…], Scalar = ε.</summary>
        LayerNorm,

        /// <summary>RMS normalisation over the trailing dimensions; Hyper = [elementwiseAffine, 0, normalized dims…], Scalar = ε (0: machine epsilon).</summary>
        RMSNorm,

        /// <summary>The identity, kept as a named node.</summary>
        Identity,

        /// <summary>Dropout at inference: the identity; Scalar = p (recorded only).</summary>
        Dropout,

        /// <summary>x·σ(x), element-wise.</summary>
        SiLU,

        /// <summary>Multi-head self-attention over [length, E]; Hyper = [embedDim, numHeads, bias, causal, padTokenId (−1: none)(, separateProjections = 1)] (<see cref="AttentionHyper"/>).</summary>
        MultiHeadAttention,

        /// <summary>x + a learned [sequence, width] table; Hyper = [sequence, width].</summary>
        PositionalEmbedding,

        /// <summary>x + the sinusoidal encoding; Hyper = [sequence, width].</summary>
        SinusoidalPositionalEncoding,

        /// <summary>Conv2d with groups &gt; 1: [inC, outC, kernel, stride, padding, bias, groups]; weight [outC, inC/groups, k, k].</summary>
        GroupedConv2d,

        /// <summary>[inC, outC, kernel, stride, padding, outputPadding, bias]; weight [inC, outC, k, k].</summary>
        ConvTranspose2d,

        /// <summary>[scale, mode] with mode 0 nearest, 1 bilinear (align_corners=False).</summary>
        Upsample,

        /// <summary>[inputSize, hiddenSize]; input [seq, inputSize], output [seq, hiddenSize]; gates i, f, g, o.</summary>
        Lstm,

        /// <summary>[inputSize, hiddenSize]; input [seq, inputSize], output [seq, hiddenSize]; gates r, z, n.</summary>
        Gru,

        /// <summary><c>x.Transpose()</c>: a rank-2 [rows, columns] sample becomes [columns, rows]; no hyper-parameters.</summary>
        Transpose,
    }
}
