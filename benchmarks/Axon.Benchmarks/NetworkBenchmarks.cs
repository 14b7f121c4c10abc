using Axon.Attribution;
using Axon.Benchmarks.Reference;
using Axon.Model;
using Axon.Samples.Fashion;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Axon.Benchmarks;

/// <summary>The operations benchmarked; each is a BenchmarkDotNet category, and the reference is its baseline.</summary>
public static class Operation
{
    public const string Forward = "Forward";
    public const string ForwardBackward = "Forward+Backward";
    public const string Jvp = "JVP";
    public const string IntegratedGradients = "IG";
    public const string LayerConductance = "LayerCond";
    public const string NeuronConductance = "NeuronCond";
    public const string PatchIntegratedGradients = "PatchIG";
}

/// <summary>
/// One network's benchmarks, batch 1 and 64: the generated forward pass, forward + backward (input and parameter
/// gradients), forward + tangent (JVP), and the attribution engine's IG, layer conductance, neuron conductance and
/// patch IG (Gauss–Legendre, n = 50, zero baseline, class 0), beside a plain hand-written reference of the same
/// network (<see cref="ReferenceNetwork"/>) for the first four. Buffers are made in the setup, so the measured calls
/// allocate nothing (the Allocated column).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public abstract class NetworkBenchmarks
{
    public const int Steps = 50;
    public const int MaxBatch = 64;
    private const int TargetClass = 0;

    private IDifferentiableModel<float> _model = null!;
    private ModelWorkspace<float> _workspace = null!;
    private Attributor<float> _attributor = null!;
    private ReferenceNetwork _reference = null!;
    private ReferenceIntegratedGradients _referenceIg = null!;
    private readonly IntegrationOptions _options = new() { Rule = IntegrationRule.GaussLegendre, Steps = Steps };
    private InputRegion[] _regions = [];
    private float[] _input = [];
    private float[] _output = [];
    private float[] _seed = [];
    private float[] _tangent = [];
    private float[] _inputGradient = [];
    private float[] _parameterGradient = [];
    private float[] _attributions = [];
    private float[] _layerAttributions = [];
    private float[] _patchAttributions = [];

    [Params(1, MaxBatch)]
    public int Batch { get; set; }

    /// <summary>The network's name in the summary.</summary>
    public abstract string Network { get; }

    /// <summary>A new instance of the generated model (parameters: PyTorch's default initialisation, seed 1).</summary>
    public abstract IDifferentiableModel<float> CreateModel();

    /// <summary>The hand-written reference of the same network.</summary>
    internal abstract ReferenceNetwork CreateReference(int maxBatch);

    /// <summary>The layer whose conductance, neuron conductance and patch IG are measured.</summary>
    public abstract int AttributedLayer { get; }

    /// <summary>The neuron of <see cref="AttributedLayer"/> whose neuron conductance is measured.</summary>
    public abstract int AttributedNeuron { get; }

    /// <summary>The input regions of patch IG (16 per network).</summary>
    public abstract InputRegion[] CreateRegions();

    /// <summary>Nominal work per call, for the GFLOP/s column.</summary>
    public NetworkCost Cost()
    {
        var model = CreateModel();
        return new NetworkCost(model, AttributedLayer, CreateRegions().Length, Steps);
    }

    [GlobalSetup]
    public void Setup()
    {
        _model = CreateModel();
        _workspace = _model.CreateWorkspace(MaxBatch);
        _attributor = new Attributor<float>(_model);
        _reference = CreateReference(Math.Max(MaxBatch, Steps));
        _reference.CopyParametersFrom(_model);
        _referenceIg = new ReferenceIntegratedGradients(_reference, Steps);
        _regions = CreateRegions();
        int n = _model.InputSize, m = _model.OutputSize, layer = _model.Layers[AttributedLayer].Size;
        var random = new Random(42);
        _input = new float[MaxBatch * n];
        for (int i = 0; i < _input.Length; i++) _input[i] = random.NextSingle();
        _tangent = new float[MaxBatch * n];
        for (int i = 0; i < _tangent.Length; i++) _tangent[i] = random.NextSingle() - 0.5f;
        _output = new float[MaxBatch * m];
        _seed = new float[MaxBatch * m];
        for (int b = 0; b < MaxBatch; b++) _seed[b * m + TargetClass] = 1;
        _inputGradient = new float[MaxBatch * n];
        _parameterGradient = new float[_model.Parameters.Length];
        _attributions = new float[MaxBatch * n];
        _layerAttributions = new float[MaxBatch * layer];
        _patchAttributions = new float[MaxBatch * _regions.Length * layer];
    }

    private ReadOnlySpan<float> Inputs => _input.AsSpan(0, Batch * _model.InputSize);

    private Span<float> Outputs => _output.AsSpan(0, Batch * _model.OutputSize);

    private ReadOnlySpan<float> Seeds => _seed.AsSpan(0, Batch * _model.OutputSize);

    // ---------------------------------------------------------------------------------------------------------
    // Generated code
    // ---------------------------------------------------------------------------------------------------------

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.Forward)]
    public void Forward() => _model.Forward(_workspace, Inputs, Batch, Outputs);

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.ForwardBackward)]
    public void ForwardBackward()
    {
        _model.Forward(_workspace, Inputs, Batch, Outputs);
        _model.Backward(_workspace, Seeds, Batch, 0, _parameterGradient);
    }

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.Jvp)]
    public void Jvp()
    {
        _model.Forward(_workspace, Inputs, Batch, Outputs);
        _model.Tangent(_workspace, _tangent.AsSpan(0, Batch * _model.InputSize), Batch);
    }

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.IntegratedGradients)]
    public AttributionReport IntegratedGradients() =>
        _attributor.IntegratedGradients(Inputs, TargetClass, Baseline<float>.Zero, _attributions.AsSpan(0, Inputs.Length), _options);

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.LayerConductance)]
    public AttributionReport LayerConductance() =>
        _attributor.LayerConductance(AttributedLayer, Inputs, TargetClass, Baseline<float>.Zero, LayerResults, _options);

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.NeuronConductance)]
    public AttributionReport NeuronConductance() =>
        _attributor.NeuronConductance(AttributedLayer, AttributedNeuron, Inputs, TargetClass, Baseline<float>.Zero, _attributions.AsSpan(0, Inputs.Length), _options);

    [Benchmark(Description = "Axon"), BenchmarkCategory(Operation.PatchIntegratedGradients)]
    public AttributionReport PatchIntegratedGradients() =>
        _attributor.PatchIntegratedGradients(AttributedLayer, _regions, Inputs, TargetClass, Baseline<float>.Zero,
            _patchAttributions.AsSpan(0, Batch * _regions.Length * _model.Layers[AttributedLayer].Size), _options);

    private Span<float> LayerResults => _layerAttributions.AsSpan(0, Batch * _model.Layers[AttributedLayer].Size);

    // ---------------------------------------------------------------------------------------------------------
    // Plain reference (the baseline of each category)
    // ---------------------------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "Reference"), BenchmarkCategory(Operation.Forward)]
    public void ReferenceForward() => _reference.Forward(Inputs, Batch, Outputs);

    [Benchmark(Baseline = true, Description = "Reference"), BenchmarkCategory(Operation.ForwardBackward)]
    public void ReferenceForwardBackward()
    {
        _reference.Forward(Inputs, Batch, Outputs);
        _reference.Backward(Seeds, Batch, parameterGradients: true, _inputGradient);
    }

    [Benchmark(Baseline = true, Description = "Reference"), BenchmarkCategory(Operation.Jvp)]
    public void ReferenceJvp()
    {
        _reference.Forward(Inputs, Batch, Outputs);
        _reference.Tangent(_tangent.AsSpan(0, Batch * _model.InputSize), Batch, _output);
    }

    [Benchmark(Baseline = true, Description = "Reference"), BenchmarkCategory(Operation.IntegratedGradients)]
    public void ReferenceIntegratedGradients() => _referenceIg.Compute(Inputs, TargetClass, _attributions.AsSpan(0, Inputs.Length));
}

