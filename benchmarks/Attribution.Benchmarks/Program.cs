using Axon.Samples.Fashion;
using System.Diagnostics;
using System.Globalization;
using Axon.Attribution;
using Axon.Attribution.Benchmarks;
using Axon.Model;

// Attribution throughput on the Fashion-MNIST-shaped CNN and MLP: n = 50 steps, a batch of 64 random inputs, float.
// Reports ms per input for IG, layer conductance (CNN conv1 / MLP fc1), neuron conductance of one neuron and patch IG
// of a 7×7 patch, each one's ratio to one plain forward + backward pass (measured here), the achieved GFLOP/s (from
// the layer shapes: multiply-adds of the convolutions and dense layers, 2 FLOPs each). libtorch on the same networks,
// weights and inputs, measured in the same run: scripts/bench-vs-libtorch.sh (benchmarks/Peer.Compare).

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Batch = 64, Steps = 50;
int repeats = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out int r0) ? r0 : 5;
int stepBatch = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out int s0) ? s0 : 0;
Console.WriteLine($"Axon attribution benchmark: batch {Batch}, n = {Steps} (Gauss–Legendre), float, {Environment.ProcessorCount} logical cores, best of {repeats}");
Console.WriteLine();

var cnn = new FashionCnn();
cnn.ResetParameters(1);
var mlp = new FashionMlp();
mlp.ResetParameters(1);
if (args.Contains("--exact"))
{
    // --exact [limit] [--every k] [--one-lane]: the exact rule over the test set (all 10,000 images unless a limit follows;
    // with --every k, every k-th of them; --one-lane: no input lanes, the kernels split over the cores instead).
    int at = Array.IndexOf(args, "--exact");
    int limit = at + 1 < args.Length && int.TryParse(args[at + 1], out int l) ? l : 10_000;
    int every = Array.IndexOf(args, "--every") is int e and >= 0 && e + 1 < args.Length && int.TryParse(args[e + 1], out int k) && k > 0 ? k : 1;
    ExactRule.Run(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "Assets", "fashion-cnn.safetensors"), limit, every, args.Contains("--one-lane") ? 1 : 0);
    return;
}

if (args.Contains("--maps"))
{
    // --maps [images]: every relu2 neuron's conductance map for each of the first images (5 unless a count follows).
    int at = Array.IndexOf(args, "--maps");
    int images = at + 1 < args.Length && int.TryParse(args[at + 1], out int m) ? m : 5;
    ConductanceMaps.Run(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "Assets", "fashion-cnn.safetensors"), images);
    return;
}

if (args.Contains("--test-set-pass"))
{
    // --test-set-pass [images]: the test set's IG + relu2 conductance as two calls and as one pass, alternating (issue 11).
    int at = Array.IndexOf(args, "--test-set-pass");
    int images = at + 1 < args.Length && int.TryParse(args[at + 1], out int count) ? count : 640;
    TestSetPass.Run(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "Assets", "fashion-cnn.safetensors"), images, repeats);
    return;
}

if (args.Contains("--ablation"))
{
    Ablations.Run(repeats);
    return;
}

if (args.Contains("--lanes"))
{
    // --lanes: input lanes (a child engine per core) against one lane with the kernels split over the cores, alternating.
    InputLaneComparison.Run(Math.Max(repeats, 3));
    return;
}

if (args.Contains("--peak"))
{
    // --peak: the cores' float multiply-add throughput, the denominator of "share of peak" in docs/benchmarks.md.
    MachinePeak.Run();
    return;
}

if (args.Contains("--relu-pool"))
{
    ReluPoolFusion.Run(repeats);
    return;
}

if (args.Contains("--first-writer"))
{
    FirstWriterComparison.Run(repeats);
    return;
}

if (args.Contains("--gemm"))
{
    // --gemm: the matrix products of the MLP rows and the encoder block, and MLP IG / conductance, 4 × 3 tile vs 12 × 2.
    GemmComparison.Run(repeats);
    return;
}

if (args.Contains("--mlp-loop"))
{
    // --mlp-loop [seconds]: MLP IG and layer conductance in a loop, for a profiler.
    int at = Array.IndexOf(args, "--mlp-loop");
    GemmComparison.Loop(at + 1 < args.Length && double.TryParse(args[at + 1], CultureInfo.InvariantCulture, out double s) ? s : 20);
    return;
}

if (args.Contains("--row-store"))
{
    RowStoreComparison.Run(repeats);
    return;
}

