using System.Diagnostics;
using Axon.Model;
using Axon.Samples.Fashion;

namespace Axon.Attribution.Benchmarks;

/// <summary>
/// <c>--first-writer [rounds]</c>: backward passes whose first writer of each gradient overwrites it (no clearing of
/// those buffers) against clearing every gradient buffer first and adding, the behaviour before
/// (<see cref="GradientWriteSwitch.FirstWriterOverwrites"/> off). FashionCnn, float: a plain backward pass at the
/// engine's step batch (20 rows), then whole attributions at batch 64, n = 50 — IG and layer conductance at conv1,
/// conv2 (Captum's rules, as the libtorch comparison runs them) and relu2 (the main job's, Gauss–Legendre). Off and
/// on alternate in one process, the order swapped every round; the median wall time and process CPU time of each.
/// </summary>
internal static class FirstWriterComparison
{
    public static void Run(int rounds)
    {
        Console.WriteLine($"Gradient buffers cleared (off) vs first writer overwrites (on), float, median of {rounds} alternating rounds");
        Console.WriteLine($"{"work",-52} {"off wall",9} {"on wall",9} {"speed-up",9} {"off cpu",9} {"on cpu",9} {"speed-up",9}");
        try
        {
            Backward(rounds);
            Attributions(rounds);
        }
        finally
        {
            GradientWriteSwitch.FirstWriterOverwrites = true;
        }
    }

    private static void Backward(int rounds)
    {
        const int rows = 20;
        var model = new FashionCnn();
        model.ResetParameters(1);
        var random = new Random(3);
        var input = Enumerable.Range(0, rows * FashionCnn.InputSize).Select(_ => random.NextSingle()).ToArray();
        var seed = Enumerable.Range(0, rows * FashionCnn.OutputSize).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var output = new float[rows * FashionCnn.OutputSize];
        var ws = model.CreateWorkspace(rows);
        model.Forward(ws, input, rows, output);
        Compare("backward, output to relu1's input, µs per row", () => model.Backward(ws, seed, rows, stopAtLayer: 1), rounds, 200, 1000.0 / rows);
    }

    private static void Attributions(int rounds)
    {
        const int batch = 64;
        var model = new FashionCnn();
        model.ResetParameters(1);
        var random = new Random(7);
        var inputs = Enumerable.Range(0, batch * FashionCnn.InputSize).Select(_ => random.NextSingle()).ToArray();
        var engine = new Attributor<float>(model);
        var ig = new float[inputs.Length];
        var captumIg = new IntegrationOptions { Rule = IntegrationRule.RiemannRight, Steps = 50 };
        var captumConductance = new IntegrationOptions { Rule = IntegrationRule.RiemannLeft, Steps = 50, PathForm = LayerPathForm.Difference };
        var gaussLegendre = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = 50 };
        const double perInput = 1.0 / batch;
        Compare("FashionCnn IG (Captum's rule), ms per input", () => engine.IntegratedGradients(inputs, 0, Baseline<float>.Zero, ig, captumIg), rounds, 1, perInput);
        foreach (var (layer, name, options) in new[] { (FashionCnn.LayerIndex.conv1, "conv1", captumConductance), (FashionCnn.LayerIndex.conv2, "conv2", captumConductance), (FashionCnn.LayerIndex.relu2, "relu2", gaussLegendre) })
        {
            var conductance = new float[batch * model.Layers[layer].Size];
            Compare($"FashionCnn layer conductance {name}, ms per input", () => engine.LayerConductance(layer, inputs, 0, Baseline<float>.Zero, conductance, options), rounds, 1, perInput);
        }
    }

    private static void Compare(string work, Action call, int rounds, int calls, double scale) =>
        AlternatingComparison.Compare(work, call, rounds, calls, scale, on => GradientWriteSwitch.FirstWriterOverwrites = on);
}
