using Axon.Attribution;
using Axon.Model;

namespace Axon.Benchmarks.Reference;

/// <summary>
/// A sequential network of <see cref="ReferenceLayer"/>s with its activations, gradients and tangents preallocated
/// for up to <see cref="MaxBatch"/> rows: the plain implementation that the benchmarks compare Axon against.
/// </summary>
internal sealed class ReferenceNetwork
{
    private readonly ReferenceLayer[] _layers;
    private readonly float[][] _activations; // [0] input, [i + 1] output of layer i
    private readonly float[][] _gradients;
    private readonly float[][] _tangents;

    public ReferenceNetwork(int maxBatch, params ReferenceLayer[] layers)
    {
        for (int i = 1; i < layers.Length; i++)
        {
            if (layers[i].InputSize != layers[i - 1].OutputSize)
                throw new ArgumentException($"Layer '{layers[i].Name}' takes {layers[i].InputSize} values; '{layers[i - 1].Name}' gives {layers[i - 1].OutputSize}.", nameof(layers));
        }

        MaxBatch = maxBatch;
        _layers = layers;
        int nodes = layers.Length + 1;
        _activations = new float[nodes][];
        _gradients = new float[nodes][];
        _tangents = new float[nodes][];
        for (int i = 0; i < nodes; i++)
        {
            int size = i == 0 ? layers[0].InputSize : layers[i - 1].OutputSize;
            _activations[i] = new float[maxBatch * size];
            _gradients[i] = new float[maxBatch * size];
            _tangents[i] = new float[maxBatch * size];
        }
    }

    public int MaxBatch { get; }

    public int InputSize => _layers[0].InputSize;

    public int OutputSize => _layers[^1].OutputSize;

    /// <summary>The Fashion-MNIST CNN of samples/FashionModel, written out by hand.</summary>
    public static ReferenceNetwork FashionCnn(int maxBatch) => new(
        maxBatch,
        new ReferenceConv2d("conv1", 1, 8, 3, 1, 28, 28),
        new ReferenceReLU("relu1", 8 * 28 * 28),
        new ReferenceMaxPool2d("pool1", 8, 28, 28, maxBatch),
        new ReferenceConv2d("conv2", 8, 16, 3, 1, 14, 14),
        new ReferenceReLU("relu2", 16 * 14 * 14),
        new ReferenceMaxPool2d("pool2", 16, 14, 14, maxBatch),
        new ReferenceDense("fc1", 784, 64), // flatten is the identity on this layout
        new ReferenceReLU("relu3", 64),
        new ReferenceDense("fc2", 64, 10));

    /// <summary>The MLP 784 → 256 → 128 → 10 with ReLU (<see cref="Mlp"/>), written out by hand.</summary>
    public static ReferenceNetwork Mlp(int maxBatch) => new(
        maxBatch,
        new ReferenceDense("fc1", 784, 256),
        new ReferenceReLU("relu1", 256),
        new ReferenceDense("fc2", 256, 128),
        new ReferenceReLU("relu2", 128),
        new ReferenceDense("fc3", 128, 10));

    /// <summary>Copies the parameters of a generated model by their PyTorch names ("fc1.weight").</summary>
    public void CopyParametersFrom(IDifferentiableModel<float> model)
    {
        foreach (var layer in _layers)
        {
            Copy(model, layer.Weight, $"{layer.Name}.weight");
            Copy(model, layer.Bias, $"{layer.Name}.bias");
        }

        static void Copy(IDifferentiableModel<float> model, float[]? destination, string name)
        {
            if (destination is null) return;
            var info = model.ParameterTensors.FirstOrDefault(p => p.Name == name)
                ?? throw new InvalidOperationException($"The model '{model.Name}' has no parameter '{name}'.");
            if (info.Length != destination.Length) throw new InvalidOperationException($"'{name}' has {info.Length} values; the reference needs {destination.Length}.");
            model.Parameters.Slice(info.Offset, info.Length).CopyTo(destination);
        }
    }

    /// <summary>The parameter gradients by PyTorch name.</summary>
    public IEnumerable<(string Name, float[] Gradient)> ParameterGradients()
    {
        foreach (var layer in _layers)
        {
            if (layer.WeightGradient is { } w) yield return ($"{layer.Name}.weight", w);
            if (layer.BiasGradient is { } b) yield return ($"{layer.Name}.bias", b);
        }
    }

