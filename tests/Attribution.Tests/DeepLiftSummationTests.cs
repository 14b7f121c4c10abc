using Axon.Attribution.Tests.Generated;
using Axon.Model;
using Xunit.Abstractions;

namespace Axon.Attribution.Tests;

/// <summary>
/// DeepLIFT's summation-to-delta, Σ attributions = F(x) − F(x′), for every layer type, against F evaluated by plain
/// forward passes of the model (not the attributor's own scores), with random inputs and random baselines.
/// </summary>
public sealed class DeepLiftSummationTests(ITestOutputHelper output)
{
    /// <summary>Double rounding through a handful of layers; the defect this guards against was ~50 % of ΔF.</summary>
    private const double Tolerance = 1e-10;

    private const int Count = 5;

    private static readonly Dictionary<string, Func<IDifferentiableModel<double>>> Models = new()
    {
        ["dense"] = () => new DlDense(),
        ["conv1d"] = () => new DlConv1d(),
        ["conv2d"] = () => new DlConv2d(),
        ["max-pool"] = () => new DlMaxPool(),
        ["avg-pool"] = () => new DlAvgPool(),
        ["global avg pool"] = () => new DlGlobalAvgPool(),
        ["max-over-time"] = () => new DlMaxOverTime(),
        ["batch norm"] = () => new DlBatchNorm(),
        ["residual"] = () => new DlResidual(),
        ["concat"] = () => new DlConcat(),
        ["subtraction"] = () => new DlSubtract(),
        ["constant factor"] = () => new DlScale(),
        ["gating"] = () => new DlGating(),
        ["channels"] = () => new DlChannels(),
        ["relu"] = () => new DlRelu(),
        ["leaky relu"] = () => new DlLeakyRelu(),
        ["sigmoid"] = () => new DlSigmoid(),
        ["tanh"] = () => new DlTanh(),
        ["gelu"] = () => new DlGelu(),
        ["softplus"] = () => new DlSoftplus(),
        ["custom activation"] = () => new DlCustomActivation(),
        ["softmax"] = () => new DlSoftmax(),
        ["log-softmax"] = () => new DlLogSoftmax(),
        ["embedding"] = () => new DlEmbedding(),
        ["padded max-pool"] = () => new DlPaddedMaxPool(),
        ["padded avg-pool"] = () => new DlPaddedAvgPool(),
        ["grouped conv2d"] = () => new DlGroupedConv(),
        ["transposed conv2d and upsampling"] = () => new DlDecoder(),
        ["lstm"] = () => new DlLstm(),
        ["gru"] = () => new DlGru(),
    };

    public static TheoryData<string> LayerTypes => new(Models.Keys);

    [Theory]
    [MemberData(nameof(LayerTypes))]
    public void AttributionsSumToTheChangeOfTheOutputThroughEveryLayerType(string layerType)
    {
        var model = Randomised(Models[layerType](), layerType.Length);
        bool tokens = layerType == "embedding";
        var x = tokens ? TokenIds(Count, model.InputSize, 1) : BruteForce.RandomVector(Count * model.InputSize, 2, 2);
        var shared = tokens ? TokenIds(1, model.InputSize, 3) : BruteForce.RandomVector(model.InputSize, 4, 1.5);
        var perInput = tokens ? TokenIds(Count, model.InputSize, 5) : BruteForce.RandomVector(Count * model.InputSize, 6, 1.5);
        var engine = new Attributor<double>(model, stepBatch: 3); // batches of 3 and 2: the reference is shared and per-row
        int target = model.OutputSize - 1;

        // Token ids receive no multipliers, so the embedding model is explained from the embedding's output on.
        int firstLayer = tokens ? 1 : 0;
        var cuts = model.Layers.Where(l => l.Index >= firstLayer && l.IsCut).Select(l => l.Index).ToArray();
        Assert.Contains(cuts, layer => model.Layers[layer].Kind != Axon.Model.LayerKind.Input);
        foreach (var (baseline, baselineRows, kind) in new[] { (shared, 1, "shared"), (perInput, Count, "per-input") })
        {
            var change = OutputChange(model, x, baseline, baselineRows, target);
            Assert.True(change.Max(Math.Abs) > 1e-3, $"{layerType}: the baseline barely moves F; the check would be weak");
            foreach (int layer in cuts)
            {
                int width = model.Layers[layer].Size;
                var attributions = new double[Count * width];
                var deltas = new double[Count];
                var chosen = kind == "shared" ? Baseline<double>.Shared(baseline) : Baseline<double>.PerInput(baseline);
                engine.DeepLift(layer, x, target, chosen, attributions, deltas);
                for (int b = 0; b < Count; b++)
                {
                    double sum = Check.Sum(attributions.AsSpan(b * width, width));
                    string what = $"{layerType}, {kind} baseline, layer {model.Layers[layer].Name}, input {b}";
                    Check.Close(change[b], sum, Tolerance, what + ": Σ DeepLIFT = F(x) − F(x′)");
                    Check.Close(sum - change[b], deltas[b], Tolerance, what + ": reported delta");
                }
            }
        }
    }

