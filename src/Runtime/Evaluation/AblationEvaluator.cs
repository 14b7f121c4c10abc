using System.Diagnostics;
using Axon.Attribution;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Evaluation;

/// <summary>How well one method's filter scores agree with the filters' ablation drops (Dhamdhere et al.).</summary>
/// <param name="Method">The attribution method.</param>
/// <param name="MeanPearson">Pearson's r between scores and drops across the filters of one input, averaged over inputs (inputs where r is undefined are skipped).</param>
/// <param name="PooledPearson">Pearson's r over every (input, filter) pair.</param>
/// <param name="Inputs">Inputs that entered the mean.</param>
public sealed record AblationAgreement(string Method, double MeanPearson, double PooledPearson, int Inputs);

/// <summary>Ablation error of one method (Shrikumar et al.).</summary>
/// <param name="Method">The attribution method.</param>
/// <param name="Steps">Integration steps (0 for one-pass methods).</param>
/// <param name="MeanError">Mean over inputs of |actual output change − sum of the ablated neurons' scores|.</param>
/// <param name="MeanAbsoluteChange">Mean |actual output change|, for scale.</param>
/// <param name="MillisecondsPerInput">Wall time of the method's attribution, per input.</param>
/// <param name="Errors">Each input's |actual output change − sum of the ablated neurons' scores|, for significance tests between methods.</param>
public sealed record AblationError(string Method, int Steps, double MeanError, double MeanAbsoluteChange, double MillisecondsPerInput, IReadOnlyList<double> Errors)
{
    /// <summary>
    /// The Mann–Whitney U test of this method's per-input errors against <paramref name="other"/>'s (Shrikumar et al.'s
    /// significance test between methods); a negative Z means this method's errors tend to be smaller.
    /// </summary>
    public MannWhitneyResult CompareWith(AblationError other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MannWhitneyResult.Test(Errors.ToArray(), other.Errors.ToArray());
    }
}

