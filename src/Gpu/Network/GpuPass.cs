using System.Runtime.InteropServices;

namespace Axon.Gpu;

/// <summary>
/// What every generated kernel receives: the workspace's device buffers and the batch. A node's block of a
/// buffer starts at its per-sample offset × <see cref="Capacity"/> (the generated kernels hold the offsets as
/// literals) and holds <see cref="Batch"/> rows of the node's size, batch-major and channels first like the CPU tape.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct GpuPass<T> where T : unmanaged
{
    /// <summary>Every node's activations (the tape).</summary>
    public ArrayView<T> Activations;

    /// <summary>Every node's gradient (reverse mode).</summary>
    public ArrayView<T> Gradients;

    /// <summary>Every node's tangent (forward mode).</summary>
    public ArrayView<T> Tangents;

    /// <summary>The flat parameter vector, laid out as <c>IDifferentiableModel.ParameterTensors</c> says.</summary>
    public ArrayView<T> Parameters;

    /// <summary>The flat parameter gradient (same layout), summed over the batch.</summary>
    public ArrayView<T> ParameterGradients;

    /// <summary>Arg-max slots of max pooling, written by the forward pass and read by backward and tangent.</summary>
    public ArrayView<int> Indices;

    /// <summary>
    /// Per-row intermediates of the layers that keep more than their output (attention's projections and weights,
    /// the recurrent layers' gates and carried gradients): a region's block starts at its per-row offset × <see cref="Capacity"/>.
    /// </summary>
    public ArrayView<T> Scratch;

    /// <summary>Rows in this pass.</summary>
    public int Batch;

    /// <summary>Rows the workspace holds: the stride between nodes' blocks is offset × capacity.</summary>
    public int Capacity;
}
