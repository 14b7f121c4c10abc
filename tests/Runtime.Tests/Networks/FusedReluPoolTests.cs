using Axon.Kernels;
using Axon.Layers;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// ReLU followed by 2×2 max pooling over an even map (relu1 → pool1) is generated as one fused kernel; the second
/// pair's map is 3×5 (odd), so it stays unfused.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(2, 6, 10)]
public partial class ReluPoolNet
{
    [Layer] private readonly Conv2d conv1 = new(2, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(6, 3);
}

/// <summary><see cref="ReluPoolNet"/> in float.</summary>
[Differentiable, InputShape(2, 6, 10)]
public partial class ReluPoolNetFloat
{
    [Layer] private readonly Conv2d conv1 = new(2, 4, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2);
    [Layer] private readonly Conv2d conv2 = new(4, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly MaxPool2d pool2 = new(2);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(6, 3);
}

/// <summary>
/// ReLU followed by a padded 2×2 / stride-2 max pooling: the fused kernel does not pad, so this pair must stay unfused
/// (its output is 3×3, not 2×2).
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 4, 4)]
public partial class ReluPaddedPoolNet
{
    [Layer] private readonly Conv2d conv1 = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu1 = new();
    [Layer] private readonly MaxPool2d pool1 = new(2, stride: 2, padding: 1);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(18, 2);
}

/// <summary>
/// The generated fused path (no tap on the ReLU) against the unfused one (a tap that holds nothing forces it), bit for
/// bit, in every pass; finite differences through the fused network; taps on the fused ReLU still act.
/// </summary>
public sealed class FusedReluPoolTests
{
    private const int Batch = 3, Relu1 = 2, Pool1 = 3;

    private static double[] Inputs(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Fact]
    public void Fused_and_unfused_passes_agree_bit_for_bit_in_double_and_float()
    {
        Agree(new ReluPoolNet(), v => v);
        Agree(new ReluPoolNetFloat(), v => (float)v);
    }

    [Fact]
    public void A_padded_pooling_after_a_relu_runs_unfused_and_agrees_with_the_separate_kernels() => Agree(new ReluPaddedPoolNet(), v => v);

    private static void Agree<T>(IDifferentiableModel<T> model, Func<double, T> convert)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(3);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = convert(random.NextDouble() - 0.5);
        T[] x = Inputs(Batch * model.InputSize, 4).Select(convert).ToArray();
        T[] seed = Inputs(Batch * model.OutputSize, 5).Select(convert).ToArray();
        T[] direction = Inputs(x.Length, 6).Select(convert).ToArray();
        int layers = model.Layers.Count;

        (T[][] Activations, T[][] Gradients, T[][] Tangents, T[] Output, T[] ParameterGradient) Run(bool forceUnfused)
        {
            var ws = model.CreateWorkspace(Batch);
            if (forceUnfused) ws.SetIntervention(Relu1, new bool[model.Layers[Relu1].Size], new T[model.Layers[Relu1].Size]);
            var output = new T[Batch * model.OutputSize];
            var pg = new T[model.Parameters.Length];
            model.Forward(ws, x, Batch, output);
            model.Backward(ws, seed, Batch, 0, pg);
            var gradients = Enumerable.Range(0, layers).Select(l => ws.Gradient(l).ToArray()).ToArray();
            model.Backward(ws, seed, Batch); // the input gradient alone (no parameter gradient)
            Assert.Equal(gradients[0], ws.Gradient(0).ToArray());
            model.Tangent(ws, direction, Batch);
            return (Enumerable.Range(0, layers).Select(l => ws.Activation(l).ToArray()).ToArray(), gradients,
                Enumerable.Range(0, layers).Select(l => ws.Tangent(l).ToArray()).ToArray(), output, pg);
        }

        var fused = Run(false);
        var unfused = Run(true);
        Assert.Equal(unfused.Output, fused.Output);
        Assert.Equal(unfused.ParameterGradient, fused.ParameterGradient);
        for (int l = 0; l < layers; l++)
        {
            Assert.Equal(unfused.Activations[l], fused.Activations[l]);
            Assert.Equal(unfused.Gradients[l], fused.Gradients[l]);
            Assert.Equal(unfused.Tangents[l], fused.Tangents[l]);
        }

