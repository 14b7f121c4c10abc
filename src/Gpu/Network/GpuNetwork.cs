using Axon.Model;

namespace Axon.Gpu;

/// <summary>
/// A network's passes on the GPU: the base of the class the generator writes for a <see cref="GpuModelAttribute"/>
/// declaration. The generated part holds one kernel per node and pass (shapes as literals) and runs them in
/// order; this part holds what is the same for every network: the device parameters, workspaces and argument checks.
/// </summary>
/// <remarks>
/// The passes mirror the CPU model's (<see cref="IDifferentiableModel{T}"/>) on device buffers: put the input rows
/// in <see cref="GpuWorkspace{T}.Activation"/>(0) and call <see cref="Forward"/>; put a seed in
/// <see cref="GpuWorkspace{T}.Gradient"/>(layer) and call <see cref="Backward"/>; put a direction in
/// <see cref="GpuWorkspace{T}.Tangent"/>(0) and call <see cref="Tangent"/>. Interventions and DeepLIFT's reference
/// are CPU-only. Kernels run asynchronously on the accelerator's default stream, in order.
/// </remarks>
public abstract class GpuNetwork<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The tile of a tiled product on GPUs (groups of 16 × 16 threads).</summary>
    private const int LargeTile = 16;

    /// <summary>The tile on ILGPU's CPU accelerator, whose groups hold 16 threads.</summary>
    private const int SmallTile = 4;

    private readonly MemoryBuffer1D<T, Stride1D.Dense> _parameters;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _parameterGradients;
    private readonly int _indexSize;
    private readonly int _scratchSize;
    private readonly LayerInfo[] _layers;
    private readonly int _tile;

    /// <param name="model">The CPU model whose parameters the network uses (uploaded now; see <see cref="UploadParameters"/>).</param>
    /// <param name="device">The accelerator.</param>
    /// <param name="indexSize">Arg-max slots per row (the generator counts them).</param>
    protected GpuNetwork(IDifferentiableModel<T> model, GpuDevice device, int indexSize)
        : this(model, device, indexSize, 0)
    {
    }

    /// <param name="model">The CPU model whose parameters the network uses (uploaded now; see <see cref="UploadParameters"/>).</param>
    /// <param name="device">The accelerator.</param>
    /// <param name="indexSize">Arg-max slots per row (the generator counts them).</param>
    /// <param name="scratchSize">Scratch values per row for the layers' intermediates (the generator counts them).</param>
    protected GpuNetwork(IDifferentiableModel<T> model, GpuDevice device, int indexSize, int scratchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        Model = model;
        Device = device;
        _layers = [.. model.Layers];
        _indexSize = indexSize;
        ArgumentOutOfRangeException.ThrowIfNegative(scratchSize);
        _scratchSize = scratchSize;
        _tile = device.Accelerator.MaxNumThreadsPerGroup >= LargeTile * LargeTile ? LargeTile : SmallTile;
        int count = Math.Max(1, model.Parameters.Length);
        _parameters = device.Accelerator.Allocate1D<T>(count);
        _parameterGradients = device.Accelerator.Allocate1D<T>(count);
        UploadParameters();
    }

    /// <summary>The CPU model this network mirrors.</summary>
    public IDifferentiableModel<T> Model { get; }

    /// <summary>The accelerator the kernels run on.</summary>
    public GpuDevice Device { get; }

    /// <summary>The nodes, as the CPU model lists them.</summary>
    public IReadOnlyList<LayerInfo> Layers => _layers;

    /// <summary>Copies the CPU model's parameters to the device; call it after changing them (training, loading weights).</summary>
    public void UploadParameters()
    {
        var values = Model.Parameters;
        if (values.Length > 0) _parameters.View.AsContiguous().SubView(0, values.Length).CopyFromCPU(values);
    }

    /// <summary>Device buffers for up to <paramref name="capacity"/> rows.</summary>
    public GpuWorkspace<T> CreateWorkspace(int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A workspace needs room for at least one row.");
        return new GpuWorkspace<T>(this, Device.Accelerator, _layers, _indexSize, _scratchSize, capacity);
    }

    /// <summary>Runs the network on the input rows already in <c>workspace.Activation(0, batch)</c>, recording the tape.</summary>
    public void Forward(GpuWorkspace<T> workspace, int batch)
    {
        var pass = Begin(workspace, batch);
        RunForward(pass);
    }

    /// <summary>
    /// Reverse mode from node <paramref name="layer"/>, whose gradient the caller has put in
    /// <c>workspace.Gradient(layer, batch)</c>, down to <paramref name="stopAtLayer"/>; with
    /// <paramref name="parameterGradients"/> the parameter gradients summed over the batch are added to
    /// <see cref="ReadParameterGradients"/>'s buffer (which requires the pass to reach the input).
    /// </summary>
    public void Backward(GpuWorkspace<T> workspace, int layer, int batch, int stopAtLayer = 0, bool parameterGradients = false)
    {
        var pass = Begin(workspace, batch);
        ModelGuard.CheckLayer(layer, _layers.Length, nameof(layer));
        ModelGuard.CheckLayer(stopAtLayer, _layers.Length, nameof(stopAtLayer));
        if (stopAtLayer > layer) throw new ArgumentOutOfRangeException(nameof(stopAtLayer), stopAtLayer, $"The pass runs from layer {layer} down, so stopAtLayer must not exceed it.");
        if (parameterGradients && stopAtLayer != 0) throw new ArgumentException("Parameter gradients need the pass to reach the input: use stopAtLayer = 0.", nameof(stopAtLayer));
        for (int i = stopAtLayer; i < layer; i++) workspace.Gradient(i, batch).MemSetToZero();
        RunBackward(pass, layer, stopAtLayer, parameterGradients);
    }

    /// <summary>
    /// Forward mode over the last forward's tape: pushes the direction in <c>workspace.Tangent(0, batch)</c> through
    /// nodes 1..<paramref name="stopAtLayer"/> (−1: all).
    /// </summary>
    public void Tangent(GpuWorkspace<T> workspace, int batch, int stopAtLayer = -1)
    {
        var pass = Begin(workspace, batch);
        int last = _layers.Length - 1;
        if (stopAtLayer == -1) stopAtLayer = last;
        ModelGuard.CheckLayer(stopAtLayer, _layers.Length, nameof(stopAtLayer));
        RunTangent(pass, stopAtLayer);
    }

    /// <summary>Sets the device's parameter gradient to zero.</summary>
    public void ClearParameterGradients() => _parameterGradients.MemSetToZero();

    /// <summary>Copies the device's parameter gradient to <paramref name="destination"/> (waits for the device).</summary>
    public void ReadParameterGradients(Span<T> destination)
    {
        int count = Model.Parameters.Length;
        if (destination.Length != count) throw new ArgumentException($"'destination' has {destination.Length} values; the model has {count} parameters.", nameof(destination));
        if (count > 0) _parameterGradients.View.AsContiguous().SubView(0, count).CopyToCPU(destination);
    }

    /// <summary>Waits until every kernel queued so far has finished.</summary>
    public void Synchronize() => Device.Accelerator.Synchronize();

    /// <summary>Frees the device copies of the parameters and the parameter gradient; the device and the CPU model stay open. Workspaces made by <see cref="CreateWorkspace"/> are disposed separately.</summary>
    public void Dispose()
    {
        _parameters.Dispose();
        _parameterGradients.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The generated forward: nodes 1..last in order.</summary>
    protected abstract void RunForward(in GpuPass<T> pass);

    /// <summary>The generated reverse pass from <paramref name="from"/> down to <paramref name="stopAtLayer"/>.</summary>
    protected abstract void RunBackward(in GpuPass<T> pass, int from, int stopAtLayer, bool parameterGradients);

    /// <summary>The generated forward-mode pass over nodes 1..<paramref name="stopAtLayer"/>.</summary>
    protected abstract void RunTangent(in GpuPass<T> pass, int stopAtLayer);

    /// <summary>Compiles an element-wise kernel (one thread per output value).</summary>
    protected Action<Index1D, GpuPass<T>> Load(Action<Index1D, GpuPass<T>> kernel) => Device.Accelerator.LoadAutoGroupedStreamKernel(kernel);

    /// <summary>Compiles a kernel of one time step of a recurrence (one thread per value of the step; the step is its last argument).</summary>
    protected Action<Index1D, GpuPass<T>, int> LoadStep(Action<Index1D, GpuPass<T>, int> kernel) => Device.Accelerator.LoadAutoGroupedStreamKernel(kernel);

    /// <summary>
    /// Compiles a tiled product kernel: the version with 16 × 16 tiles where groups can hold 256 threads (GPUs), the
    /// one with 4 × 4 tiles otherwise (ILGPU's CPU accelerator).
    /// </summary>
    protected Action<KernelConfig, GpuPass<T>> LoadTiled(Action<GpuPass<T>> large, Action<GpuPass<T>> small) =>
        Device.Accelerator.LoadStreamKernel(_tile == LargeTile ? large : small);

    /// <summary>Runs <paramref name="kernel"/> over <paramref name="extent"/> threads.</summary>
    protected static void Launch(Action<Index1D, GpuPass<T>> kernel, long extent, in GpuPass<T> pass)
    {
        if (extent > int.MaxValue) throw new InvalidOperationException($"A kernel of {extent} threads exceeds ILGPU's 1D launch limit: use fewer rows per pass.");
        kernel((int)extent, pass);
    }

    /// <summary>Runs step <paramref name="step"/> of a recurrence over <paramref name="extent"/> threads.</summary>
    protected static void LaunchStep(Action<Index1D, GpuPass<T>, int> kernel, long extent, in GpuPass<T> pass, int step)
    {
        if (extent > int.MaxValue) throw new InvalidOperationException($"A kernel of {extent} threads exceeds ILGPU's 1D launch limit: use fewer rows per pass.");
        kernel((int)extent, pass, step);
    }

    /// <summary>Runs a tiled product with an output of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    protected void LaunchTiled(Action<KernelConfig, GpuPass<T>> kernel, long rows, long columns, in GpuPass<T> pass)
    {
        long gridX = (columns + _tile - 1) / _tile, gridY = (rows + _tile - 1) / _tile;
        if (gridX > int.MaxValue || gridY > 65535) throw new InvalidOperationException($"A {rows} × {columns} product exceeds the launch grid: use fewer rows per pass.");
        kernel(new KernelConfig(new Index2D((int)gridX, (int)gridY), new Index2D(_tile, _tile)), pass);
    }

    private GpuPass<T> Begin(GpuWorkspace<T> workspace, int batch)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this)) throw new ArgumentException("The workspace was created by another network: create one with this network's CreateWorkspace.", nameof(workspace));
        GpuGuard.CheckBatch(batch, workspace.Capacity);
        return workspace.Pass(_parameters.View.AsContiguous(), _parameterGradients.View.AsContiguous(), batch);
    }
}