    [Fact]
    public void ARandomCnnWithARandomBaselineLosesNothingThroughMaxPooling()
    {
        var cnn = new DeepLiftCnn();
        cnn.ResetParameters(2026); // PyTorch's default initialisation, as an untrained network has
        IDifferentiableModel<double> model = cnn;
        const int count = 16;
        var images = BruteForce.RandomVector(count * model.InputSize, 7, 1).Select(v => (v + 1) / 2).ToArray();
        var baselines = BruteForce.RandomVector(count * model.InputSize, 8, 1).Select(v => (v + 1) / 2).ToArray();
        var targets = Enumerable.Range(0, count).Select(b => b % model.OutputSize).ToArray();
        var engine = new Attributor<double>(model);
        var attributions = new double[count * model.InputSize];
        var deltas = new double[count];
        engine.DeepLift(0, images, AttributionTarget<double>.Classes(targets), Baseline<double>.PerInput(baselines), attributions, deltas);

        var outputs = Outputs(model, images, count);
        var referenceOutputs = Outputs(model, baselines, count);
        double worst = 0, total = 0;
        for (int b = 0; b < count; b++)
        {
            double change = outputs[b * model.OutputSize + targets[b]] - referenceOutputs[b * model.OutputSize + targets[b]];
            double error = Check.Sum(attributions.AsSpan(b * model.InputSize, model.InputSize)) - change;
            Assert.True(Math.Abs(change) > 1e-4, $"input {b}: ΔF = {change} is too small to test against");
            worst = Math.Max(worst, Math.Abs(error) / Math.Abs(change));
            total += Math.Abs(error) / Math.Abs(change);
            Assert.True(Math.Abs(error - deltas[b]) <= 1e-12 * Math.Abs(change), $"input {b}: reported delta {deltas[b]} vs {error}");
        }

        output.WriteLine($"random CNN, random baseline: |Σ DeepLIFT − ΔF| / |ΔF| max {worst:E3}, mean {total / count:E3}");
        Assert.True(worst < 1e-12, $"summation-to-delta error {worst:E3} of ΔF");
    }

    [Fact]
    public void TheRandomCnnInFloatLosesOnlyRounding()
    {
        var model = new DeepLiftCnnFloat();
        model.ResetParameters(2026);
        const int count = 16, size = DeepLiftCnnFloat.InputSize, classes = DeepLiftCnnFloat.OutputSize;
        var images = BruteForce.RandomVector(count * size, 7, 1).Select(v => (float)((v + 1) / 2)).ToArray();
        var baselines = BruteForce.RandomVector(count * size, 8, 1).Select(v => (float)((v + 1) / 2)).ToArray();
        var targets = Enumerable.Range(0, count).Select(b => b % classes).ToArray();
        var attributions = new float[count * size];
        new Attributor<float>(model).DeepLift(0, images, AttributionTarget<float>.Classes(targets), Baseline<float>.PerInput(baselines), attributions);

        // F in double from the float parameters, so the reference values carry no float rounding of their own.
        var twin = new DeepLiftCnn();
        for (int i = 0; i < model.Parameters.Length; i++) twin.Parameters[i] = model.Parameters[i];
        var outputs = Outputs(twin, images.Select(v => (double)v).ToArray(), count);
        var referenceOutputs = Outputs(twin, baselines.Select(v => (double)v).ToArray(), count);
        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            double change = outputs[b * classes + targets[b]] - referenceOutputs[b * classes + targets[b]];
            double sum = 0;
            foreach (float a in attributions.AsSpan(b * size, size)) sum += a;
            worst = Math.Max(worst, Math.Abs(sum - change) / Math.Abs(change));
        }

        output.WriteLine($"random CNN in float: max |Σ DeepLIFT − ΔF| / |ΔF| = {worst:E3}");
        Assert.True(worst < 1e-4, $"float summation-to-delta error {worst:E3} of ΔF");
    }

    /// <summary>F(x) − F(x′) from plain forward passes; the baseline has one row (shared) or one per input.</summary>
    private static double[] OutputChange(IDifferentiableModel<double> model, double[] x, double[] baseline, int baselineRows, int target)
    {
        var fx = Outputs(model, x, Count);
        var fr = Outputs(model, baseline, baselineRows);
        return Enumerable.Range(0, Count)
            .Select(b => fx[b * model.OutputSize + target] - fr[(baselineRows == 1 ? 0 : b) * model.OutputSize + target])
            .ToArray();
    }

    private static double[] Outputs(IDifferentiableModel<double> model, double[] inputs, int count)
    {
        var result = new double[count * model.OutputSize];
        model.Forward(model.CreateWorkspace(count), inputs, count, result);
        return result;
    }

    /// <summary>Uniform parameters in ±0.6; batch norm's running variances kept positive.</summary>
    private static IDifferentiableModel<double> Randomised(IDifferentiableModel<double> model, int seed)
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        foreach (var tensor in model.ParameterTensors.Where(t => t.Name.EndsWith(".running_var", StringComparison.Ordinal)))
        {
            for (int i = 0; i < tensor.Length; i++) p[tensor.Offset + i] = 0.5 + random.NextDouble();
        }

        return model;
    }

    private static double[] TokenIds(int count, int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * length).Select(_ => (double)random.Next(12)).ToArray();
    }
}