        // The network is not trivially dead: gradient reaches the input through the fused pair.
        Assert.Contains(fused.Gradients[0], g => g != T.Zero);
    }

    [Fact]
    public void Gradients_and_tangents_through_the_fused_pair_match_finite_differences()
    {
        var model = new ReluPoolNet();
        var random = new Random(11);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 1.2 - 0.6;
        var check = new GradientCheck(model, Batch, seed: 5);
        Assert.True(check.InputGradientError() < GradientCheck.Tolerance);
        Assert.True(check.ParameterGradientError() < GradientCheck.Tolerance);
        Assert.True(check.TangentError(seed: 3) < GradientCheck.Tolerance);
        Assert.True(check.LayerGradientError(Pool1) < GradientCheck.Tolerance);
    }

    [Fact]
    public void Backward_stopping_at_the_fused_relu_gives_the_gradient_of_the_full_pass()
    {
        var model = new ReluPoolNet();
        var ws = model.CreateWorkspace(Batch);
        double[] x = Inputs(Batch * ReluPoolNet.InputSize, 8);
        double[] seed = Inputs(Batch * ReluPoolNet.OutputSize, 9);
        var output = new double[Batch * ReluPoolNet.OutputSize];
        model.Forward(ws, x, Batch, output);
        model.Backward(ws, seed, Batch);
        double[] full = ws.Gradient(Relu1).ToArray();
        model.Backward(ws, seed, Batch, stopAtLayer: Relu1);
        Assert.Equal(full, ws.Gradient(Relu1).ToArray());
        model.BackwardFrom(ws, Pool1, ws.Gradient(Pool1).ToArray(), Batch);
        Assert.Contains(ws.Gradient(0).ToArray(), g => g != 0);
    }

    [Fact]
    public void Tangents_stopping_at_the_fused_relu_or_starting_at_its_pooling_are_those_of_the_full_pass()
    {
        // A pass that ends at the ReLU or starts at the pooling crosses one layer of the pair: it runs them apart.
        var model = new ReluPoolNet();
        var random = new Random(12);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() - 0.5;
        var ws = model.CreateWorkspace(Batch);
        double[] x = Inputs(Batch * ReluPoolNet.InputSize, 13), direction = Inputs(x.Length, 14);
        model.Forward(ws, x, Batch, new double[Batch * ReluPoolNet.OutputSize]);
        model.Tangent(ws, direction, Batch);
        double[] relu = ws.Tangent(Relu1).ToArray(), pool = ws.Tangent(Pool1).ToArray(), output = ws.Tangent(model.Layers.Count - 1).ToArray();

        model.Tangent(ws, direction, Batch, stopAtLayer: Relu1);
        Assert.Equal(relu, ws.Tangent(Relu1).ToArray());
        model.TangentFrom(ws, Pool1, pool, Batch);
        Assert.Equal(output, ws.Tangent(model.Layers.Count - 1).ToArray());
        model.TangentFrom(ws, 1, ws.Tangent(1).ToArray(), Batch, stopAtLayer: Pool1);
        Assert.Equal(relu, ws.Tangent(Relu1).ToArray());
        Assert.Equal(pool, ws.Tangent(Pool1).ToArray());
        Assert.Contains(pool, t => t != 0);
    }

    [Fact]
    public void A_tap_on_the_fused_relu_still_reaches_the_pooling()
    {
        var model = new ReluPoolNet();
        var ws = model.CreateWorkspace(1);
        var output = new double[ReluPoolNet.OutputSize];
        int size = model.Layers[Relu1].Size;
        var mask = new bool[size];
        mask[0] = true; // channel 0, row 0, column 0: the first element of pool1's first window
        var values = new double[size];
        values[0] = 1000;
        ws.SetIntervention(Relu1, mask, values);
        model.Forward(ws, Inputs(ReluPoolNet.InputSize, 10), 1, output);
        Assert.Equal(1000, ws.Activation(Relu1)[0]);
        Assert.Equal(1000, ws.Activation(Pool1)[0]);
    }

    [Fact]
    public void A_caller_held_workspace_reads_every_node_so_the_fused_relu_maps_are_written()
    {
        var model = new ReluPoolNet();
        var ws = model.CreateWorkspace(Batch);
        for (int l = 0; l < model.Layers.Count; l++) Assert.True(ws.Reads(l));
        var flags = new bool[model.Layers.Count];
        ws.ReadOnly(flags);
        Assert.False(ws.Reads(Relu1));
        ws.ReadOnly(null);
        Assert.True(ws.Reads(Relu1));
        Assert.Equal("nodes", Assert.Throws<ArgumentException>(() => ws.ReadOnly(new bool[model.Layers.Count - 1])).ParamName);
    }

    [Fact]
    public void Passes_whose_caller_reads_no_relu_map_go_through_the_winners_and_agree_bit_for_bit()
    {
        // The attribution engine's prefix path says it reads none of relu1's maps: the fused pair then writes neither
        // derivative map (they keep what they held), nor its output where the rows are pooled from the registers, and
        // every other node's activation, gradient and tangent is the full pass's.
        Winners(new ReluPoolNet(), v => v);
        Winners(new ReluPoolNetFloat(), v => (float)v);
    }

    private static void Winners<T>(IDifferentiableModel<T> model, Func<double, T> convert)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(21);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = convert(random.NextDouble() - 0.5);
        T[] x = Inputs(Batch * model.InputSize, 22).Select(convert).ToArray();
        T[] seed = Inputs(Batch * model.OutputSize, 23).Select(convert).ToArray();
        T[] direction = Inputs(x.Length, 24).Select(convert).ToArray();
        int layers = model.Layers.Count;
        var output = new T[Batch * model.OutputSize];

        var full = model.CreateWorkspace(Batch);
        model.Forward(full, x, Batch, output);
        var activations = Enumerable.Range(0, layers).Select(l => full.Activation(l).ToArray()).ToArray();
        model.Backward(full, seed, Batch);
        var gradients = Enumerable.Range(0, layers).Select(l => full.Gradient(l).ToArray()).ToArray();
        model.Tangent(full, direction, Batch);
        var tangents = Enumerable.Range(0, layers).Select(l => full.Tangent(l).ToArray()).ToArray();

        var narrowed = model.CreateWorkspace(Batch);
        var reads = Enumerable.Repeat(true, layers).ToArray();
        reads[Relu1] = false;
        narrowed.ReadOnly(reads);
        var stale = Enumerable.Repeat(convert(7), narrowed.GradientFor(Relu1, Batch).Length).ToArray();
        stale.CopyTo(narrowed.GradientFor(Relu1, Batch));
        stale.CopyTo(narrowed.TangentFor(Relu1, Batch));
        stale.CopyTo(narrowed.ActivationFor(Relu1, Batch));
        model.Forward(narrowed, x, Batch, output);
        for (int l = 0; l < layers; l++)
        {
            if (l != Relu1) Assert.Equal(activations[l], narrowed.Activation(l).ToArray());
        }

        // relu1's output is left alone where the fused forward pools from the registers (narrow rows), else written.
        var shape = model.Layers[Relu1].Shape;
        bool fromRegisters = PoolCore<T>.TakesNarrowReluRows(new PoolShape(Batch, shape[0], shape[1], shape[2], 2, 2, 2, 2));
        Assert.Equal(fromRegisters ? stale : activations[Relu1], narrowed.Activation(Relu1).ToArray());
        model.Backward(narrowed, seed, Batch);
        var narrowedGradients = Enumerable.Range(0, layers).Select(l => narrowed.Gradient(l).ToArray()).ToArray();
        model.Tangent(narrowed, direction, Batch);
        for (int l = 0; l < layers; l++)
        {
            if (l == Relu1) continue;
            Assert.Equal(gradients[l], narrowedGradients[l]);
            Assert.Equal(tangents[l], narrowed.Tangent(l).ToArray());
        }

        // Neither relu1 map was written: the winners-only kernels ran, not the full fused ones.
        Assert.Equal(stale, narrowedGradients[Relu1]);
        Assert.Equal(stale, narrowed.Tangent(Relu1).ToArray());
        Assert.Contains(gradients[0], g => g != T.Zero);
        Assert.Contains(tangents[Pool1], t => t != T.Zero);
    }
}