/// <summary>
/// Ablation experiments on one model: replace neurons of a layer with their reference activation through a
/// Replace tap (<see cref="ModelWorkspace{T}.SetIntervention"/>) and measure the change of the target output, and
/// the two evaluations built on it — ablation agreement and ablation error.
/// </summary>
public sealed class AblationEvaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IDifferentiableModel<T> _model;
    private readonly int[] _sizes;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly int _batch;
    private AblationLane[] _lanes;

    /// <param name="model">The generated model.</param>
    /// <param name="stepBatch">Rows per model pass (0: automatic), also for the owned <see cref="Attributor{T}"/>.</param>
    public AblationEvaluator(IDifferentiableModel<T> model, int stepBatch = 0)
        : this(new Attributor<T>(model ?? throw new ArgumentNullException(nameof(model)), stepBatch), stepBatch)
    {
    }

    /// <summary>
    /// An evaluator whose scores come from <paramref name="attributor"/>, on whatever backend it runs (e.g. the GPU);
    /// the ablations themselves run on the CPU model.
    /// </summary>
    /// <param name="attributor">The engine that computes the scores.</param>
    /// <param name="ablationBatch">Rows per ablation pass (0: the engine's batch, at most 512).</param>
    public AblationEvaluator(Attributor<T> attributor, int ablationBatch = 0)
    {
        ArgumentNullException.ThrowIfNull(attributor);
        if (ablationBatch < 0) throw new ArgumentOutOfRangeException(nameof(ablationBatch), ablationBatch, "The batch must be ≥ 1, or 0 to choose automatically.");
        var model = attributor.Model;
        _model = model;
        Attributor = attributor;
        _batch = ablationBatch > 0 ? ablationBatch : Math.Min(attributor.StepBatch, 512);
        _sizes = [.. model.Layers.Select(layer => layer.Size)];
        _inputSize = model.InputSize;
        _outputSize = model.OutputSize;
        _lanes = [new AblationLane(model.CreateWorkspace(_batch), _batch * _outputSize)];
    }

    /// <summary>The engine that computes the scores.</summary>
    public Attributor<T> Attributor { get; }

    /// <summary>
    /// Filters of a layer: the channels of a [C, …] layer (a filter's score sums its spatial positions), or the
    /// neurons of a flat layer.
    /// </summary>
    public int FilterCount(LayerHandle layer)
    {
        CheckLayer(layer);
        var shape = _model.Layers[layer].Shape;
        return shape.Count >= 2 ? shape[0] : _sizes[layer];
    }

    /// <summary>Sums per-neuron scores (inputs × layer size) into per-filter scores (inputs × filters).</summary>
    public void FilterScores(LayerHandle layer, ReadOnlySpan<T> neuronScores, Span<T> filterScores)
    {
        int filters = FilterCount(layer), size = _sizes[layer], perFilter = size / filters;
        if (neuronScores.Length % size != 0) throw new ArgumentException($"'neuronScores' has {neuronScores.Length} values, not a whole number of rows of {size}.", nameof(neuronScores));
        int count = neuronScores.Length / size;
        if (filterScores.Length != count * filters) throw new ArgumentException($"'filterScores' has {filterScores.Length} values; {count} × {filters} are needed.", nameof(filterScores));
        for (int b = 0; b < count; b++)
        {
            for (int c = 0; c < filters; c++)
                filterScores[b * filters + c] = System.Numerics.Tensors.TensorPrimitives.Sum<T>(neuronScores.Slice(b * size + c * perFilter, perFilter));
        }
    }

    /// <summary>
    /// Replaces the <paramref name="neurons"/> of <paramref name="layer"/> with their activation at the baseline and
    /// writes each input's drop F(x) − F(x with the neurons ablated) into <paramref name="drops"/>.
    /// </summary>
    /// <param name="layer">A hidden layer of the model (a handle of another model is refused).</param>
    /// <param name="neurons">One flag per neuron of the layer: true = ablated.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output whose drop is measured.</param>
    /// <param name="baseline">Zero, shared or per input (a distribution has no single reference activation).</param>
    /// <param name="drops">One drop per input.</param>
    /// <param name="kind">What the ablated neurons are set to: their activation at the baseline (Shrikumar et al., the default) or zero (Dhamdhere et al.).</param>
    public void Ablate(
        LayerHandle layer, ReadOnlySpan<bool> neurons, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> drops,
        AblationKind kind = AblationKind.ToBaselineActivation)
    {
        CheckLayer(layer);
        if (neurons.Length != _sizes[layer]) throw new ArgumentException($"The mask has {neurons.Length} entries; layer {layer} has {_sizes[layer]} neurons.", nameof(neurons));
        int count = CheckInputs(inputs, target, baseline, drops.Length, 1, nameof(drops));
        var reference = AblatedValues(layer, baseline, count, kind);
        var scores = new T[count];
        Attributor.TargetScores(inputs, target, scores);
        AblatedScores(layer, neurons, reference, shared: reference.Length == _sizes[layer], inputs, target, drops);
        for (int b = 0; b < count; b++) drops[b] = scores[b] - drops[b];
    }

    /// <summary>
    /// Per-filter ablation drops (inputs × filters): each filter in turn replaced by its baseline activation, or set to zero
    /// (<paramref name="kind"/>: Dhamdhere et al. remove a filter by zeroing it).
    /// </summary>
    public void FilterAblationDrops(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> drops, AblationKind kind = AblationKind.ToBaselineActivation)
    {
        CheckLayer(layer);
        int filters = FilterCount(layer), size = _sizes[layer], perFilter = size / filters;
        int count = CheckInputs(inputs, target, baseline, drops.Length, filters, nameof(drops));
        var reference = AblatedValues(layer, baseline, count, kind);
        bool shared = reference.Length == size;
        var scores = new T[count];
        Attributor.TargetScores(inputs, target, scores);

        // Every filter is removed at the layer itself, so all below it is the same whichever filter is removed. Where the
        // network can run on from the layer alone (a cut), its clean activation is computed once per input and each
        // filter's ablated pass starts there: the same values as a whole forward with the tap, without the layers below
        // (for the Fashion CNN at relu2, both convolutions) once per filter.
        // The filters' passes are independent: they run in lanes, one per core, each with its own workspace (as the
        // attribution engine's input lanes do), rather than one after another with each pass split over the cores.
        bool fromLayer = _model.Layers[layer].IsCut;
        int chunk = fromLayer ? Math.Min(count, CleanChunk) : count;
        var clean = fromLayer ? new T[(long)chunk * size] : null;
        var byFilter = new T[(long)filters * chunk];
        int lanes = ComputePool.IsBusy ? 1 : Math.Min(ComputePool.Concurrency, filters);
        EnsureLanes(lanes);
        for (int first = 0; first < count; first += chunk)
        {
            int n = Math.Min(chunk, count - first);
            var x = inputs.Slice(first * _inputSize, n * _inputSize);
            var part = target.Slice(first, n, _outputSize);
            ReadOnlySpan<T> values = shared ? reference : reference.AsSpan(first * size, n * size);
            if (clean is not null) Attributor.LayerActivation(layer, x, clean.AsSpan(0, n * size));
            var work = new FilterLanes(this, layer, perFilter, values, shared, x, part, clean is null ? default : clean.AsSpan(0, n * size), byFilter.AsSpan(0, filters * n));
            ComputePool.ForLanes(lanes, filters, ref work);
            for (int c = 0; c < filters; c++)
                for (int b = 0; b < n; b++) drops[(first + b) * filters + c] = scores[first + b] - byFilter[c * n + b];
        }
    }

    /// <summary>The workspace, outputs and tap values of one lane of ablation passes.</summary>
    private sealed class AblationLane(ModelWorkspace<T> workspace, int outputs)
    {
        public ModelWorkspace<T> Workspace { get; } = workspace;
        public T[] Outputs { get; } = new T[outputs];
        public T[] Values = [];
        public bool[] Mask = [];
    }

    private void EnsureLanes(int lanes)
    {
        if (_lanes.Length >= lanes) return;
        int old = _lanes.Length;
        Array.Resize(ref _lanes, lanes);
        for (int i = old; i < lanes; i++) _lanes[i] = new AblationLane(_model.CreateWorkspace(_batch), _batch * _outputSize);
    }

    /// <summary>The filters of <see cref="FilterAblationDrops"/> on the lanes: one filter's ablated scores per item.</summary>
    private ref struct FilterLanes(
        AblationEvaluator<T> owner, int layer, int perFilter, ReadOnlySpan<T> values, bool shared, ReadOnlySpan<T> inputs, AttributionTarget<T> target,
        ReadOnlySpan<T> clean, Span<T> byFilter) : ILaneWork
    {
        private readonly ReadOnlySpan<T> _values = values;
        private readonly ReadOnlySpan<T> _inputs = inputs;
        private readonly AttributionTarget<T> _target = target;
        private readonly ReadOnlySpan<T> _clean = clean;
        private readonly Span<T> _byFilter = byFilter;

        public readonly void Run(int lane, int filter)
        {
            var state = owner._lanes[lane];
            int n = _inputs.Length / owner._inputSize, size = owner._sizes[layer];
            if (state.Mask.Length < size) state.Mask = new bool[size];
            var mask = state.Mask.AsSpan(0, size);
            mask.Clear();
            mask.Slice(filter * perFilter, perFilter).Fill(true);
            owner.AblatedScores(state, layer, mask, _values, shared, _inputs, _target, _byFilter.Slice(filter * n, n), _clean);
        }
    }

    /// <summary>Inputs whose clean activations <see cref="FilterAblationDrops"/> keeps at once.</summary>
    private const int CleanChunk = 1024;

    /// <summary>
    /// Ablation agreement (Dhamdhere et al.): per-filter scores of conductance, activation, gradient × activation
    /// and internal influence against the per-filter ablation drops of the target score.
    /// </summary>
    /// <param name="layer">A hidden layer with at least two filters.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">Zero, shared or per input.</param>
    /// <param name="options">Integration settings of conductance and internal influence.</param>
    /// <param name="kind">How a filter is removed for the drops: to its baseline activation (the default) or to zero (the paper's way).</param>
    public IReadOnlyList<AblationAgreement> MeasureAgreement(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, IntegrationOptions? options = null,
        AblationKind kind = AblationKind.ToBaselineActivation)
    {
        CheckLayer(layer);
        int filters = FilterCount(layer), size = _sizes[layer];
        if (filters < 2) throw new ArgumentException($"Layer {layer} has one filter; correlation across filters needs at least two.", nameof(layer));
        int count = CheckInputs(inputs, target, baseline, 0, 0, null);
        var drops = new T[count * filters];
        FilterAblationDrops(layer, inputs, target, baseline, drops, kind);
        var neuron = new T[count * size];
        var filter = new T[count * filters];
        var results = new List<AblationAgreement>();

        Attributor.LayerConductance(layer, inputs, target, baseline, neuron, options);
        results.Add(Agreement("Conductance", neuron, filter, drops, layer, count, filters));
        Attributor.LayerActivation(layer, inputs, neuron);
        results.Add(Agreement("Activation", neuron, filter, drops, layer, count, filters));
        Attributor.LayerGradientTimesActivation(layer, inputs, target, neuron);
        results.Add(Agreement("Gradient × activation", neuron, filter, drops, layer, count, filters));
        Attributor.InternalInfluence(layer, inputs, target, baseline, neuron, options);
        results.Add(Agreement("Internal influence", neuron, filter, drops, layer, count, filters));
        return results;
    }

    /// <summary>
    /// Ablation error (Shrikumar et al.): per input, the <paramref name="fraction"/> of neurons of
    /// <paramref name="layer"/> whose activation moved most from the reference are replaced by their reference
    /// activation; the error is |actual change of the target − sum of those neurons' scores|, averaged over inputs.
    /// Methods: conductance with n = 10 and n = 100 (<paramref name="rule"/>), DeepLIFT rescale, DeepLIFT with
    /// RevealCancel on dense layers and rescale elsewhere, and gradient × difference from the reference, each with
    /// its runtime.
    /// </summary>
    public IReadOnlyList<AblationError> MeasureAblationError(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, double fraction = 0.1, IntegrationRule rule = IntegrationRule.GaussLegendre)
    {
        CheckLayer(layer);
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of neurons to ablate must be in (0, 1].");
        int count = CheckInputs(inputs, target, baseline, 0, 0, null);
        int size = _sizes[layer];
        int k = Math.Max(1, (int)Math.Round(fraction * size));
        var reference = ReferenceActivations(layer, baseline, count);
        bool shared = reference.Length == size;
        var activation = new T[count * size];
        Attributor.LayerActivation(layer, inputs, activation);

        // Per input, the k neurons that moved most; the ablated activation holds the reference there.
        var chosen = new int[count * k];
        var ablatedActivation = (T[])activation.Clone();
        var order = new int[size];
        var moved = new double[size];
        for (int b = 0; b < count; b++)
        {
            for (int j = 0; j < size; j++)
            {
                T r = shared ? reference[j] : reference[b * size + j];
                moved[j] = double.CreateChecked(T.Abs(activation[b * size + j] - r));
                order[j] = j;
            }

            Array.Sort((double[])moved.Clone(), order);
            for (int i = 0; i < k; i++)
            {
                int j = order[size - 1 - i];
                chosen[b * k + i] = j;
                ablatedActivation[b * size + j] = shared ? reference[j] : reference[b * size + j];
            }
        }

        // Replacing every neuron by its (partly ablated) own activation ablates a different set per input.
        var scores = new T[count];
        var ablated = new T[count];
        Attributor.TargetScores(inputs, target, scores);
        var all = new bool[size];
        all.AsSpan().Fill(true);
        AblatedScores(layer, all, ablatedActivation, shared: false, inputs, target, ablated);
        var change = new double[count];
        double meanChange = 0;
        for (int b = 0; b < count; b++)
        {
            change[b] = double.CreateChecked(scores[b] - ablated[b]);
            meanChange += Math.Abs(change[b]) / count;
        }

        var results = new List<AblationError>();
        var attributions = new T[count * size];
        var stopwatch = new Stopwatch();
        foreach (int steps in new[] { 10, 100 })
        {
            var options = new IntegrationOptions { Rule = rule, Steps = steps };
            stopwatch.Restart();
            Attributor.LayerConductance(layer, inputs, target, baseline, attributions, options);
            string nodes = rule == IntegrationRule.GaussLegendre ? $"Gauss–Legendre, {steps} nodes" : $"{rule}, n = {steps}";
            results.Add(Error($"Conductance ({nodes})", steps, stopwatch, attributions, chosen, change, meanChange, count, size, k));

            // Shrikumar et al.'s equation 7: the gradient at x⁽ⁱ⁾ times y(x⁽ⁱ⁾) − y(x⁽ⁱ⁻¹⁾), i = 1..n: n intervals, n + 1 points.
            var difference = new IntegrationOptions { Rule = IntegrationRule.RiemannRight, Steps = steps, PathForm = LayerPathForm.Difference };
            stopwatch.Restart();
            Attributor.LayerConductance(layer, inputs, target, baseline, attributions, difference);
            results.Add(Error($"Neuron IG, eq. 7 difference form ({steps} intervals, {steps + 1} points)", steps, stopwatch, attributions, chosen, change, meanChange, count, size, k));
        }

        stopwatch.Restart();
        Attributor.DeepLift(layer, inputs, target, baseline, attributions);
        results.Add(Error("DeepLIFT rescale", 0, stopwatch, attributions, chosen, change, meanChange, count, size, k));

        // Shrikumar et al.'s "DeepLIFT default": RevealCancel after dense layers, rescale on convolutions.
        stopwatch.Restart();
        Attributor.DeepLiftRevealCancel(layer, inputs, target, baseline, attributions);
        results.Add(Error("DeepLIFT RevealCancel (dense), rescale (conv)", 0, stopwatch, attributions, chosen, change, meanChange, count, size, k));
        stopwatch.Restart();
        Attributor.LayerGradientTimesDelta(layer, inputs, target, baseline, attributions);
        results.Add(Error("Gradient × difference", 0, stopwatch, attributions, chosen, change, meanChange, count, size, k));
        return results;
    }

    private static AblationError Error(string method, int steps, Stopwatch stopwatch, T[] attributions, int[] chosen, double[] change, double meanChange, int count, int size, int k)
    {
        stopwatch.Stop();
        double error = 0;
        var errors = new double[count];
        for (int b = 0; b < count; b++)
        {
            double sum = 0;
            for (int i = 0; i < k; i++) sum += double.CreateChecked(attributions[b * size + chosen[b * k + i]]);
            errors[b] = Math.Abs(change[b] - sum);
            error += errors[b] / count;
        }

        return new AblationError(method, steps, error, meanChange, stopwatch.Elapsed.TotalMilliseconds / count, errors);
    }

    private AblationAgreement Agreement(string method, T[] neuron, T[] filter, T[] drops, int layer, int count, int filters)
    {
        FilterScores(layer, neuron, filter);
        double sum = 0;
        int used = 0;
        for (int b = 0; b < count; b++)
        {
            double r = Correlation.Pearson<T>(filter.AsSpan(b * filters, filters), drops.AsSpan(b * filters, filters));
            if (double.IsNaN(r)) continue;
            sum += r;
            used++;
        }

        double pooled = count * filters >= 2 ? Correlation.Pearson<T>(filter, drops) : double.NaN;
        return new AblationAgreement(method, used > 0 ? sum / used : double.NaN, pooled, used);
    }

    /// <summary>
    /// The target scores with <paramref name="mask"/>'s neurons of <paramref name="layer"/> replaced by <paramref name="values"/>
    /// (one shared row, or one row per input), by whole passes on the first lane.
    /// </summary>
    private void AblatedScores(int layer, ReadOnlySpan<bool> mask, ReadOnlySpan<T> values, bool shared, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> scores) =>
        AblatedScores(_lanes[0], layer, mask, values, shared, inputs, target, scores, default);

    /// <summary>
    /// The same on <paramref name="lane"/>. With <paramref name="clean"/> (the inputs' activations at the layer, which must be
    /// a cut) each pass starts at the layer instead of the input: the tap applies there the same way.
    /// </summary>
    private void AblatedScores(AblationLane lane, int layer, ReadOnlySpan<bool> mask, ReadOnlySpan<T> values, bool shared, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> scores, ReadOnlySpan<T> clean)
    {
        int size = _sizes[layer], count = inputs.Length / _inputSize;
        var ws = lane.Workspace;
        try
        {
            if (shared) ws.SetIntervention(layer, mask, values, InterventionKind.Replace);
            if (!shared && lane.Values.Length < size * _batch) lane.Values = new T[size * _batch];
            var perSample = shared ? default : lane.Values.AsSpan(0, size * _batch);
            for (int first = 0; first < count; first += _batch)
            {
                int rows = Math.Min(_batch, count - first);
                if (!shared)
                {
                    values.Slice(first * size, rows * size).CopyTo(perSample);
                    ws.SetIntervention(layer, mask, perSample, InterventionKind.Replace);
                }

                var outputs = lane.Outputs.AsSpan(0, rows * _outputSize);
                if (clean.IsEmpty) _model.Forward(ws, inputs.Slice(first * _inputSize, rows * _inputSize), rows, outputs);
                else _model.ForwardFrom(ws, layer, clean.Slice(first * size, rows * size), rows, outputs);
                for (int r = 0; r < rows; r++) scores[first + r] = target.Evaluate(first + r, outputs.Slice(r * _outputSize, _outputSize));
            }
        }
        finally
        {
            ws.ClearIntervention(layer);
        }
    }

    /// <summary>What ablated neurons are set to: zeros (one shared row), or the baseline activation.</summary>
    private T[] AblatedValues(int layer, Baseline<T> baseline, int count, AblationKind kind) => kind switch
    {
        AblationKind.ToZero => new T[_sizes[layer]],
        AblationKind.ToBaselineActivation => ReferenceActivations(layer, baseline, count),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown ablation kind."),
    };

    /// <summary>The layer's activation at the baseline: one row (zero, shared) or one per input.</summary>
    private T[] ReferenceActivations(int layer, Baseline<T> baseline, int count)
    {
        int size = _sizes[layer];
        switch (baseline.Kind)
        {
            case BaselineKind.Zero:
            case BaselineKind.Shared:
                {
                    var input = baseline.Kind == BaselineKind.Zero ? new T[_inputSize] : baseline.Row(0, _inputSize).ToArray();
                    var row = new T[size];
                    Attributor.LayerActivation(layer, input, row);
                    return row;
                }

            case BaselineKind.PerInput:
                {
                    var rows = new T[count * size];
                    Attributor.LayerActivation(layer, baseline.Values, rows);
                    return rows;
                }

            default:
                throw new ArgumentException("Ablation replaces neurons by one reference activation per input: use a zero, shared or per-input baseline, not a distribution.", nameof(baseline));
        }
    }

    private int CheckInputs(ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, int resultLength, int perInput, string? resultName)
    {
        if (inputs.IsEmpty) throw new ArgumentException("No inputs were given.", nameof(inputs));
        if (inputs.Length % _inputSize != 0) throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole number of inputs of {_inputSize}.", nameof(inputs));
        ModelGuard.CheckFinite(inputs, _inputSize, nameof(inputs));
        int count = inputs.Length / _inputSize;
        target.Validate(count, _outputSize, nameof(target));
        baseline.Validate(count, _inputSize, nameof(baseline));
        if (baseline.Kind == BaselineKind.Set) throw new ArgumentException("Ablation replaces neurons by one reference activation per input: use a zero, shared or per-input baseline, not a distribution.", nameof(baseline));
        if (resultName is not null && resultLength != count * perInput)
            throw new ArgumentException($"'{resultName}' has {resultLength} values; {count} input(s) × {perInput} need {count * perInput}.", resultName);
        return count;
    }

    private void CheckLayer(LayerHandle layer)
    {
        layer.Resolve(_model, nameof(layer));
        if (layer == 0) throw new ArgumentException("Layer 0 is the input; ablation acts on a hidden layer.", nameof(layer));
    }
}

/// <summary>What an ablated neuron or filter is set to.</summary>
public enum AblationKind
{
    /// <summary>Its activation at the baseline input (Shrikumar et al.'s ablation; zero when the baseline activation is zero).</summary>
    ToBaselineActivation,

    /// <summary>Zero (Dhamdhere et al.'s removal of a filter).</summary>
    ToZero,
}
