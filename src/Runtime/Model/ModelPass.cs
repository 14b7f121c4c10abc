using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Axon.Model;

/// <summary>
/// The model-independent ends of every generated pass: the argument checks, in a fixed order so that bad input fails
/// with the same message whatever the network, then the workspace set up for the pass. A generated pass is then one
/// call here, its own straight-line code for the network, and (forward passes) one call to finish. Every backend's
/// emitter calls these rather than writing the checks into each model again.
/// </summary>
/// <remarks>
/// The layer catalogue (<see cref="IDifferentiableModel{T}.Layers"/>, as the generated array) supplies the sizes: node 0
/// is the input and the last node the output. Nothing here allocates unless it throws.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelPass
{
    /// <summary>Starts <see cref="IDifferentiableModel{T}.Forward"/>: checks, opens the tape and copies the input into node 0.</summary>
    public static void BeginForward<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, ReadOnlySpan<T> input, int batch, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ModelGuard.CheckInput(workspace, input, batch, layers[0].Size, nameof(input));
        ModelGuard.CheckLength(output.Length, batch, layers[^1].Size, nameof(output));
        workspace.BeginForward(batch);
        input.CopyTo(workspace.ActivationFor(0, batch));
    }

    /// <summary>
    /// Starts <see cref="IDifferentiableModel{T}.ForwardFrom"/>: checks that <paramref name="layer"/> is a cut, opens
    /// the tape, and stores the given activation there with that node's tap applied, as a forward pass would have.
    /// </summary>
    public static void BeginForwardFrom<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, int layer, ReadOnlySpan<T> activation, int batch, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ModelGuard.CheckLayer(layer, layers.Length, nameof(layer));
        if (!layers[layer].IsCut)
            throw new ArgumentException($"Layer {layer} ('{layers[layer].Name}') is not crossed by every path to the output, so the network cannot run onward from it alone.", nameof(layer));
        ModelGuard.CheckBatch(workspace, batch);
        int size = layers[layer].Size;
        ModelGuard.CheckLength(activation.Length, batch, size, nameof(activation));
        if (!workspace.StartsChecked) ModelGuard.CheckFinite(activation, size, nameof(activation));
        ModelGuard.CheckLength(output.Length, batch, layers[^1].Size, nameof(output));
        workspace.BeginForward(batch);
        // A caller may have written the activation into the workspace's own map (the pattern-tracking path does, a
        // step batch at a time): then there is nothing to copy.
        var map = workspace.ActivationFor(layer, batch);
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(activation), ref MemoryMarshal.GetReference(map)))
            activation.CopyTo(map);
        workspace.ApplyIntervention(layer, batch);
    }

    /// <summary>Finishes either forward pass: copies the output node into <paramref name="output"/> and closes the tape.</summary>
    public static void EndForward<T>(ModelWorkspace<T> workspace, int batch, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        workspace.ActivationFor(workspace.LayerCount - 1, batch).CopyTo(output);
        workspace.EndForward(batch);
    }

    /// <summary>
    /// Starts <see cref="IDifferentiableModel{T}.BackwardFrom"/>: checks the tape, the layer range and the parameter
    /// gradient, clears the gradients the pass will accumulate into, and seeds node <paramref name="layer"/>.
    /// </summary>
    public static void BeginBackward<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer, Span<T> parameterGradient, int parameterCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBackward(workspace, layers, layer, layerGradient, batch, stopAtLayer, parameterGradient, parameterCount);

        // Nodes below the seed accumulate from every consumer, so they start at zero; the seed is the seed.
        for (int i = stopAtLayer; i < layer; i++) workspace.GradientFor(i, batch).Clear();
        layerGradient.CopyTo(workspace.GradientFor(layer, batch));
    }

    /// <summary>
    /// <see cref="BeginBackward{T}(ModelWorkspace{T}, LayerInfo[], int, ReadOnlySpan{T}, int, int, Span{T}, int)"/> for
    /// a pass whose first writers overwrite: node i's gradient is left as it is when <paramref name="firstWriters"/>[i]
    /// names a node that runs in this pass (at most <paramref name="layer"/>) and whose backward stores into it
    /// instead of adding. DeepLIFT's rules (a <see cref="ModelWorkspace{T}.RescaleReference"/>) always add, so then
    /// every gradient is cleared.
    /// </summary>
    public static void BeginBackward<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer, Span<T> parameterGradient, int parameterCount, int[] firstWriters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBackward(workspace, layers, layer, layerGradient, batch, stopAtLayer, parameterGradient, parameterCount);
        ArgumentNullException.ThrowIfNull(firstWriters);
        if (firstWriters.Length != layers.Length)
            throw new ArgumentException($"'firstWriters' has {firstWriters.Length} entries; the model has {layers.Length} nodes.", nameof(firstWriters));
        bool overwrites = GradientWriteSwitch.FirstWriterOverwrites && workspace.RescaleReference is null;
        for (int i = stopAtLayer; i < layer; i++)
        {
            int writer = firstWriters[i];
            if (overwrites && writer > i && writer <= layer) continue;
            workspace.GradientFor(i, batch).Clear();
        }

        layerGradient.CopyTo(workspace.GradientFor(layer, batch));
    }

    private static void CheckBackward<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, int layer, ReadOnlySpan<T> layerGradient, int batch, int stopAtLayer, Span<T> parameterGradient, int parameterCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireTape(batch);
        ModelGuard.CheckLayer(layer, layers.Length, nameof(layer));
        ModelGuard.CheckLayer(stopAtLayer, layers.Length, nameof(stopAtLayer));
        if (stopAtLayer > layer)
            throw new ArgumentOutOfRangeException(nameof(stopAtLayer), stopAtLayer, $"The pass runs from layer {layer} down, so stopAtLayer must not exceed it.");
        int size = layers[layer].Size;
        ModelGuard.CheckLength(layerGradient.Length, batch, size, nameof(layerGradient));
        ModelGuard.CheckFinite(layerGradient, size, nameof(layerGradient));
        if (!parameterGradient.IsEmpty && parameterGradient.Length != parameterCount)
            throw new ArgumentException($"'parameterGradient' has {parameterGradient.Length} values; the model has {parameterCount} parameters.", nameof(parameterGradient));
        if (!parameterGradient.IsEmpty && stopAtLayer != 0)
            throw new ArgumentException("Parameter gradients need the pass to reach the input: use stopAtLayer = 0.", nameof(stopAtLayer));
    }

    /// <summary>
    /// Starts <see cref="IDifferentiableModel{T}.Tangent"/>: checks the tape and the tangent, seeds node 0, and returns
    /// the last node the pass must reach (the output when <paramref name="stopAtLayer"/> is negative).
    /// </summary>
    public static int BeginTangent<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, ReadOnlySpan<T> inputTangent, int batch, int stopAtLayer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireTape(batch);
        int until = stopAtLayer < 0 ? layers.Length - 1 : stopAtLayer;
        ModelGuard.CheckLayer(until, layers.Length, nameof(stopAtLayer));
        int size = layers[0].Size;
        ModelGuard.CheckLength(inputTangent.Length, batch, size, nameof(inputTangent));
        ModelGuard.CheckFinite(inputTangent, size, nameof(inputTangent));
        inputTangent.CopyTo(workspace.TangentFor(0, batch));
        return until;
    }

    /// <summary>
    /// Starts <see cref="IDifferentiableModel{T}.TangentFrom"/>: checks the tape, that <paramref name="layer"/> is a cut
    /// (every path to the output crosses it, so its tangent alone determines the rest), the range and the tangent, seeds
    /// node <paramref name="layer"/> with the node's intervention mask applied, and returns the last node to reach.
    /// </summary>
    public static int BeginTangentFrom<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, int layer, ReadOnlySpan<T> layerTangent, int batch, int stopAtLayer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.RequireTape(batch);
        ModelGuard.CheckLayer(layer, layers.Length, nameof(layer));
        if (!layers[layer].IsCut)
            throw new ArgumentException($"Layer {layer} ('{layers[layer].Name}') is not crossed by every path to the output, so a tangent there does not determine the rest.", nameof(layer));
        int until = stopAtLayer < 0 ? layers.Length - 1 : stopAtLayer;
        ModelGuard.CheckLayer(until, layers.Length, nameof(stopAtLayer));
        if (until < layer)
            throw new ArgumentOutOfRangeException(nameof(stopAtLayer), stopAtLayer, $"The pass runs from layer {layer} up, so stopAtLayer must not be below it.");
        int size = layers[layer].Size;
        ModelGuard.CheckLength(layerTangent.Length, batch, size, nameof(layerTangent));
        if (!workspace.StartsChecked) ModelGuard.CheckFinite(layerTangent, size, nameof(layerTangent));
        var seed = workspace.TangentFor(layer, batch);
        layerTangent.CopyTo(seed);
        workspace.MaskDerivative(layer, seed, batch);
        return until;
    }
}

/// <summary>
/// For A/B timing (benchmarks/Attribution.Benchmarks <c>--first-writer</c>): off, every backward pass clears all its
/// gradient buffers first and the kernels asked to overwrite add instead — the behaviour before first writers.
/// </summary>
internal static class GradientWriteSwitch
{
    public static bool FirstWriterOverwrites = true;
}
