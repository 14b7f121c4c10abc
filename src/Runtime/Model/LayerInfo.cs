namespace Axon.Model;

/// <summary>
/// One node of a generated network, as the generator laid it out: index 0 is the input. The catalogue is
/// emitted as constants, so taps and attribution find layers without reflection.
/// </summary>
/// <param name="Name">The member name of the layer (or "input", or a generated name for +, concat, flatten).</param>
/// <param name="Kind">The operation, e.g. <see cref="LayerKind.Conv2d"/>, <see cref="LayerKind.ReLU"/>, <see cref="LayerKind.Add"/>.</param>
/// <param name="Index">Position in the topological order; equals the index in <see cref="IDifferentiableModel{T}.Layers"/>.</param>
/// <param name="Shape">Per-sample shape, channels first.</param>
/// <param name="Offset">Per-sample offset of this layer's activation in the concatenation of all activations.</param>
/// <param name="Inputs">Indices of the nodes this node reads.</param>
/// <param name="IsCut">True when every path from the input to the output crosses this node, so that running
/// the network onward from it is well defined and per-layer completeness holds.</param>
/// <param name="Hyper">
/// The operation's integer hyper-parameters as the generator resolved them (Dense [in, out, bias]; Conv1d/Conv2d
/// [inC, outC, kernel, stride, padding, bias]; GroupedConv2d the same plus groups; MaxPool2d/AvgPool2d [kernel, stride], or [kernel, stride, padding] when padded; Reshape [dims…]; Embedding
/// [count, dim]; BatchNorm [channels]; empty for the rest), e.g. for the exact integration rule's pooling windows.
/// </param>
public sealed record LayerInfo(string Name, LayerKind Kind, int Index, IReadOnlyList<int> Shape, int Offset, IReadOnlyList<int> Inputs, bool IsCut, IReadOnlyList<int>? Hyper = null)
{
    /// <summary>Number of elements per sample (computed once: hot loops read it).</summary>
    public int Size { get; } = Product(Shape);

    /// <summary>Whether the operation is affine in its inputs (see <see cref="LayerKindFacts.IsAffine"/>).</summary>
    public bool IsAffine => Kind.IsAffine();

    private static int Product(IReadOnlyList<int> shape)
    {
        int size = 1;
        for (int i = 0; i < shape.Count; i++) size *= shape[i];
        return size;
    }

    /// <summary>"index: name (kind) [shape]", e.g. "3: relu1 (ReLU) [8×28×28]".</summary>
    public override string ToString() => $"{Index}: {Name} ({Kind}) [{string.Join("×", Shape)}]";
}

/// <summary>One parameter tensor in the model's flat parameter vector, named as PyTorch names it ("conv1.weight").</summary>
/// <param name="Name">PyTorch's name for the tensor, "layer.weight", "layer.bias", "layer.running_mean", ….</param>
/// <param name="Layer">Index of the node that owns the tensor in <see cref="IDifferentiableModel{T}.Layers"/>.</param>
/// <param name="Shape">The tensor's shape in PyTorch's layout (Dense: [out, in]; Conv2d: [out, in, kh, kw]).</param>
/// <param name="Offset">Where the tensor starts in <see cref="IDifferentiableModel{T}.Parameters"/>.</param>
/// <param name="Length">Number of elements (the product of <paramref name="Shape"/>).</param>
/// <param name="Trainable">False for running statistics, which receive no gradient.</param>
public sealed record ParameterInfo(string Name, int Layer, IReadOnlyList<int> Shape, int Offset, int Length, bool Trainable)
{
    /// <summary>"name [shape] @ offset", e.g. "fc1.weight [256×784] @ 0".</summary>
    public override string ToString() => $"{Name} [{string.Join("×", Shape)}] @ {Offset}";
}
