using Axon.Model;

namespace Axon.Gpu;

/// <summary>
/// Device buffers for up to <see cref="Capacity"/> rows of one network: activations, gradients, tangents and
/// arg-max slots of every node, allocated once and reused by every pass. Create it with
/// <see cref="GpuNetwork{T}.CreateWorkspace"/>.
/// </summary>
public sealed class GpuWorkspace<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _activations;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _gradients;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _tangents;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _indices;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _scratch;
    private readonly int[] _offsets;
    private readonly int[] _sizes;

    internal GpuWorkspace(object owner, Accelerator accelerator, IReadOnlyList<LayerInfo> layers, int indexSize, int scratchSize, int capacity)
    {
        Owner = owner;
        Capacity = capacity;
        _offsets = new int[layers.Count];
        _sizes = new int[layers.Count];
        long total = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            _offsets[i] = layers[i].Offset;
            _sizes[i] = layers[i].Size;
            total += layers[i].Size;
        }

        long elements = total * capacity;
        if (elements > int.MaxValue || (long)indexSize * capacity > int.MaxValue || (long)scratchSize * capacity > int.MaxValue)
        {
            long widest = Math.Max(total, Math.Max(indexSize, scratchSize));
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"{capacity} rows × {widest} values per row exceed a device buffer's {int.MaxValue} elements: use fewer rows.");
        }

        _activations = accelerator.Allocate1D<T>(elements);
        _gradients = accelerator.Allocate1D<T>(elements);
        _tangents = accelerator.Allocate1D<T>(elements);
        _indices = accelerator.Allocate1D<int>(Math.Max(1, (long)indexSize * capacity));
        _scratch = accelerator.Allocate1D<T>(Math.Max(1, (long)scratchSize * capacity));
    }

    /// <summary>The network that created this workspace.</summary>
    internal object Owner { get; }

    /// <summary>Rows the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Bytes of device memory the workspace holds.</summary>
    public long DeviceBytes => 3 * _activations.LengthInBytes + _indices.LengthInBytes + _scratch.LengthInBytes;

    /// <summary>Node <paramref name="layer"/>'s activations for the first <paramref name="batch"/> rows.</summary>
    public ArrayView<T> Activation(int layer, int batch) => Block(_activations, layer, batch);

    /// <summary>Node <paramref name="layer"/>'s gradient for the first <paramref name="batch"/> rows.</summary>
    public ArrayView<T> Gradient(int layer, int batch) => Block(_gradients, layer, batch);

    /// <summary>Node <paramref name="layer"/>'s tangent for the first <paramref name="batch"/> rows.</summary>
    public ArrayView<T> Tangent(int layer, int batch) => Block(_tangents, layer, batch);

    internal GpuPass<T> Pass(ArrayView<T> parameters, ArrayView<T> parameterGradients, int batch) => new()
    {
        Activations = _activations.View.AsContiguous(),
        Gradients = _gradients.View.AsContiguous(),
        Tangents = _tangents.View.AsContiguous(),
        Parameters = parameters,
        ParameterGradients = parameterGradients,
        Indices = _indices.View.AsContiguous(),
        Scratch = _scratch.View.AsContiguous(),
        Batch = batch,
        Capacity = Capacity,
    };

    internal int LayerCount => _sizes.Length;

    internal int SizeOf(int layer) => _sizes[layer];

    private ArrayView<T> Block(MemoryBuffer1D<T, Stride1D.Dense> buffer, int layer, int batch)
    {
        ModelGuard.CheckLayer(layer, _sizes.Length, nameof(layer));
        GpuGuard.CheckBatch(batch, Capacity);
        return buffer.View.AsContiguous().SubView((long)_offsets[layer] * Capacity, (long)batch * _sizes[layer]);
    }

    /// <summary>Frees the workspace's device buffers (activations, gradients, tangents, arg-max slots, scratch); views taken from it become invalid.</summary>
    public void Dispose()
    {
        _activations.Dispose();
        _gradients.Dispose();
        _tangents.Dispose();
        _indices.Dispose();
        _scratch.Dispose();
    }
}