if (args.Contains("--tile-pool"))
{
    // --tile-pool: the tiled max pooling's tangent, scalar vs AVX-512 rows, alone and in patch IG (issue 11).
    TilePoolComparison.Run(repeats);
    return;
}

if (args.Contains("--patch"))
{
    // --patch [--profile]: patch IG (16 regions at relu2) against IG in one process, same rule and Gauss–Legendre (issue 11).
    PatchRatio.Run(repeats, args.Contains("--profile"));
    return;
}

if (args.Contains("--passes"))
{
    Bench.Passes(cnn, "CNN", repeats);
    Bench.Passes(mlp, "MLP", repeats);
    return;
}

var rows = new List<Row>();
rows.AddRange(Bench.Run(cnn, "CNN", FashionCnn.LayerIndex.conv1, "conv1", repeats, stepBatch));
rows.AddRange(Bench.Run(mlp, "MLP", FashionMlp.LayerIndex.fc1, "fc1", repeats, stepBatch));

Console.WriteLine("GFLOP/s eff.: the textbook algorithm's FLOPs (a whole forward and the needed passes per step) / time;");
Console.WriteLine("GFLOP/s exec.: the FLOPs actually executed (the affine prefix runs once per path, not per step; with pattern tracking, the layers up to L too).");
Console.WriteLine();
Console.WriteLine($"{"model",-5} {"method",-28} {"ms/input",10} {"× fwd+bwd",10} {"GFLOP/s eff.",13} {"GFLOP/s exec.",14}");
foreach (var row in rows)
    Console.WriteLine($"{row.Model,-5} {row.Method,-28} {row.Milliseconds,10:0.0000} {row.Ratio,10:0.0} {row.Gflops,13:0.0} {row.ExecutedGflops,14:0.0}");

Console.WriteLine();
foreach (string model in new[] { "CNN", "MLP" })
{
    var ig = rows.Single(r => r.Model == model && r.Method == "Integrated Gradients");
    var lc = rows.Single(r => r.Model == model && r.Method.StartsWith("Layer conductance", StringComparison.Ordinal));
    var patch = rows.Single(r => r.Model == model && r.Method.StartsWith("Patch IG", StringComparison.Ordinal));
    Console.WriteLine($"{model}: layer conductance / IG = {lc.Milliseconds / ig.Milliseconds:0.00} (target ≤ 1.3); patch IG / IG = {patch.Milliseconds / ig.Milliseconds:0.00} (target ≤ 2.5)");
}

internal sealed record Row(string Model, string Method, double Milliseconds, double Ratio, double Gflops, double ExecutedGflops);

