using System.Diagnostics;
using Axon.Attribution;
using Axon.IO;
using Axon.Model;
using Axon.Training;
using Axon.Samples.Fashion;

namespace Axon.Samples.Edge;

/// <summary>One filter of conv2 and its total conductance (the sum over its 14×14 positions).</summary>
internal readonly record struct FilterConductance(int Filter, double Conductance);

/// <summary>What the edge app reports for one image.</summary>
internal sealed record Explanation(
    int Predicted,
    double Probability,
    double ScoreChange,
    FilterConductance[] TopFilters,
    double ConductanceSum,
    double ConductanceDelta,
    int PatchRow,
    int PatchColumn,
    double PatchIg,
    double IgSum,
    double IgDelta,
    double ConductanceMilliseconds,
    double IgMilliseconds)
{
    public double AttributionMilliseconds => ConductanceMilliseconds + IgMilliseconds;
}

/// <summary>
/// The trained Fashion-MNIST CNN with its weights read from the assembly's embedded resource, and the two
/// attributions the edge app prints: the total conductance of conv2's filters (after its ReLU) and Integrated
/// Gradients summed over a 7×7 grid of 4×4-pixel patches — both against a black (zero) baseline with
/// Gauss–Legendre quadrature, n = 50. Buffers are made once; <see cref="Explain"/> allocates only its result.
/// </summary>
internal sealed class EdgeExplainer
{
    public const string WeightsResource = "fashion-cnn.safetensors";
    public const int Steps = 50;
    public const int PatchSize = 4;
    public const int PatchGrid = ImageFile.Width / PatchSize;
    public const int TopFilterCount = 3;

    private readonly FashionCnn _model = new();
    private readonly ModelWorkspace<float> _workspace;
    private readonly Attributor<float> _attributor;
    private readonly IntegrationOptions _options = new() { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
    private readonly float[] _logits = new float[FashionCnn.OutputSize];
    private readonly float[] _conductance;
    private readonly float[] _ig = new float[FashionCnn.InputSize];
    private readonly float[] _zero = new float[FashionCnn.InputSize];
    private readonly float[] _delta = new float[1];
    private readonly float[] _score = new float[1];
    private readonly int _filters;

    public EdgeExplainer()
    {
        LoadEmbeddedWeights(_model);
        _workspace = _model.CreateWorkspace(1);
        // One image × 50 nodes: a step batch of 50 evaluates the whole path in one chunk (about 14 MB of workspace).
        _attributor = new Attributor<float>(_model, stepBatch: Steps);
        var layer = _model.Layers[Layer];
        _filters = layer.Shape[0];
        _conductance = new float[layer.Size];
    }

    /// <summary>conv2's output after its ReLU: 16 filters × 14 × 14.</summary>
    public static int Layer => FashionCnn.LayerIndex.relu2;

    public string LayerName => _model.Layers[Layer].Name;

    public int FilterCount => _filters;

    public static int ParameterCount => FashionCnn.ParameterCount;

    public Explanation Explain(ReadOnlySpan<float> image)
    {
        _model.Forward(_workspace, image, 1, _logits);
        int predicted = SoftmaxCrossEntropy.ArgMax<float>(_logits);
        double probability = SoftmaxCrossEntropy.Probability<float>(_logits, predicted);
        var target = AttributionTarget<float>.Class(predicted);
        var zero = Baseline<float>.Zero;

        // The target is the predicted class's logit, so F(x) is already in hand; only F(0) needs a pass.
        _attributor.TargetScores(_zero, target, _score);
        double change = _logits[predicted] - _score[0];

        long start = Stopwatch.GetTimestamp();
        _attributor.LayerConductance(Layer, image, target, zero, _conductance, _options, _delta);
        double conductanceMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double conductanceDelta = _delta[0];

        start = Stopwatch.GetTimestamp();
        _attributor.IntegratedGradients(image, target, zero, _ig, _options, _delta);
        double igMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double igDelta = _delta[0];

        // Total conductance per filter: a filter's neurons are contiguous (channels first).
        int perFilter = _conductance.Length / _filters;
        var filters = new FilterConductance[_filters];
        double conductanceSum = 0;
        for (int f = 0; f < _filters; f++)
        {
            double sum = 0;
            foreach (float v in _conductance.AsSpan(f * perFilter, perFilter)) sum += v;
            filters[f] = new FilterConductance(f, sum);
            conductanceSum += sum;
        }

        // Largest first; ties (e.g. an all-black image, where every conductance is 0) by filter number.
        Array.Sort(filters, (a, b) => a.Conductance != b.Conductance ? b.Conductance.CompareTo(a.Conductance) : a.Filter.CompareTo(b.Filter));

        // IG summed over each 4×4 patch; the patch with the largest sum.
        int bestRow = 0, bestColumn = 0;
        double best = double.NegativeInfinity, igSum = 0;
        for (int pr = 0; pr < PatchGrid; pr++)
        {
            for (int pc = 0; pc < PatchGrid; pc++)
            {
                double sum = 0;
                for (int r = pr * PatchSize; r < (pr + 1) * PatchSize; r++)
                {
                    for (int c = pc * PatchSize; c < (pc + 1) * PatchSize; c++) sum += _ig[r * ImageFile.Width + c];
                }

                igSum += sum;
                if (sum > best)
                {
                    best = sum;
                    bestRow = pr;
                    bestColumn = pc;
                }
            }
        }

        return new Explanation(
            predicted, probability, change, filters[..TopFilterCount], conductanceSum, conductanceDelta,
            bestRow, bestColumn, best, igSum, igDelta, conductanceMs, igMs);
    }

    private static void LoadEmbeddedWeights(FashionCnn model)
    {
        // Manifest resources survive NativeAOT (no reflection over types): the weights are part of the binary.
        using var stream = typeof(EdgeExplainer).Assembly.GetManifestResourceStream(WeightsResource)
            ?? throw new InvalidOperationException($"The embedded resource '{WeightsResource}' is missing from {typeof(EdgeExplainer).Assembly.GetName().Name}.");
        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        ModelWeights.Load(model, content, $"{WeightsResource} (embedded)");
    }
}