/// <summary>The dense network: attributions at relu1 (256 neurons); patch IG over 16 runs of 49 inputs.</summary>
public class MlpBenchmarks : NetworkBenchmarks
{
    public override string Network => "MLP 784-256-128-10";

    public override IDifferentiableModel<float> CreateModel()
    {
        var model = new Mlp();
        model.ResetParameters(seed: 1);
        return model;
    }

    internal override ReferenceNetwork CreateReference(int maxBatch) => ReferenceNetwork.Mlp(maxBatch);

    public override int AttributedLayer => Mlp.LayerIndex.relu1;

    public override int AttributedNeuron => 17;

    public override InputRegion[] CreateRegions() => [.. Enumerable.Range(0, 16).Select(q => InputRegion.Range(q * 49, 49))];
}

/// <summary>The Fashion-MNIST CNN: attributions at relu2 (16×14×14); patch IG over a 4×4 grid of 7×7 patches.</summary>
public class CnnBenchmarks : NetworkBenchmarks
{
    public override string Network => "FashionCnn";

    public override IDifferentiableModel<float> CreateModel()
    {
        var model = new FashionCnn();
        model.ResetParameters(seed: 1);
        return model;
    }

    internal override ReferenceNetwork CreateReference(int maxBatch) => ReferenceNetwork.FashionCnn(maxBatch);

    public override int AttributedLayer => FashionCnn.LayerIndex.relu2;

    public override int AttributedNeuron => 3 * 196 + 7 * 14 + 7; // filter 3, centre

    public override InputRegion[] CreateRegions() =>
        [.. Enumerable.Range(0, 16).Select(q => InputRegion.Rectangle(q / 4 * 7, q % 4 * 7, 7, 7))];
}