internal static class Bench
{
    public static IEnumerable<Row> Run(IDifferentiableModel<float> model, string name, int layer, string layerName, int repeats, int stepBatch)
    {
        const int batch = 64, steps = 50;
        var random = new Random(7);
        var inputs = new float[batch * model.InputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        var targets = new int[batch];
        for (int b = 0; b < batch; b++) targets[b] = b % model.OutputSize;
        var flops = new Flops(model);

        // One plain forward + backward to the input, batch 64.
        var ws = model.CreateWorkspace(batch);
        var output = new float[batch * model.OutputSize];
        var seed = new float[output.Length];
        for (int b = 0; b < batch; b++) seed[b * model.OutputSize + targets[b]] = 1;
        double plain = Best(repeats * 4, () =>
        {
            model.Forward(ws, inputs, batch, output);
            model.Backward(ws, seed, batch);
        }) / batch;

        var engine = new Attributor<float>(model, stepBatch);
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = steps };
        var ig = new float[batch * model.InputSize];
        var conductance = new float[batch * model.Layers[layer].Size];
        int neuron = model.Layers[layer].Size / 2 + 14; // a neuron near the middle of the map
        var patch = new float[batch * model.Layers[layer].Size];
        var mask = new bool[model.InputSize];
        for (int y = 10; y < 17; y++) for (int x = 10; x < 17; x++) mask[y * 28 + x] = true; // a 7×7 patch (every channel: one)
        InputRegion[] region = [InputRegion.FromMask(mask)];

        double igTime = Best(repeats, () => engine.IntegratedGradients(inputs, targets, Baseline<float>.Zero, ig, options)) / batch;
        double lcTime = Best(repeats, () => engine.LayerConductance(layer, inputs, targets, Baseline<float>.Zero, conductance, options)) / batch;
        double ncTime = Best(repeats, () => engine.NeuronConductance(layer, neuron, inputs, targets, Baseline<float>.Zero, ig, options)) / batch;
        double patchTime = Best(repeats, () => engine.PatchIntegratedGradients(layer, region, inputs, targets, Baseline<float>.Zero, patch, options)) / batch;

        double F(double flopsPerInput, double ms) => flopsPerInput / (ms * 1e-3) / 1e9;
        int last = model.Layers.Count - 1, a = engine.AffinePrefix;

        // Effective: the FLOPs of the textbook algorithm (every step a whole forward and the passes it needs).
        double plainFlops = flops.Forward(last) + flops.Backward(last, 0);
        double igFlops = steps * plainFlops;
        double lcFlops = steps * (flops.Forward(last) + flops.Backward(last, layer) + flops.Forward(layer));
        double ncFlops = steps * (flops.Forward(last) + flops.Backward(last, 0));

        // Executed: with the affine prefix each step runs nodes above A only; each path adds three forwards and one
        // reverse pass (or tangent) through the prefix.
        double step = flops.Forward(last) - flops.Forward(a) + flops.Backward(last, a);
        double perPath = 3 * flops.Forward(last);
        double igExec = steps * step + perPath + flops.Backward(a, 0);
        double lcExec = steps * step + perPath + (layer < a ? flops.Backward(a, layer) : 0);
        double ncExec = steps * step + perPath + flops.Backward(a, 0);
        double patchExec = steps * step + perPath + flops.Forward(layer);
        // Pattern tracking (IG, and conductance at layers up to A or from L up): each step runs the nodes above L only, its
        // tangent from L up to the layer (none for L's own ReLU); each path adds L's layer three times (U, V, the
        // transpose). The sparse updates where a window's winner changes depend on the data and are not counted.
        int l = engine.PatternLayer;
        if (l > 0)
        {
            double linear = flops.Forward(l) - flops.Forward(l - 1);
            double tracked = steps * (flops.Forward(last) - flops.Forward(l) + flops.Backward(last, l)) + perPath + 3 * linear;
            igExec = tracked + flops.Backward(a, 0);
            if (layer <= a) lcExec = tracked + (layer < a ? flops.Backward(a, layer) : 0);
            else if (layer >= l) lcExec = tracked + (layer > l + 1 ? steps * (flops.Forward(layer) - flops.Forward(l)) : 0);
        }

        if (a == 0) (igExec, lcExec, ncExec, patchExec) = (igFlops, lcFlops, ncFlops, lcFlops);
        return
        [
            new Row(name, "Forward + backward (plain)", plain, 1, F(plainFlops, plain), F(plainFlops, plain)),
            new Row(name, "Integrated Gradients", igTime, igTime / plain, F(igFlops, igTime), F(igExec, igTime)),
            new Row(name, $"Layer conductance ({layerName})", lcTime, lcTime / plain, F(lcFlops, lcTime), F(lcExec, lcTime)),
            new Row(name, $"Neuron conductance ({layerName})", ncTime, ncTime / plain, F(ncFlops, ncTime), F(ncExec, ncTime)),
            new Row(name, $"Patch IG 7×7 ({layerName})", patchTime, patchTime / plain, F(lcFlops, patchTime), F(patchExec, patchTime)),
        ];
    }

