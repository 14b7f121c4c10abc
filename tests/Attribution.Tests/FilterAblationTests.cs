using Axon.Attribution.Tests.Generated;
using Axon.Attribution.Tests.OnePass;
using Axon.Evaluation;
using Axon.Model;

namespace Axon.Attribution.Tests;

/// <summary>
/// Per-filter ablation drops start each ablated pass at the layer when it is a cut (FilterAblationDrops): the drops must
/// be, bit for bit, those of a whole forward with the replace tap, written out here — for each filter, each input.
/// </summary>
[Collection(nameof(AllocationTests))] // alone: with the compute pool free, the filters run in lanes
public class FilterAblationTests
{
    /// <summary>F(x) − F(x with filter c's neurons of <paramref name="layer"/> replaced), by whole forward passes with a tap.</summary>
    private static double[] ByWholePasses(IDifferentiableModel<double> model, int layer, double[] x, int[] targets, double[] reference, bool shared)
    {
        var shape = model.Layers[layer].Shape;
        int n = model.InputSize, count = x.Length / n, size = model.Layers[layer].Size, filters = shape.Count >= 2 ? shape[0] : size, perFilter = size / filters;
        var ws = model.CreateWorkspace(1);
        var output = new double[model.OutputSize];
        var drops = new double[count * filters];
        for (int b = 0; b < count; b++)
        {
            model.Forward(ws, x.AsSpan(b * n, n), 1, output);
            double clean = output[targets[b]];
            for (int c = 0; c < filters; c++)
            {
                var mask = new bool[size];
                mask.AsSpan(c * perFilter, perFilter).Fill(true);
                ws.SetIntervention(layer, mask, shared ? reference : reference.AsSpan(b * size, size), InterventionKind.Replace);
                model.Forward(ws, x.AsSpan(b * n, n), 1, output);
                ws.ClearIntervention(layer);
                drops[b * filters + c] = clean - output[targets[b]];
            }
        }

        return drops;
    }

    private static double[] Activation(IDifferentiableModel<double> model, int layer, double[] inputs)
    {
        int n = model.InputSize, count = inputs.Length / n, size = model.Layers[layer].Size;
        var result = new double[count * size];
        new Attributor<double>(model).LayerActivation(layer, inputs, result);
        return result;
    }

    [Theory]
    [InlineData(5, 2)]   // relu2: a cut, so each ablated pass starts there; 2-row ablation batches split the 5 inputs
    [InlineData(1, 16)]  // conv1
    public void DropsEqualWholePassesWithTheTap(int layer, int ablationBatch)
    {
        IDifferentiableModel<double> model = new MiniFashionCnn();
        var random = new Random(31);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        int n = model.InputSize, count = 5, filters = model.Layers[layer].Shape[0];
        Assert.True(model.Layers[layer].IsCut);
        var x = BruteForce.RandomVector(count * n, 32, 1.5);
        var baselines = BruteForce.RandomVector(count * n, 33, 0.4);
        int[] targets = [1, 0, 4, 2, 3];
        var evaluator = new AblationEvaluator<double>(new Attributor<double>(model), ablationBatch);

        var drops = new double[count * filters];
        evaluator.FilterAblationDrops(layer, x, targets, Baseline<double>.PerInput(baselines), drops);
        Assert.Equal(ByWholePasses(model, layer, x, targets, Activation(model, layer, baselines), shared: false), drops);

        evaluator.FilterAblationDrops(layer, x, targets, Baseline<double>.Zero, drops, AblationKind.ToZero);
        Assert.Equal(ByWholePasses(model, layer, x, targets, new double[model.Layers[layer].Size], shared: true), drops);
        Assert.NotEqual(0, drops.Sum(Math.Abs));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void SmoothLayersBelowTheCutGiveTheWholePasses(int ablationBatch)
    {
        // tanh, average pooling and GELU below the cut: the clean activations feed each ablated pass as the layers below
        // would have computed them in a whole pass.
        IDifferentiableModel<double> model = new SmoothCnn();
        var random = new Random(36);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        int layer = 5, n = model.InputSize, count = 4, filters = model.Layers[layer].Shape[0]; // gelu, after conv2
        Assert.True(model.Layers[layer].IsCut);
        var x = BruteForce.RandomVector(count * n, 37, 1.5);
        int[] targets = [0, 2, 1, 2];
        var drops = new double[count * filters];
        new AblationEvaluator<double>(new Attributor<double>(model), ablationBatch).FilterAblationDrops(layer, x, targets, Baseline<double>.Zero, drops, AblationKind.ToZero);
        Assert.Equal(ByWholePasses(model, layer, x, targets, new double[model.Layers[layer].Size], shared: true), drops);
    }

    [Fact]
    public void ALayerThatIsNotACutTakesWholePasses()
    {
        IDifferentiableModel<double> model = new Residual();
        var random = new Random(34);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        int layer = Enumerable.Range(1, model.Layers.Count - 2).First(l => !model.Layers[l].IsCut); // the skip connection bypasses it
        int n = model.InputSize, count = 3, filters = model.Layers[layer].Size; // a dense layer: one neuron per filter
        var x = BruteForce.RandomVector(count * n, 35, 1.5);
        int[] targets = [0, 1, 0];
        var drops = new double[count * filters];
        new AblationEvaluator<double>(model).FilterAblationDrops(layer, x, targets, Baseline<double>.Zero, drops, AblationKind.ToZero);
        Assert.Equal(ByWholePasses(model, layer, x, targets, new double[model.Layers[layer].Size], shared: true), drops);
    }
}
