using System.Diagnostics;
using Axon.Attribution;
using Axon.Evaluation;
using Axon.Training;

namespace Axon.Samples.Fashion;

/// <summary>One conv filter's total conductance and the drop of the target score when it is ablated.</summary>
internal sealed record FilterScore(int Filter, double Conductance, double AblationDrop);

/// <summary>
/// Everything the main job reports for one image. <paramref name="ConductanceDeltaIsCompletenessGap"/>: whether the
/// scored layer is a cut, so that conductance's delta is the completeness gap (and equals IG's by construction);
/// otherwise it is only the quadrature rule's error. <paramref name="Milliseconds"/>: the wall-clock time of the
/// whole analysis, after the analyzer's warm-up.
/// </summary>
internal sealed record ImageAnalysis(
    int SourceIndex,
    int Label,
    int Predicted,
    double Confidence,
    float[] Image,
    float[] IgMap,
    double IgDelta,
    double ConductanceDelta,
    int IgSteps,
    int ConductanceSteps,
    bool ConductanceDeltaIsCompletenessGap,
    double TargetChange,
    FilterScore[] Filters,
    IReadOnlyList<(int Filter, float[] Map)> PatchMaps,
    double Milliseconds)
{
    /// <summary>The conductance maps of the top filters over the 28×28 pixels (each the sum of its neurons' maps).</summary>
    public IReadOnlyList<(int Filter, float[] Map)> FilterMaps { get; init; } = [];
}

/// <summary>
/// Explains one prediction of the Fashion-MNIST CNN against a black baseline: Integrated Gradients on the pixels and
/// the total conductance of every filter of the second convolution block (after its ReLU), both from one path pass
/// (layer conductance over [input, relu2]: the input's conductance is IG), each filter's ablation
/// drop, the patch IG of the top filters over a 7×7 grid of 4×4-pixel patches, and the top filters' conductance maps
/// over the pixels (every neuron's map in one call, on its receptive-field window).
/// </summary>
internal sealed class ImageAnalyzer
{
    public const int PatchGrid = 7;
    private const int PatchSize = 4;

    private readonly FashionCnn _model;
    private readonly Attributor<float> _attributor;
    private readonly AblationEvaluator<float> _evaluator;
    private readonly IntegrationOptions _options;
    private readonly IntegrationOptions _patchOptions;
    private readonly InputRegion[] _regions;
    private readonly float[] _logits = new float[FashionCnn.OutputSize];
    private readonly float[] _ig = new float[FashionCnn.InputSize];
    private readonly float[] _conductance;
    private readonly float[] _onePass;
    private readonly float[] _gaps = new float[2];
    private readonly float[] _filterConductance;
    private readonly float[] _drops;
    private readonly float[] _patch;
    private readonly float[] _delta = new float[1];
    private readonly float[] _baselineScore = new float[1];
    private readonly float[] _black = new float[FashionCnn.InputSize];
    private readonly Axon.Model.ModelWorkspace<float> _workspace;

    public ImageAnalyzer(FashionCnn model, int steps, double tolerance, int topFilters, Attributor<float>? attributor = null)
    {
        _model = model;
        _evaluator = attributor is null ? new AblationEvaluator<float>(model) : new AblationEvaluator<float>(attributor);
        _workspace = model.CreateWorkspace(1);
        _attributor = _evaluator.Attributor;
        _options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = steps, Tolerance = tolerance, MaxSteps = Math.Max(steps, 800) };
        _patchOptions = _options with { Tolerance = 0 };
        TopFilters = topFilters;
        Layer = PathLayers[1];
        FilterCount = _evaluator.FilterCount(Layer);
        int size = model.Layers[Layer].Size;
        _conductance = new float[size];
        _onePass = new float[FashionCnn.InputSize + size];
        _filterConductance = new float[FilterCount];
        _drops = new float[FilterCount];
        _regions = new InputRegion[PatchGrid * PatchGrid];
        for (int r = 0; r < PatchGrid; r++)
        {
            for (int c = 0; c < PatchGrid; c++) _regions[r * PatchGrid + c] = InputRegion.Rectangle(r * PatchSize, c * PatchSize, PatchSize, PatchSize);
        }