    /// <summary>Time of each kind of model pass at the engine's batch, per row (where the time of a step goes).</summary>
    public static void Passes(IDifferentiableModel<float> model, string name, int repeats)
    {
        int rows = new Attributor<float>(model).StepBatch;
        var random = new Random(3);
        var x = new float[rows * model.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var ws = model.CreateWorkspace(rows);
        var output = new float[rows * model.OutputSize];
        var seed = new float[output.Length];
        for (int r = 0; r < rows; r++) seed[r * model.OutputSize] = 1;
        model.Forward(ws, x, rows, output);
        var first = ws.Activation(1).ToArray();
        double us(double ms) => ms * 1000 / rows;
        Console.WriteLine($"{name}: {rows} rows per pass, µs per row");
        Console.WriteLine($"  Forward                 {us(Best(repeats, () => model.Forward(ws, x, rows, output))),8:0.00}");
        Console.WriteLine($"  ForwardFrom(1)          {us(Best(repeats, () => model.ForwardFrom(ws, 1, first, rows, output))),8:0.00}");
        model.Forward(ws, x, rows, output);
        Console.WriteLine($"  Backward to input       {us(Best(repeats, () => model.Backward(ws, seed, rows, 0))),8:0.00}");
        Console.WriteLine($"  Backward to layer 1     {us(Best(repeats, () => model.Backward(ws, seed, rows, 1))),8:0.00}");
        Console.WriteLine($"  Tangent to layer 1      {us(Best(repeats, () => model.Tangent(ws, x, rows, 1))),8:0.00}");
        Console.WriteLine($"  ForwardFrom(1)+Back(1)  {us(Best(repeats, () => { model.ForwardFrom(ws, 1, first, rows, output); model.Backward(ws, seed, rows, 1); })),8:0.00}");
        var engine = new Attributor<float>(model);
        var ig = new float[64 * model.InputSize];
        var options = new IntegrationOptions { Steps = 50 };
        var inputs64 = x.AsSpan(0, Math.Min(x.Length, 64 * model.InputSize)).ToArray();
        int n64 = inputs64.Length / model.InputSize;
        Console.WriteLine($"  IG per (input, step)    {Best(repeats, () => engine.IntegratedGradients(inputs64, 0, Baseline<float>.Zero, ig.AsSpan(0, inputs64.Length), options)) * 1000 / (n64 * 50.0),8:0.00}");
        Console.WriteLine($"  Tangent to output       {us(Best(repeats, () => model.Tangent(ws, x, rows))),8:0.00}");

        // Per node: ForwardFrom(L) runs nodes above L, Backward(stop L) the reverse passes of nodes above L.
        int last = model.Layers.Count - 1;
        var forward = new double[last + 1];
        var backward = new double[last + 1];
        for (int layer = 0; layer <= last; layer++)
        {
            model.Forward(ws, x, rows, output);
            var activation = ws.Activation(layer).ToArray();
            forward[layer] = us(Best(repeats, () => model.ForwardFrom(ws, layer, activation, rows, output)));
            model.Forward(ws, x, rows, output);
            backward[layer] = us(Best(repeats, () => model.Backward(ws, seed, rows, layer)));
        }

        Console.WriteLine("  node                     forward  backward (µs per row)");
        for (int layer = 1; layer <= last; layer++)
            Console.WriteLine($"  {model.Layers[layer].Name,-22} {forward[layer - 1] - forward[layer],8:0.00} {backward[layer - 1] - backward[layer],9:0.00}");
    }

    /// <summary>
    /// Best wall time in ms over <paramref name="repeats"/> runs, after warm-up runs that give the tiered JIT time to
    /// promote the kernels' hot loops.
    /// </summary>
    private static double Best(int repeats, Action action)
    {
        var warm = Stopwatch.StartNew();
        do action(); while (warm.ElapsedMilliseconds < 300);
        double best = double.MaxValue;
        var stopwatch = new Stopwatch();
        for (int i = 0; i < repeats; i++)
        {
            stopwatch.Restart();
            action();
            best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
        }

        return best;
    }
}

/// <summary>FLOPs per input from the layer shapes: 2 per multiply-add of the convolutions and dense layers.</summary>
internal sealed class Flops
{
    private readonly double[] _perLayer;

    public Flops(IDifferentiableModel<float> model)
    {
        _perLayer = new double[model.Layers.Count];
        foreach (var layer in model.Layers)
        {
            if (layer.Index == 0) continue;
            var input = model.Layers[layer.Inputs[0]];
            int outSize = 1;
            foreach (int d in layer.Shape) outSize *= d;
            int inSize = 1;
            foreach (int d in input.Shape) inSize *= d;
            _perLayer[layer.Index] = layer.Kind switch
            {
                // Each output element: Cin·k² multiply-adds (k = 3 here; read the kernel from the weight size).
                LayerKind.Conv2d => 2.0 * outSize * ConvTaps(model, layer.Index),
                LayerKind.Dense => 2.0 * inSize * outSize,
                _ => 0,
            };
        }
    }

    private static int ConvTaps(IDifferentiableModel<float> model, int layer)
    {
        var weight = model.ParameterTensors.First(p => p.Layer == layer && p.Name.EndsWith(".weight", StringComparison.Ordinal));
        return weight.Length / weight.Shape[0];
    }

    /// <summary>Forward through nodes 1..<paramref name="to"/>.</summary>
    public double Forward(int to)
    {
        double sum = 0;
        for (int i = 1; i <= to; i++) sum += _perLayer[i];
        return sum;
    }

    /// <summary>Reverse pass from <paramref name="from"/> down to the gradient of <paramref name="stop"/> (input gradients only).</summary>
    public double Backward(int from, int stop)
    {
        double sum = 0;
        for (int i = stop + 1; i <= from; i++) sum += _perLayer[i];
        return sum;
    }
}
