namespace Axon.Model;

/// <summary>
/// The interface every generated model implements. Algorithms (attribution, training, evaluation) are written
/// once against it. All buffers are batch-major: sample b's values are contiguous, channels first.
/// </summary>
/// <remarks>
/// A pass keeps all of its state in the workspace it is given, so one model can run passes on several workspaces at
/// once: the attribution engine's input lanes do (<c>Attributor.InputLanes</c>). A hand-written implementation must
/// allow that too, or be used with <c>InputLanes = 1</c>.
/// </remarks>
public interface IDifferentiableModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The model class's name (e.g. <c>"TinyNet"</c>), used in messages and reports.</summary>
    string Name { get; }

    /// <summary>Elements per input sample.</summary>
    int InputSize { get; }

    /// <summary>
    /// A model with several inputs: where each lies in the packed input row of <see cref="InputSize"/> values (Forward's
    /// parameter order), and which are fixed. Empty for a model with one input, whose row is that input.
    /// </summary>
    IReadOnlyList<ModelInput> InputLayout => [];

    /// <summary>Elements per output sample.</summary>
    int OutputSize { get; }

    /// <summary>Nodes in topological order; index 0 is the input, the last is the output.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>The parameter tensors, in order, inside <see cref="Parameters"/>.</summary>
    IReadOnlyList<ParameterInfo> ParameterTensors { get; }

    /// <summary>All parameters as one flat vector (weights, biases, running statistics).</summary>
    Span<T> Parameters { get; }

    /// <summary>Buffers for up to <paramref name="maxBatch"/> samples; reuse it so that calls allocate nothing.</summary>
    ModelWorkspace<T> CreateWorkspace(int maxBatch);

    /// <summary>
    /// Runs the network on <paramref name="batch"/> samples and keeps every activation in the workspace (the
    /// tape that <see cref="Backward"/> and <see cref="Tangent"/> read). Interventions set on the workspace apply.
    /// </summary>
    void Forward(ModelWorkspace<T> workspace, ReadOnlySpan<T> input, int batch, Span<T> output);

    /// <summary>
    /// Runs the network from <paramref name="layer"/> onward, given that layer's activation for every sample;
    /// the layer must be a cut (<see cref="LayerInfo.IsCut"/>).
    /// </summary>
    void ForwardFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> activation, int batch, Span<T> output);

    /// <summary>
    /// Reverse mode over the tape of the last <see cref="Forward"/>: seeds the output with
    /// <paramref name="outputGradient"/> (batch × OutputSize weights; a one-hot row selects one class) and leaves
    /// the gradient of every node with index ≥ <paramref name="stopAtLayer"/> in the workspace
    /// (<see cref="ModelWorkspace{T}.Gradient"/>). With a non-empty <paramref name="parameterGradient"/>
    /// (length of <see cref="Parameters"/>) it adds the parameter gradients summed over the batch to it; that
    /// requires <paramref name="stopAtLayer"/> = 0.
    /// </summary>
    void Backward(ModelWorkspace<T> workspace, ReadOnlySpan<T> outputGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default);

    /// <summary>
    /// Reverse mode seeded at an inner node: like <see cref="Backward"/>, but the gradient of node
    /// <paramref name="layer"/> is set to <paramref name="layerGradient"/> (batch × that node's size) and only the
    /// nodes below it are propagated — e.g. a one-hot seed gives ∂y_j/∂x for one neuron j (neuron conductance).
    /// </summary>
    void BackwardFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer = 0, Span<T> parameterGradient = default);

    /// <summary>
    /// Forward mode over the tape of the last <see cref="Forward"/>: pushes <paramref name="inputTangent"/>
    /// (batch × InputSize) through nodes 1..<paramref name="stopAtLayer"/> (default: all) and leaves each node's
    /// tangent — the Jacobian-vector product — in the workspace (<see cref="ModelWorkspace{T}.Tangent"/>).
    /// </summary>
    void Tangent(ModelWorkspace<T> workspace, ReadOnlySpan<T> inputTangent, int batch, int stopAtLayer = -1);

    /// <summary>
    /// Forward mode from a cut layer over the tape of the last forward: node <paramref name="layer"/>'s tangent is
    /// <paramref name="layerTangent"/> (batch × that layer's size), pushed through nodes layer + 1..<paramref name="stopAtLayer"/>
    /// (default: all). Used where paths start above the input (token models, whose paths run in embedding space, and
    /// the affine prefix). Tangents of nodes below <paramref name="layer"/> are left as they were.
    /// </summary>
    void TangentFrom(ModelWorkspace<T> workspace, int layer, ReadOnlySpan<T> layerTangent, int batch, int stopAtLayer = -1);
}
