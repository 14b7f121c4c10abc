namespace Axon.Model;

/// <summary>
/// The operation a node of a generated network performs (<see cref="LayerInfo.Kind"/>). The generator writes these
/// members by name into each model's layer catalogue, so renaming or removing one breaks the build of every model
/// that uses it instead of silently changing what the runtime believes about a layer. The values are fixed: they may
/// be stored.
/// </summary>
public enum LayerKind
{
    /// <summary>Node 0: the network's input.</summary>
    Input = 0,
    Dense = 1,
    Conv1d = 2,
    Conv2d = 3,
    MaxPool2d = 4,
    AvgPool2d = 5,
    GlobalAvgPool = 6,
    MaxOverTime = 7,
    Flatten = 8,
    Reshape = 9,
    Embedding = 10,

    /// <summary>Batch normalisation in its inference form (running statistics): an affine map.</summary>
    BatchNorm = 11,

    /// <summary>The <c>+</c> of a residual connection.</summary>
    Add = 12,
    Concat = 13,
    ReLU = 14,
    LeakyReLU = 15,
    Sigmoid = 16,
    Tanh = 17,
    Gelu = 18,
    Softplus = 19,
    Softmax = 20,
    LogSoftmax = 21,

    /// <summary>A user's <c>[Differentiable]</c> scalar function applied element-wise.</summary>
    Activation = 22,
}

/// <summary>What the runtime's algorithms need to know about each <see cref="LayerKind"/>, decided in one place.</summary>
public static class LayerKindFacts
{
    /// <summary>
    /// Whether the operation is affine in its inputs (a linear map plus a constant), so that along a straight path
    /// from a baseline its output moves on a straight line too: what the attribution's affine-prefix optimisation
    /// relies on. Max pooling and the embedding lookup are piecewise, not affine.
    /// </summary>
    public static bool IsAffine(this LayerKind kind) => kind switch
    {
        LayerKind.Dense or LayerKind.Conv1d or LayerKind.Conv2d or LayerKind.Flatten or LayerKind.Reshape
            or LayerKind.AvgPool2d or LayerKind.GlobalAvgPool or LayerKind.BatchNorm or LayerKind.Add or LayerKind.Concat => true,
        _ => false,
    };
}