    public void ClearParameterGradients()
    {
        foreach (var (_, gradient) in ParameterGradients()) Array.Clear(gradient);
    }

    public void Forward(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        CheckBatch(batch);
        input[..(batch * InputSize)].CopyTo(_activations[0]);
        for (int i = 0; i < _layers.Length; i++) _layers[i].Forward(_activations[i], _activations[i + 1], batch);
        _activations[^1].AsSpan(0, batch * OutputSize).CopyTo(output);
    }

    /// <summary>
    /// Reverse mode over the last <see cref="Forward"/>: the input gradient of the output weighting
    /// <paramref name="outputGradient"/>, and with <paramref name="parameterGradients"/> the parameter gradients
    /// added to <see cref="ParameterGradients"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<float> outputGradient, int batch, bool parameterGradients, Span<float> inputGradient)
    {
        CheckBatch(batch);
        outputGradient[..(batch * OutputSize)].CopyTo(_gradients[^1]);
        for (int i = _layers.Length - 1; i >= 0; i--)
            _layers[i].Backward(_activations[i], _activations[i + 1], _gradients[i + 1], _gradients[i], batch, parameterGradients);
        _gradients[0].AsSpan(0, batch * InputSize).CopyTo(inputGradient);
    }

    /// <summary>Forward mode over the last <see cref="Forward"/>: the output tangent along <paramref name="inputTangent"/>.</summary>
    public void Tangent(ReadOnlySpan<float> inputTangent, int batch, Span<float> outputTangent)
    {
        CheckBatch(batch);
        inputTangent[..(batch * InputSize)].CopyTo(_tangents[0]);
        for (int i = 0; i < _layers.Length; i++) _layers[i].Tangent(_activations[i], _tangents[i], _tangents[i + 1], batch);
        _tangents[^1].AsSpan(0, batch * OutputSize).CopyTo(outputTangent);
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"The reference holds 1..{MaxBatch} rows.");
    }
}

/// <summary>
/// Integrated Gradients written plainly on a <see cref="ReferenceNetwork"/>, against a zero baseline: for each
/// input, the <see cref="Steps"/> Gauss–Legendre points αₖx go through one forward and one backward (input gradient
/// only) as one batch, and IGᵢ = xᵢ · Σₖ wₖ ∂F/∂xᵢ(αₖx).
/// </summary>
internal sealed class ReferenceIntegratedGradients
{
    private readonly ReferenceNetwork _network;
    private readonly double[] _nodes;
    private readonly double[] _weights;
    private readonly float[] _points;
    private readonly float[] _outputs;
    private readonly float[] _seed;
    private readonly float[] _gradients;

    public ReferenceIntegratedGradients(ReferenceNetwork network, int steps)
    {
        if (network.MaxBatch < steps) throw new ArgumentException($"The network must hold {steps} rows.", nameof(network));
        _network = network;
        Steps = steps;
        _nodes = new double[steps];
        _weights = new double[steps];
        Quadrature.GetNodes(IntegrationRule.GaussLegendre, steps, _nodes, _weights);
        _points = new float[steps * network.InputSize];
        _outputs = new float[steps * network.OutputSize];
        _seed = new float[steps * network.OutputSize];
        _gradients = new float[steps * network.InputSize];
    }

    public int Steps { get; }

    public void Compute(ReadOnlySpan<float> inputs, int targetClass, Span<float> attributions)
    {
        int n = _network.InputSize, m = _network.OutputSize, count = inputs.Length / n;
        Array.Clear(_seed);
        for (int k = 0; k < Steps; k++) _seed[k * m + targetClass] = (float)_weights[k];
        for (int b = 0; b < count; b++)
        {
            var x = inputs.Slice(b * n, n);
            for (int k = 0; k < Steps; k++)
            {
                float alpha = (float)_nodes[k];
                for (int i = 0; i < n; i++) _points[k * n + i] = alpha * x[i];
            }

            _network.Forward(_points, Steps, _outputs);
            _network.Backward(_seed, Steps, parameterGradients: false, _gradients);
            var result = attributions.Slice(b * n, n);
            for (int i = 0; i < n; i++)
            {
                float sum = 0;
                for (int k = 0; k < Steps; k++) sum += _gradients[k * n + i];
                result[i] = x[i] * sum;
            }
        }
    }
}
