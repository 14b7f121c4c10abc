using System.ComponentModel;

namespace Axon.Model;

/// <summary>What an intervention does to the chosen neurons of a layer during forward.</summary>
public enum InterventionKind
{
    /// <summary>The neuron's activation becomes the given value (ablation to a reference activation).</summary>
    Replace,

    /// <summary>The activation becomes min(activation, value).</summary>
    ClampAbove,

    /// <summary>The activation becomes max(activation, value).</summary>
    ClampBelow,
}

/// <summary>
/// Every buffer one model needs for up to <see cref="MaxBatch"/> samples: the tape of activations, their
/// gradients and tangents, kernel scratch and the layer taps (interventions). Made once by
/// <see cref="IDifferentiableModel{T}.CreateWorkspace"/> and reused, so that steady-state calls allocate nothing.
/// A workspace is not thread-safe: use one per thread.
/// </summary>
public sealed class ModelWorkspace<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly int[] _indexOffsets;
    private readonly int[] _indexSizes;
    private readonly T[] _activations;
    private readonly T[] _gradients;
    private readonly T[] _tangents;
    private readonly T[] _scratch;
    private readonly int[] _indices;
    private readonly Intervention?[] _interventions;
    private T[]? _rescale;
    private T[]? _revealCancel;
    private int _activeInterventions;

    /// <summary>
    /// Set by the attribution engine, on a workspace it owns, around passes whose starting values it has checked itself:
    /// the affine prefix's points and directions, bounded once per path (Attributor.Prefix). ForwardFrom and TangentFrom
    /// then skip their scan for NaN and infinity, which on FashionCnn's test set was 2 % of the time. A workspace a
    /// caller holds never has it set.
    /// </summary>
    internal bool StartsChecked { get; set; }

    /// <summary>
    /// Set by the attribution engine, on a workspace it owns, around passes after which it reads the activations,
    /// gradients and tangents of these nodes only (Attributor.Prefix); null otherwise: every node is read.
    /// </summary>
    private bool[]? _readNodes;

    /// <summary>
    /// Generated code: whether the caller of the running pass may read node <paramref name="layer"/>'s activation,
    /// gradient or tangent afterwards. True on every workspace a caller holds; false only for nodes that the attribution
    /// engine, around its own passes, said it does not read. A fused ReLU + max pooling then skips the ReLU's output,
    /// gradient and tangent maps, which nothing else reads.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public bool Reads(int layer) => _readNodes is null || _readNodes[layer];

    /// <summary>Names the nodes whose gradients and tangents the engine reads (see <see cref="Reads"/>); null: all of them.</summary>
    internal void ReadOnly(bool[]? nodes)
    {
        if (nodes is not null && nodes.Length != _sizes.Length) throw new ArgumentException($"One flag per node: {_sizes.Length}, got {nodes.Length}.", nameof(nodes));
        _readNodes = nodes;
    }

    /// <summary>A workspace for the model whose layout table is <paramref name="layerSizes"/> (generated code).</summary>
    /// <param name="layerSizes">
    /// The model's per-sample element count of every node: a static array of the model class, kept by reference as the
    /// layout's identity so that <see cref="ModelGuard.CheckWorkspace"/> can tell this model's workspaces from others'.
    /// </param>
    /// <param name="indexSizes">Per-sample count of integer slots a node keeps on the tape (arg-max of pooling).</param>
    /// <param name="maxBatch">The largest batch.</param>
    /// <param name="scratchLength">Scratch elements the generated kernels need at <paramref name="maxBatch"/>.</param>
    /// <param name="modelName">The creating model's name, for messages.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ModelWorkspace(int[] layerSizes, int[] indexSizes, int maxBatch, long scratchLength, string modelName)
        : this(layerSizes, indexSizes, maxBatch, scratchLength)
    {
        Layout = layerSizes;
        ModelName = modelName;
    }

    /// <summary>A workspace with the given layout that no model's <see cref="ModelGuard.CheckWorkspace"/> accepts (tests, hand-written passes).</summary>
    /// <param name="layerSizes">Per-sample element count of every node.</param>
    /// <param name="indexSizes">Per-sample count of integer slots a node keeps on the tape (arg-max of pooling).</param>
    /// <param name="maxBatch">The largest batch (at least 1; <see cref="ArgumentOutOfRangeException"/> otherwise).</param>
    /// <param name="scratchLength">Scratch elements the generated kernels need at <paramref name="maxBatch"/>.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ModelWorkspace(ReadOnlySpan<int> layerSizes, ReadOnlySpan<int> indexSizes, int maxBatch, long scratchLength)
    {
        ModelGuard.CheckMaxBatch(maxBatch);
        if (indexSizes.Length != layerSizes.Length) throw new ArgumentException("One index size per layer is required.", nameof(indexSizes));
        MaxBatch = maxBatch;
        _sizes = layerSizes.ToArray();
        _indexSizes = indexSizes.ToArray();
        _offsets = new int[_sizes.Length];
        _indexOffsets = new int[_sizes.Length];
        long perSample = 0, indicesPerSample = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            perSample += _sizes[i];
            indicesPerSample += _indexSizes[i];
        }

        long total = perSample * maxBatch, totalIndices = indicesPerSample * maxBatch;
        CheckArrayLength(total, maxBatch, "activations", perSample);
        CheckArrayLength(totalIndices, maxBatch, "tape indices", indicesPerSample);
        CheckArrayLength(scratchLength, maxBatch, "kernel scratch", perSample: 0);
        for (int i = 1; i < _sizes.Length; i++)
        {
            _offsets[i] = _offsets[i - 1] + _sizes[i - 1] * maxBatch;
            _indexOffsets[i] = _indexOffsets[i - 1] + _indexSizes[i - 1] * maxBatch;
        }

        _activations = new T[total];
        _gradients = new T[total];
        _tangents = new T[total];
        _scratch = new T[scratchLength];
        _indices = new int[totalIndices];
        _interventions = new Intervention?[_sizes.Length];
    }

    /// <summary>
    /// Each buffer is one array, so maxBatch × (elements per sample) must fit in one; computed in long so that a huge
    /// batch is named in the message instead of wrapping into a negative length somewhere below.
    /// </summary>
    private static void CheckArrayLength(long elements, int maxBatch, string what, long perSample)
    {
        if (elements <= Array.MaxLength) return;
        string product = perSample > 0 ? $"{maxBatch} samples × {perSample} elements per sample = {elements}" : $"{elements} elements for {maxBatch} samples";
        string advice = perSample > 0 ? $"use a batch of at most {Array.MaxLength / perSample}" : "use a smaller batch";
        throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch,
            $"A workspace's {what} would need {product}, more than the {Array.MaxLength} a .NET array holds; {advice}.");
    }

    /// <summary>The name of the model that created this workspace; null when it was built by hand.</summary>
    public string? ModelName { get; }

    /// <summary>The creating model's layout table (compared by reference); null when built by hand.</summary>
    internal object? Layout { get; }

    /// <summary>The largest batch this workspace holds.</summary>
    public int MaxBatch { get; }

    /// <summary>The batch of the last forward pass; 0 before the first.</summary>
    public int Batch { get; private set; }

    /// <summary>Number of nodes (layers, the input included).</summary>
    public int LayerCount => _sizes.Length;

    /// <summary>Activation of node <paramref name="layer"/> for the last forward's batch (batch × size).</summary>
    public Span<T> Activation(int layer) => _activations.AsSpan(_offsets[layer], _sizes[layer] * Batch);

    /// <summary>Gradient of the seeded output with respect to node <paramref name="layer"/>'s activation.</summary>
    public Span<T> Gradient(int layer) => _gradients.AsSpan(_offsets[layer], _sizes[layer] * Batch);

    /// <summary>Tangent (Jacobian-vector product) of node <paramref name="layer"/> from the last forward-mode pass.</summary>
    public Span<T> Tangent(int layer) => _tangents.AsSpan(_offsets[layer], _sizes[layer] * Batch);

    /// <summary>
    /// Sets a tap on node <paramref name="layer"/>: in every later forward pass, the neurons whose
    /// <paramref name="mask"/> entry is true are replaced or clamped with <paramref name="values"/>
    /// (one value per neuron, shared by all samples, or batch × size values, one per sample). Such neurons are
    /// constants for the rest of the network: their gradient and tangent are zero.
    /// </summary>
    public void SetIntervention(int layer, ReadOnlySpan<bool> mask, ReadOnlySpan<T> values, InterventionKind kind = InterventionKind.Replace)
    {
        if ((uint)layer >= (uint)_sizes.Length) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has layers 0..{_sizes.Length - 1}.");
        if (layer == 0) throw new ArgumentException("Layer 0 is the input: change the input instead of intervening on it.", nameof(layer));
        int size = _sizes[layer];
        if (mask.Length != size) throw new ArgumentException($"The mask has {mask.Length} entries; layer {layer} has {size} neurons.", nameof(mask));
        bool perSample = values.Length != size;
        if (perSample && values.Length != size * MaxBatch)
            throw new ArgumentException($"Expected {size} values (one per neuron) or {size * MaxBatch} (one per neuron and sample); got {values.Length}.", nameof(values));
        for (int i = 0; i < values.Length; i++)
        {
            // An infinite replacement is as poisonous as NaN: the next layer turns ±∞ · 0 into NaN.
            if (!T.IsFinite(values[i])) throw new ArgumentException($"Intervention value {i} is {values[i]}; intervention values must be finite.", nameof(values));
        }

        var intervention = _interventions[layer] ?? new Intervention(size, size * MaxBatch);
        intervention.Set(mask, values, perSample, kind);
        if (_interventions[layer] is null) _activeInterventions++;
        _interventions[layer] = intervention;
    }

    /// <summary>Removes the tap on <paramref name="layer"/>.</summary>
    public void ClearIntervention(int layer)
    {
        if ((uint)layer >= (uint)_sizes.Length) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has layers 0..{_sizes.Length - 1}.");
        if (_interventions[layer] is not null) _activeInterventions--;
        _interventions[layer] = null;
    }

    /// <summary>Removes every tap.</summary>
    public void ClearInterventions()
    {
        Array.Clear(_interventions);
        _activeInterventions = 0;
    }

    /// <summary>
    /// DeepLIFT's rescale rule. When set, <see cref="IDifferentiableModel{T}.Backward"/> passes DeepLIFT
    /// multipliers between this workspace's activations and the reference's instead of derivatives: each
    /// element-wise nonlinearity's secant slope Δy/Δx (the derivative where |Δx| is negligible), each max
    /// window's Δmax to one winner (<see cref="MaxRescaleRule"/>), softmax's and log-softmax's exact rule
    /// (<see cref="SoftmaxRescaleRule"/>). The reference must hold a recorded forward of the reference input with
    /// batch 1 (shared by every sample) or with this workspace's batch.
    /// </summary>
    public ModelWorkspace<T>? RescaleReference { get; set; }

    /// <summary>
    /// DeepLIFT's RevealCancel rule (with <see cref="RescaleReference"/> set): each element-wise nonlinearity whose
    /// input is a dense layer used by nothing else splits that layer's change into its positive and negative terms
    /// and passes each its own multiplier (<see cref="RevealCancelRule"/>); every other layer keeps its rescale
    /// rule (Shrikumar et al.'s "DeepLIFT default" on a network of convolutions and dense layers).
    /// </summary>
    public bool RevealCancel { get; set; }

    /// <summary>True when a tap is set on <paramref name="layer"/>.</summary>
    public bool HasIntervention(int layer) => _interventions[layer] is not null;

    // ---- Plumbing for generated code. ----

    /// <summary>Shared kernel scratch.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> Scratch => _scratch;

    /// <summary>Integer tape of node <paramref name="layer"/> (e.g. pooling arg-max), batch × index size.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<int> Indices(int layer) => _indices.AsSpan(_indexOffsets[layer], _indexSizes[layer] * Batch);

    /// <summary>Activation buffer of <paramref name="layer"/> for <paramref name="batch"/> samples, before <see cref="Batch"/> is set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> ActivationFor(int layer, int batch) => _activations.AsSpan(_offsets[layer], _sizes[layer] * batch);

    /// <summary>Integer tape buffer of <paramref name="layer"/> for <paramref name="batch"/> samples.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<int> IndicesFor(int layer, int batch) => _indices.AsSpan(_indexOffsets[layer], _indexSizes[layer] * batch);

    /// <summary>Generated code: marks the tape invalid (<see cref="Batch"/> = 0) at the start of a forward pass of <paramref name="batch"/> samples; throws <see cref="ArgumentOutOfRangeException"/> unless 1 ≤ batch ≤ <see cref="MaxBatch"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void BeginForward(int batch)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The batch must be 1..{MaxBatch} for this workspace.");
        Batch = 0; // the tape is invalid until the pass completes
    }

    /// <summary>Generated code: records that a forward pass of <paramref name="batch"/> samples completed, so that backward and tangent passes may read the tape.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void EndForward(int batch) => Batch = batch;

    /// <summary>Checks that a backward or tangent pass may read the tape for <paramref name="batch"/> samples.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void RequireTape(int batch)
    {
        if (Batch == 0) throw new InvalidOperationException("No forward pass has been recorded in this workspace: call Forward first.");
        if (batch != Batch) throw new ArgumentException($"The last forward pass recorded {Batch} samples; this call asks for {batch}.", nameof(batch));
    }

    /// <summary>Applies the tap of <paramref name="layer"/>, if any, to its fresh activation.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ApplyIntervention(int layer, int batch)
    {
        if (_activeInterventions == 0) return;
        _interventions[layer]?.Apply(ActivationFor(layer, batch), batch);
    }

    /// <summary>
    /// Zeroes gradient or tangent entries of neurons a tap holds constant: replaced ones, and clamped ones whose
    /// bound is active.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void MaskDerivative(int layer, Span<T> derivative, int batch)
    {
        if (_activeInterventions == 0) return;
        _interventions[layer]?.Mask(derivative, ActivationFor(layer, batch), batch);
    }

    /// <summary>Temporary room for one node's derivative under the rescale rule; made on first use.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> RescaleBuffer(int layer, int batch)
    {
        if (_rescale is null)
        {
            int largest = 0;
            foreach (int size in _sizes) largest = Math.Max(largest, size);
            _rescale = new T[(long)largest * MaxBatch];
        }

        return _rescale.AsSpan(0, _sizes[layer] * batch);
    }

    /// <summary>
    /// Temporary room for the RevealCancel rule of one node: part 0..5 (Δz⁺, Δz⁻, the two split points, f at each),
    /// <paramref name="batch"/> × the node's size each; made on first use.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> RevealCancelBuffer(int part, int layer, int batch)
    {
        const int parts = 6;
        if ((uint)part >= parts) throw new ArgumentOutOfRangeException(nameof(part), part, $"RevealCancel uses parts 0..{parts - 1}.");
        int largest = 0;
        foreach (int size in _sizes) largest = Math.Max(largest, size);
        long stride = (long)largest * MaxBatch;
        _revealCancel ??= new T[parts * stride];
        return _revealCancel.AsSpan((int)(part * stride), _sizes[layer] * batch);
    }

    /// <summary>Gradient buffer of <paramref name="layer"/> for <paramref name="batch"/> samples (batch × size), before <see cref="Batch"/> is set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> GradientFor(int layer, int batch) => _gradients.AsSpan(_offsets[layer], _sizes[layer] * batch);

    /// <summary>Tangent buffer of <paramref name="layer"/> for <paramref name="batch"/> samples (batch × size), before <see cref="Batch"/> is set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Span<T> TangentFor(int layer, int batch) => _tangents.AsSpan(_offsets[layer], _sizes[layer] * batch);

    private sealed class Intervention(int size, int capacity)
    {
        private readonly bool[] _mask = new bool[size];
        private readonly T[] _values = new T[capacity];
        private bool _perSample;
        private InterventionKind _kind;

        public void Set(ReadOnlySpan<bool> mask, ReadOnlySpan<T> values, bool perSample, InterventionKind kind)
        {
            mask.CopyTo(_mask);
            values.CopyTo(_values);
            _perSample = perSample;
            _kind = kind;
        }

        public void Apply(Span<T> activation, int batch)
        {
            for (int b = 0; b < batch; b++)
            {
                var row = activation.Slice(b * size, size);
                var values = _values.AsSpan(_perSample ? b * size : 0, size);
                for (int i = 0; i < size; i++)
                {
                    if (!_mask[i]) continue;
                    row[i] = _kind switch
                    {
                        InterventionKind.Replace => values[i],
                        InterventionKind.ClampAbove => T.Min(row[i], values[i]),
                        _ => T.Max(row[i], values[i]),
                    };
                }
            }
        }

        public void Mask(Span<T> derivative, ReadOnlySpan<T> activation, int batch)
        {
            for (int b = 0; b < batch; b++)
            {
                var row = derivative.Slice(b * size, size);
                var act = activation.Slice(b * size, size);
                var values = _values.AsSpan(_perSample ? b * size : 0, size);
                for (int i = 0; i < size; i++)
                {
                    // A clamp is a constant only where its bound won; elsewhere the neuron passes through.
                    if (_mask[i] && (_kind == InterventionKind.Replace || act[i] == values[i])) row[i] = T.Zero;
                }
            }
        }
    }
}
