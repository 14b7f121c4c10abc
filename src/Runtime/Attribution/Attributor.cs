using System.Numerics.Tensors;
using Axon.Attribution.Backends;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// The attribution engine of one model: Integrated Gradients, layer and neuron conductance, patch IG, internal
/// influence and the comparison methods (activation, gradient × activation, gradient × difference, DeepLIFT
/// rescale), written once against <see cref="IDifferentiableModel{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every path method evaluates the model at γ(αₖ) = x′ + αₖ(x − x′) for each input (and each baseline of a
/// distribution) and each node αₖ of the integration rule. These evaluations are laid out as batch rows —
/// inputs × baselines × steps — and streamed through the workspace in chunks of <see cref="StepBatch"/> rows with
/// running sums, so the heavy work is large matrix products and memory stays bounded by the chunk.
/// </para>
/// <para>
/// When the network starts with affine operations (dense, convolution, flatten, average pooling, …) up to a node A
/// that every path crosses, y_A moves linearly along the path, so the engine integrates at A and runs the prefix
/// once per path instead of once per step (<see cref="AffinePrefix"/>, <see cref="UseAffinePrefix"/>); the results
/// are the same to rounding. For a CNN that skips the first convolution at every step, for an MLP the widest
/// matrix product. Where only ReLUs and a max pooling lie between A and the next linear layer L, the engine also follows
/// each path's activation pattern there and keeps L's output as α·U + V, updated only at the pooling windows whose
/// winner changed (<see cref="PatternLayer"/>, <see cref="UsePatternTracking"/>): for the Fashion CNN, relu1, pool1 and
/// conv2 no longer run at every step. The results are the same to rounding.
/// </para>
/// <para>
/// A call with several inputs runs them in lanes, one per core (<see cref="InputLanes"/>): child engines that each run
/// whole inputs on their own thread; per input the results are those of one lane.
/// </para>
/// <para>
/// The engine owns its workspaces and buffers; they grow on first use and are reused, so repeated calls with the
/// same sizes allocate nothing. An engine is not thread-safe: use one per thread; a call made while another is
/// running (from another thread, or re-entered from a callback) throws <see cref="InvalidOperationException"/>
/// instead of corrupting both. Arguments are checked before anything runs: a bad one throws and leaves the results
/// and the engine unchanged. Results are computed in the engine's buffers and copied out only when finite, so a
/// finite input that overflows inside the network fails the same way, with nothing written.
/// </para>
/// <para>
/// Every path method can return the quadrature error per input: Q[dF/dα] − (F(x) − F̄(x′)), the error of the rule on
/// the path integral ∫₀¹ dF(γ(α))/dα dα that all these methods decompose. For IG, and for layer conductance on a layer
/// that is a cut (<see cref="LayerInfo.IsCut"/>), Q[dF/dα] is exactly Σ attributions, so it is also the completeness gap
/// Σ attributions − (F(x) − F̄(x′)); <see cref="AttributionReport.Completeness"/> says which applies, and layer
/// conductance returns the completeness gap under its own name. Where the attributions do not sum to it (neuron
/// conductance of a few neurons, patch IG of one region, layers that paths bypass) dF/dα is computed by one extra
/// tangent pass per step, only when an error is asked for.
/// </para>
/// </remarks>
public sealed partial class Attributor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// When the step batch is chosen automatically, the largest layer's activations for one chunk should stay
    /// within about half of a core's L2 cache: element-wise layers and pooling are bound by memory traffic, and
    /// measured on the Fashion-MNIST CNN, 16–24 rows ran about 1.5–2× faster than 183 (a 48 MiB workspace).
    /// </summary>
    private const long AutomaticLayerBytes = 512L << 10;

    private readonly IDifferentiableModel<T> _model;
    private readonly IPathBackend<T> _backend;
    private readonly LayerInfo[] _layers;
    private readonly int[] _sizes; // LayerInfo.Size enumerates the shape: read it once
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly int _last;
    private CpuPathBackend<T>? _host;
    private ModelWorkspace<T>? _referenceWorkspace;

    // Per-chunk host staging (StepBatch rows each): row descriptors and seeds go to the backend; outputs come back.
    private readonly PathRow<T>[] _rows;
    private readonly T[] _seeds;       // output weighting × quadrature weight
    private readonly T[] _outputs;
    private readonly T[] _referenceOutputs;
    private readonly int[] _rowInput;

    // Grow-only buffers.
    private double[] _alpha = new double[64];
    private double[] _weight = new double[64];
    private double[] _deltaWeight = new double[64];
    private T[] _masked = [];
    private T[] _layerSeed = [];
    private T[] _regionIndicators = [];
    private T[] _inputValue = [];
    private T[] _referenceValue = [];
    private T[] _deltaScratch = [];
    private T[] _passResult = [];
    private T[] _passSums = [];
    private int[] _active = [];
    private T[] _difference = [];
    private int[] _draws = [];
    private int[] _layerList = new int[4];
    private int[] _layerOffsets = new int[4];
    private T[] _selectionWeights = [];

    /// <summary>Creates the engine on the CPU backend (the generated model's SIMD code).</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="stepBatch">
    /// Rows (inputs × steps) per chunk; 0 picks one so that the largest layer of a chunk takes about 512 KiB (16 to 512 rows).
    /// Larger chunks make larger matrix products and take more memory.
    /// </param>
    public Attributor(IDifferentiableModel<T> model, int stepBatch = 0)
        : this(new CpuPathBackend<T>(model ?? throw new ArgumentNullException(nameof(model)), ChooseStepBatch(model, stepBatch)))
    {
    }

    /// <summary>
    /// Creates the engine on <paramref name="backend"/>: the same methods, recipes and checks, with the rows and the
    /// passes where the backend keeps them (e.g. <c>Axon.Gpu.GpuPathBackend</c> for the GPU). Chunks are the backend's capacity.
    /// </summary>
    public Attributor(IPathBackend<T> backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var model = backend.Model;
        _backend = backend;
        _host = backend as CpuPathBackend<T>;
        _model = model;
        _layers = [.. model.Layers];
        if (_layers.Length < 2) throw new ArgumentException("The model has no layers.", nameof(backend));
        _sizes = [.. _layers.Select(layer => layer.Size)];
        _tokenEmbedding = FindTokenEmbedding(_layers);
        // A token model's paths start at its embedding's output: there the prefix machinery integrates (below it, ids).
        _prefix = _tokenEmbedding > 0 ? _tokenEmbedding : FindAffinePrefix(_layers);
        if (_tokenEmbedding == 0)
        {
            FindSliceEmbedding();
            _patternPlan = PatternPlan<T>.TryCreate(_layers, model.ParameterTensors, _prefix);
        }
        _inputSize = model.InputSize;
        _outputSize = model.OutputSize;
        _last = _layers.Length - 1;
        int stepBatch = backend.Capacity;
        StepBatch = stepBatch;
        _rows = new PathRow<T>[stepBatch];
        _seeds = new T[stepBatch * _outputSize];
        _outputs = new T[stepBatch * _outputSize];
        _referenceOutputs = new T[stepBatch * _outputSize];
        _rowInput = new int[stepBatch];
    }

    private static int ChooseStepBatch(IDifferentiableModel<T> model, int stepBatch)
    {
        if (stepBatch < 0) throw new ArgumentOutOfRangeException(nameof(stepBatch), stepBatch, "The step batch must be ≥ 1, or 0 to choose automatically.");
        if (stepBatch > 0) return stepBatch;
        long largest = 0;
        foreach (var layer in model.Layers) largest = Math.Max(largest, layer.Size);
        long perRow = largest * Unsafe.SizeOf<T>();
        return (int)Math.Clamp(AutomaticLayerBytes / Math.Max(1, perRow), 16, 512);
    }

    /// <summary>The backend the path methods run on.</summary>
    public IPathBackend<T> Backend => _backend;

    /// <summary>
    /// The CPU rows for what runs on the CPU whatever the backend — the affine prefix (CPU backend only) and the
    /// non-path methods (activation, gradient × activation, DeepLIFT): the backend itself when it is the CPU one.
    /// </summary>
    private CpuPathBackend<T> Host => _host ??= new CpuPathBackend<T>(_model, Math.Min(StepBatch, ChooseStepBatch(_model, 0)));

    private ModelWorkspace<T> HostWorkspace => Host.Workspace;

    private int HostBatch => Host.Capacity;

    /// <summary>The model this engine attributes.</summary>
    public IDifferentiableModel<T> Model => _model;

    /// <summary>Rows per chunk: the batch of every model pass this engine makes.</summary>
    public int StepBatch { get; }

    // ---------------------------------------------------------------------------------------------------------
    // Path methods
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Integrated Gradients on the input: IGᵢ = (xᵢ − x′ᵢ)·∫₀¹ ∂F/∂xᵢ(γ(α)) dα, per input
    /// (<paramref name="attributions"/>: inputs × InputSize). One forward and one backward per step.
    /// </summary>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained (class or output weighting).</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × InputSize results.</param>
    /// <param name="options">Rule, steps and adaptive mode; <see cref="IntegrationOptions.Default"/> when null.</param>
    /// <param name="quadratureErrors">
    /// Empty, or one value per input: Q[dF/dα] − (F(x) − F(x′)), the rule's error on the path integral. For IG it is also the
    /// completeness gap Σ attributions − (F(x) − F(x′)).
    /// </param>
    /// <param name="multiplyByInputs">
    /// False gives the global form ∫₀¹ ∂F/∂xᵢ(γ(α)) dα, not multiplied by x − x′ (Captum's multiply_by_inputs = False; internal
    /// influence at the input). [Fixed] inputs get 0 there too. Not on token models, whose ids have no gradient.
    /// </param>
    public AttributionReport IntegratedGradients(
        ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool multiplyByInputs = true)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            if (!multiplyByInputs) RefuseGlobalOnTokens("IntegratedGradients");
            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            CheckResultLength(attributions.Length, count, _inputSize, nameof(attributions));
            var call = new PathCall(inputs, target, baseline, count, _inputSize, attributions, quadratureErrors)
            {
                Method = multiplyByInputs ? PathMethod.Gradient : PathMethod.Influence,
                ZeroFixed = !multiplyByInputs,
            };
            return RunPath(ref call, options);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Layer conductance (layer Integrated Gradients): the total conductance of every neuron y of
    /// <paramref name="layer"/>, Cond^y = ∫₀¹ ∂F/∂y(γ(α)) · dy(γ(α))/dα dα (<paramref name="attributions"/>:
    /// inputs × layer size). With the default tangent form each step costs one forward, one backward to the layer
    /// and one tangent to the layer — never one pass per input feature. On a cut layer the values sum to
    /// F(x) − F(x′) up to the quadrature error.
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="options">Rule, steps and adaptive mode; <see cref="IntegrationOptions.Default"/> when null.</param>
    /// <param name="quadratureErrors">Empty, or one value per input.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (F(x) − F(x′)) per input.</param>
    /// <param name="attributeToLayerInput">The conductance of the layer's input node instead of its output.</param>
    public AttributionReport LayerConductance(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, Span<T> completenessGaps = default, bool attributeToLayerInput = false)
    {
        ReadOnlySpan<int> layers = [LayerSide(layer, attributeToLayerInput, nameof(layer))];
        return LayerConductance(layers, inputs, target, baseline, attributions, options, quadratureErrors, completenessGaps);
    }

    /// <summary>
    /// Layer conductance of several layers, given as the model's handles (each checked to belong to the model); see the
    /// index overload.
    /// </summary>
    public AttributionReport LayerConductance(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, Span<T> completenessGaps = default)
    {
        // On the stack: a scratch field could be overwritten by a concurrent call before that call is refused.
        Span<int> indices = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
        for (int i = 0; i < layers.Length; i++) indices[i] = CheckLayer(layers[i], nameof(layers));
        return LayerConductance(indices, inputs, target, baseline, attributions, options, quadratureErrors, completenessGaps);
    }

    /// <summary>
    /// Layer conductance of several layers in one pass (one forward, one backward to the lowest, one tangent to the
    /// highest per step). Each input's results are the layers' conductances one after the other, in the order given
    /// (<paramref name="attributions"/>: inputs × Σ layer sizes).
    /// </summary>
    /// <remarks>
    /// Node 0, the input, may be listed: its conductance is Integrated Gradients, so [0, L] gives IG and the conductance
    /// of L from the same path points in one pass, at about the cost of L's conductance alone (the main job's test set:
    /// IG and relu2). Each block equals its one-layer call to rounding. <paramref name="quadratureErrors"/> is the rule's
    /// error on the path integral, Q[dF/dα] − (F(x) − F(x′)), one per input for all the blocks (with the input listed, IG's);
    /// <paramref name="completenessGaps"/> gives each block's Σ − (F(x) − F(x′)), which for IG and for a cut layer equals, to
    /// rounding, what its one-layer call returns as its quadrature error.
    /// </remarks>
    public AttributionReport LayerConductance(
        ReadOnlySpan<int> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, Span<T> completenessGaps = default)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            int total = 0;
            foreach (int layer in layers)
            {
                CheckLayer(layer, nameof(layers));
                total += _sizes[layer];
            }

            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            if (options.PathForm == LayerPathForm.Difference && options.Rule is not (IntegrationRule.RiemannLeft or IntegrationRule.RiemannRight or IntegrationRule.RiemannTrapezoid))
            {
                throw new ArgumentException(
                    $"The difference form needs a grid rule (RiemannLeft, RiemannRight or RiemannTrapezoid); {options.Rule} has none. Use the tangent form.", nameof(options));
            }

            CheckResultLength(attributions.Length, count, total, nameof(attributions));
            if (!completenessGaps.IsEmpty && completenessGaps.Length != (long)count * layers.Length)
            {
                throw new ArgumentException(
                    $"'completenessGaps' has {completenessGaps.Length} values; give one per input and layer ({count} × {layers.Length}) or none.", nameof(completenessGaps));
            }

            SetLayers(layers);
            var call = new PathCall(inputs, target, baseline, count, total, attributions, quadratureErrors)
            {
                Gaps = completenessGaps,
                Method = PathMethod.Conductance,
                LayerCount = layers.Length,
                Difference = options.PathForm == LayerPathForm.Difference,
            };
            return RunPath(ref call, options);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Neuron conductance of one neuron (flat index within the layer); see the set overload.</summary>
    public AttributionReport NeuronConductance(
        LayerHandle layer, int neuron, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default)
    {
        ReadOnlySpan<int> neurons = [neuron];
        return NeuronConductance(layer, neurons, inputs, target, baseline, attributions, multiplyByInputs: true, options, quadratureErrors);
    }

    /// <summary>
    /// Neuron conductance of one neuron, or with <paramref name="multiplyByInputs"/> false its global form (Captum's
    /// multiply_by_inputs = False); see the set overload.
    /// </summary>
    public AttributionReport NeuronConductance(
        LayerHandle layer, int neuron, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, bool multiplyByInputs,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default)
    {
        ReadOnlySpan<int> neurons = [neuron];
        return NeuronConductance(layer, neurons, inputs, target, baseline, attributions, multiplyByInputs, options, quadratureErrors);
    }

    /// <summary>Neuron conductance of a set of neurons; see the overload with <c>multiplyByInputs</c>.</summary>
    public AttributionReport NeuronConductance(
        LayerHandle layer, ReadOnlySpan<int> neurons, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default)
        => NeuronConductance(layer, neurons, inputs, target, baseline, attributions, multiplyByInputs: true, options, quadratureErrors);

    /// <summary>
    /// Neuron conductance: the conductance of every input feature i through the selected neurons S of
    /// <paramref name="layer"/>, (xᵢ − x′ᵢ)·∫₀¹ Σ_{j∈S} ∂F/∂y_j · ∂y_j/∂xᵢ dα (<paramref name="attributions"/>:
    /// inputs × InputSize). Summed over i it is the total conductance of S (at every node of the rule, so to
    /// rounding). Each step is one forward, one backward to the layer (g = ∂F/∂y) and one reverse pass seeded at the
    /// layer with g ⊙ 1_S down to the input — together one full backward. With <paramref name="multiplyByInputs"/> false it
    /// gives the global form ∫₀¹ Σ_{j∈S} ∂F/∂y_j · ∂y_j/∂xᵢ dα (Captum's multiply_by_inputs = False), [Fixed] inputs 0; not on
    /// token models, nor with the exact rule.
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="neurons">The selected neurons S (flat indices within the layer; at least one).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × InputSize results.</param>
    /// <param name="multiplyByInputs">False: the global form, not multiplied by x − x′.</param>
    /// <param name="options">Rule, steps and adaptive mode; <see cref="IntegrationOptions.Default"/> when null.</param>
    /// <param name="quadratureErrors">Empty, or one value per input.</param>
    public AttributionReport NeuronConductance(
        LayerHandle layer, ReadOnlySpan<int> neurons, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        bool multiplyByInputs, IntegrationOptions? options = null, Span<T> quadratureErrors = default)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            CheckLayer(layer, nameof(layer));
            if (!multiplyByInputs)
            {
                RefuseGlobalOnTokens("NeuronConductance");
                if (options.Rule == IntegrationRule.Exact && layer != 0)
                    throw new ArgumentException("The global form of neuron conductance is not available with the exact rule; give a quadrature rule.", nameof(options));
            }

            int size = _sizes[layer];
            if (neurons.IsEmpty) throw new ArgumentException("Select at least one neuron.", nameof(neurons));
            foreach (int j in neurons)
            {
                if ((uint)j >= (uint)size)
                    throw new ArgumentOutOfRangeException(nameof(neurons), j, $"Layer {layer} ('{_layers[layer].Name}') has neurons 0..{size - 1}.");
            }

            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            CheckResultLength(attributions.Length, count, _inputSize, nameof(attributions));
            var selection = Grow(ref _selectionWeights, size);
            selection.Clear();
            foreach (int j in neurons) selection[j] = T.One;
            var call = new PathCall(inputs, target, baseline, count, _inputSize, attributions, quadratureErrors)
            {
                // Through input neurons, the global form is internal influence at the input restricted to the selection.
                Method = layer == 0 ? (multiplyByInputs ? PathMethod.Gradient : PathMethod.Influence) : PathMethod.Neuron,
                Layer = layer,
                SelectInputs = layer == 0,
                Global = !multiplyByInputs,
                ZeroFixed = !multiplyByInputs,
            };
            return RunPath(ref call, options);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Patch Integrated Gradients through the neurons of <paramref name="layer"/>: for every region S and neuron j,
    /// IG_{S,j} = ∫₀¹ ∂F/∂y_j(γ) · (J_y(γ)·((x − x′)⊙1_S))_j dα (<paramref name="attributions"/>: inputs × regions ×
    /// layer size). The bracket is one tangent pass along the masked direction per region and step, for every j
    /// at once; the forward and backward are shared by all regions. Over a partition of the input the regions sum
    /// to the layer conductance.
    /// </summary>
    public AttributionReport PatchIntegratedGradients(
        LayerHandle layer, ReadOnlySpan<InputRegion> regions, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            CheckLayer(layer, nameof(layer));
            if (regions.IsEmpty) throw new ArgumentException("Give at least one region.", nameof(regions));
            PathLimits.CheckRegions(regions.Length, _inputSize, _sizes[layer], nameof(regions));
            for (int q = 0; q < regions.Length; q++) regions[q].Validate(_layers[0].Shape, _inputSize, q, nameof(regions));
            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            int size = _sizes[layer];
            CheckResultLength(attributions.Length, count, (long)regions.Length * size, nameof(attributions));
            var indicators = Grow(ref _regionIndicators, regions.Length * _inputSize);
            for (int q = 0; q < regions.Length; q++) regions[q].Fill(indicators.Slice(q * _inputSize, _inputSize), _layers[0].Shape);
            var call = new PathCall(inputs, target, baseline, count, regions.Length * size, attributions, quadratureErrors)
            {
                Method = PathMethod.Patch,
                Layer = layer,
                RegionCount = regions.Length,
            };
            return RunPath(ref call, options);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Internal influence (Leino et al.): ∫₀¹ ∂F/∂y(γ(α)) dα for every neuron y of <paramref name="layer"/>
    /// (<paramref name="attributions"/>: inputs × layer size). One forward and one backward to the layer per step.
    /// </summary>
    /// <param name="layer">The layer (node 0: IntegratedGradients without the multiplication by x − x′).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="options">Rule, steps and adaptive mode; <see cref="IntegrationOptions.Default"/> when null.</param>
    /// <param name="quadratureErrors">Empty, or one value per input.</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    public AttributionReport InternalInfluence(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool attributeToLayerInput = false)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            int node = LayerSide(layer, attributeToLayerInput, nameof(layer));
            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            CheckResultLength(attributions.Length, count, _sizes[node], nameof(attributions));
            var call = new PathCall(inputs, target, baseline, count, _sizes[node], attributions, quadratureErrors)
            {
                Method = PathMethod.Influence,
                Layer = node,
            };
            return RunPath(ref call, options);
        }
        finally
        {
            Exit();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Validation
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Checks what every path method takes; returns the number of inputs.</summary>
    /// <param name="inputs">inputs × InputSize values, all finite.</param>
    /// <param name="target">The output explained, checked against the inputs and the output size.</param>
    /// <param name="baseline">Checked against the inputs and the input size.</param>
    /// <param name="options">The integration settings.</param>
    /// <param name="quadratureErrors">Empty, or one value per input.</param>
    /// <param name="nodesPerPath">Model evaluations per path: the rule's nodes (from <paramref name="options"/>) when 0.</param>
    /// <param name="perInputName">The caller's name for <paramref name="quadratureErrors"/>, for the message.</param>
    /// <remarks>
    /// On a model with [Fixed] inputs, <paramref name="baseline"/> comes back as the one the path runs with: one
    /// baseline per input, with the fixed slices taken from the input (see <see cref="PinFixedInputs"/>).
    /// </remarks>
    private int ValidateCommon(ReadOnlySpan<T> inputs, AttributionTarget<T> target, ref Baseline<T> baseline, IntegrationOptions options, Span<T> quadratureErrors, int nodesPerPath = 0, string perInputName = "quadratureErrors")
    {
        int count = ValidateCommonUnpinned(inputs, target, baseline, options, quadratureErrors, nodesPerPath, perInputName);
        baseline = PinFixedInputs(inputs, baseline, count);
        return count;
    }

    /// <summary>
    /// <see cref="ValidateCommon(ReadOnlySpan{T}, AttributionTarget{T}, ref Baseline{T}, IntegrationOptions, Span{T}, int, string)"/>
    /// for a method that interpolates every input as given: it refuses a model with [Fixed] inputs.
    /// </summary>
    private int ValidateCommon(ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, IntegrationOptions options, Span<T> quadratureErrors, int nodesPerPath = 0, string perInputName = "quadratureErrors")
    {
        RefuseFixedInputs("NeuronConductanceMaps", "it interpolates every input value; use NeuronConductance, which keeps them fixed");
        return ValidateCommonUnpinned(inputs, target, baseline, options, quadratureErrors, nodesPerPath, perInputName);
    }

    private int ValidateCommonUnpinned(ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, IntegrationOptions options, Span<T> quadratureErrors, int nodesPerPath, string perInputName)
    {
        int count = ValidateInputs(inputs);
        target.Validate(count, _outputSize, nameof(target));
        baseline.Validate(count, _inputSize, nameof(baseline));
        options.Validate(nameof(options));
        PathLimits.CheckPaths(count, baseline.PathsPerInput(_inputSize), nodesPerPath > 0 ? nodesPerPath : PathLimits.Nodes(options));
        if (!quadratureErrors.IsEmpty && quadratureErrors.Length != count)
            throw new ArgumentException($"'{perInputName}' has {quadratureErrors.Length} values; give one per input ({count}) or none.", perInputName);
        return count;
    }

    private int ValidateInputs(ReadOnlySpan<T> inputs)
    {
        if (inputs.IsEmpty) throw new ArgumentException("No inputs were given.", nameof(inputs));
        if (inputs.Length % _inputSize != 0)
            throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole number of inputs of {_inputSize}.", nameof(inputs));
        ModelGuard.CheckFinite(inputs, _inputSize, nameof(inputs));
        CheckParameters();
        return inputs.Length / _inputSize;
    }

    /// <summary>The handle's index, once it is known to be a layer of this engine's model.</summary>
    private int CheckLayer(LayerHandle layer, string parameterName) => layer.Resolve(_model, parameterName);

    private static void CheckResultLength(int length, int count, long perInput, string parameterName)
    {
        if (length != count * perInput)
            throw new ArgumentException($"'{parameterName}' has {length} values; {count} input(s) × {perInput} need {count * perInput}.", parameterName);
    }

    private void SetLayers(ReadOnlySpan<int> layers)
    {
        if (_layerList.Length < layers.Length)
        {
            _layerList = new int[layers.Length];
            _layerOffsets = new int[layers.Length];
        }

        int offset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            _layerList[i] = layers[i];
            _layerOffsets[i] = offset;
            offset += _sizes[layers[i]];
        }
    }

    private ModelWorkspace<T> ReferenceWorkspace => _referenceWorkspace ??= _model.CreateWorkspace(HostBatch);

    private Span<T> Row(Span<T> rows, int row, int size) => rows.Slice(row * size, size);

    private static T FromDouble(double value) => T.CreateChecked(value);

    private static void AddScaled(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> accumulator) => PathStreams<T>.MultiplyAdd(x, y, accumulator);

    /// <summary>|error| / max(|change|, tiny): every relative error and gap the engine reports.</summary>
    private static double Relative(T error, T change) =>
        double.CreateChecked(T.Abs(error)) / Math.Max(double.CreateChecked(T.Abs(change)), 1e-30);

    /// <summary>The baseline row x′ into <paramref name="row"/> (zeros for the zero baseline, whose row is empty).</summary>
    private static void CopyBaseline(ReadOnlySpan<T> reference, Span<T> row)
    {
        if (reference.IsEmpty) row.Clear();
        else reference.CopyTo(row);
    }

    /// <summary>The path point x′ + α·(x − x′) from the direction x − x′ (x′ empty: the zero baseline).</summary>
    private static void PathPoint(ReadOnlySpan<T> reference, ReadOnlySpan<T> direction, T alpha, Span<T> point)
    {
        if (reference.IsEmpty) TensorPrimitives.Multiply(direction, alpha, point);
        else TensorPrimitives.FusedMultiplyAdd(direction, alpha, reference, point);
    }
}