        _patch = new float[_regions.Length * size];
        _mapLayout = _attributor.MapLayout(Layer);
        _maps = new float[_mapLayout.Length];
    }

    private readonly ConductanceMapLayout _mapLayout;
    private readonly float[] _maps;

    public FashionCnn Model => _model;

    public AblationEvaluator<float> Evaluator => _evaluator;

    public int LayerSize => _conductance.Length;

    /// <summary>The layer whose filters are scored.</summary>
    public int Layer { get; }

    /// <summary>
    /// The nodes one path pass explains: the input, whose conductance is Integrated Gradients, and <see cref="Layer"/>.
    /// Layer conductance over this list gives each image's IG and then the layer's conductances, with each block's
    /// completeness gap, from the same path points.
    /// </summary>
    public Axon.Model.LayerHandle[] PathLayers { get; } = [FashionCnn.LayerIndex.input, FashionCnn.LayerIndex.relu2];

    public string LayerName => _model.Layers[Layer].Name;

    public int FilterCount { get; }

    public int TopFilters { get; }

    public int Steps => _options.Steps;

    public double Tolerance => _options.Tolerance;

    /// <summary>
    /// What the attributions measure: the target is the predicted class's logit (the model's output), so every
    /// attribution is a share of its change F(x) − F(baseline).
    /// </summary>
    public const string AttributionUnit = "Δ logit of the predicted class";

    /// <summary>
    /// How long the untimed warm-up took: the first <see cref="Analyze"/> runs the whole analysis once before the
    /// timed one, so JIT compilation and first-touch allocations do not count in the first image's time. Null
    /// until then.
    /// </summary>
    public double? WarmUpMilliseconds { get; private set; }

    /// <summary>
    /// Explains one image. The first call first runs the same analysis once untimed (see
    /// <see cref="WarmUpMilliseconds"/>), so every reported time is a warm one.
    /// </summary>
    public ImageAnalysis Analyze(ReadOnlySpan<float> image, int label, int sourceIndex)
    {
        if (WarmUpMilliseconds is null)
        {
            var warmUp = Stopwatch.StartNew();
            Run(image, label, sourceIndex);
            WarmUpMilliseconds = warmUp.Elapsed.TotalMilliseconds;
        }

        return Run(image, label, sourceIndex);
    }

    private ImageAnalysis Run(ReadOnlySpan<float> image, int label, int sourceIndex)
    {
        var watch = Stopwatch.StartNew();
        _model.Forward(_workspace, image, 1, _logits);
        int predicted = SoftmaxCrossEntropy.ArgMax<float>(_logits);
        double confidence = SoftmaxCrossEntropy.Probability<float>(_logits, predicted);
        var target = AttributionTarget<float>.Class(predicted);
        var zero = Baseline<float>.Zero;

        // The target is the predicted class's logit, so F(x) is already in hand; only F(baseline) needs a pass.
        _attributor.TargetScores(_black, target, _baselineScore);
        double change = _logits[predicted] - _baselineScore[0];

        // IG and the layer's conductance from one pass; each block's completeness gap is its delta (IG's is always its
        // quadrature error; the layer's is when it is a cut, and otherwise the pass's quadrature error is).
        var run = PathRun.Of(_attributor.LayerConductance(PathLayers, image, target, zero, _onePass, _options, _delta, _gaps));
        _onePass.AsSpan(0, FashionCnn.InputSize).CopyTo(_ig);
        _onePass.AsSpan(FashionCnn.InputSize).CopyTo(_conductance);
        double igDelta = _gaps[0];
        double conductanceDelta = run.DeltaIsCompletenessGap ? _gaps[1] : _delta[0];
        _evaluator.FilterScores(Layer, _conductance, _filterConductance);
        _evaluator.FilterAblationDrops(Layer, image, target, zero, _drops);
        var filters = Enumerable.Range(0, FilterCount)
            .Select(f => new FilterScore(f, _filterConductance[f], _drops[f]))
            .OrderByDescending(f => f.Conductance)
            .ToArray();

        // Patch IG runs one tangent per region and step: fixed n keeps its cost predictable.
        _attributor.PatchIntegratedGradients(Layer, _regions, image, target, zero, _patch, _patchOptions);
        int size = _conductance.Length, perFilter = size / FilterCount;
        var maps = new List<(int, float[])>();
        foreach (var filter in filters.Take(TopFilters))
        {
            var map = new float[_regions.Length];
            for (int r = 0; r < _regions.Length; r++)
            {
                double sum = 0;
                var row = _patch.AsSpan(r * size + filter.Filter * perFilter, perFilter);
                foreach (float v in row) sum += v;
                map[r] = (float)sum;
            }

            maps.Add((filter.Filter, map));
        }

        // Every neuron's conductance map of the layer in one call (fixed n, like patch IG); a filter's map is their sum.
        _attributor.NeuronConductanceMaps(Layer, image, target, zero, _maps, _patchOptions);
        var view = new ConductanceMapView<float>(_mapLayout, _maps);
        var filterMaps = new List<(int, float[])>();
        foreach (var filter in filters.Take(TopFilters))
        {
            var map = new float[FashionCnn.InputSize];
            view.Filter(filter.Filter, map);
            filterMaps.Add((filter.Filter, map));
        }

        return new ImageAnalysis(sourceIndex, label, predicted, confidence, image.ToArray(), (float[])_ig.Clone(), igDelta, conductanceDelta, run.Steps, run.Steps, run.DeltaIsCompletenessGap, change, filters, maps, watch.Elapsed.TotalMilliseconds)
        {
            FilterMaps = filterMaps,
        };
    }
}
