using Axon.Layers;
using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// A convolution read by a scaled skip (lower node) and by a ReLU (higher node, the first writer of its gradient,
/// fused with the 2×2 pooling after it), the pooling's output through a second ReLU and a flatten, the skip through
/// its own flatten, both concatenated: first writers that overwrite and later writers that add on the same buffer.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(2, 4, 6)]
public partial class SkipReluPoolNet
{
    private const double Half = 0.5;

    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly MaxPool2d pool = new(2);
    [Layer] private readonly ReLU relu2 = new();
    [Layer] private readonly Dense fc = new(90, 3);

    private Tensor Forward(Tensor x)
    {
        var c = conv.Apply(x);
        var skip = Half * c;
        var p = pool.Apply(relu.Apply(c));
        var q = relu2.Apply(p);
        return fc.Apply(Tensor.Concat(q.Flatten(), skip.Flatten()));
    }
}

/// <summary>
/// A ReLU whose output is pooled and also read again by a later residual add: the add (highest consumer) writes the
/// ReLU's gradient first and adds, so the buffer is cleared; the pooling after it accumulates.
/// </summary>
[Differentiable(ElementType = ElementType.Double), InputShape(1, 4, 4)]
public partial class ReluReusedNet
{
    [Layer] private readonly Conv2d conv = new(1, 2, kernel: 3, padding: 1);
    [Layer] private readonly ReLU relu = new();
    [Layer] private readonly MaxPool2d pool = new(2, stride: 1);
    [Layer] private readonly Conv2d up = new(2, 2, kernel: 2, padding: 1);
    [Layer] private readonly Dense fc = new(32, 2);

    private Tensor Forward(Tensor x)
    {
        var h = relu.Apply(conv.Apply(x));
        var r = up.Apply(pool.Apply(h)) + h;
        return fc.Apply(r.Flatten());
    }
}

/// <summary>
/// Gradient buffers are not cleared before a backward pass where a first writer overwrites them: poisoned buffers
/// (NaN) must give the same gradients, bit for bit, as the clear-everything path (every write adding onto zeros),
/// for every seed layer and stop layer, and the gradients agree with central differences.
/// </summary>
public sealed class FirstGradientWriterTests
{
    private const int Batch = 2;

    public static TheoryData<string> Networks => new() { nameof(SkipReluPoolNet), nameof(ReluReusedNet), nameof(FashionCnnDouble), nameof(ResidualNet), nameof(OpsNet), nameof(ConvNet) };

    private static IDifferentiableModel<double> Create(string name)
    {
        IDifferentiableModel<double> model = name switch
        {
            nameof(SkipReluPoolNet) => new SkipReluPoolNet(),
            nameof(ReluReusedNet) => new ReluReusedNet(),
            nameof(FashionCnnDouble) => new FashionCnnDouble(),
            _ => GeneratedNetworkGradientTests.Create(name, seed: 11),
        };
        if (model is SkipReluPoolNet or ReluReusedNet or FashionCnnDouble)
        {
            var random = new Random(7);
            var values = model.Parameters;
            for (int i = 0; i < values.Length; i++) values[i] = random.NextDouble() * 1.2 - 0.6;
        }

        return model;
    }

    [Fact]
    public void The_generated_tables_name_the_expected_first_writers()
    {
        // conv (1) is read by the skip (2) and the ReLU (3): the ReLU overwrites. The ReLU's only reader is the
        // pooling (4), which overwrites; relu2 (5) reads the pooling; the flattens copy.
        var model = new SkipReluPoolNet();
        var writers = FirstWriters(model);
        int conv = Index(model, "conv"), relu = Index(model, "relu"), pool = Index(model, "pool"), relu2 = Index(model, "relu2");
        Assert.Equal(relu, writers[conv]);
        Assert.Equal(pool, writers[relu]);
        Assert.Equal(relu2, writers[pool]);
        Assert.Equal(-1, writers[0]); // the input: read by a convolution, which adds

        // ReluReusedNet: the ReLU's highest reader is the residual add: cleared (-1).
        var reused = new ReluReusedNet();
        Assert.Equal(-1, FirstWriters(reused)[Index(reused, "relu")]);
    }

    private static int[] FirstWriters(object model) =>
        (int[])model.GetType().GetField("s_firstGradientWriters", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;

    private static int Index(IDifferentiableModel<double> model, string name) => model.Layers.Single(l => l.Name == name).Index;

    [Theory]
    [MemberData(nameof(Networks))]
    public void Poisoned_buffers_give_the_clear_everything_gradients_bit_for_bit(string name)
    {
        var model = Create(name);
        var random = new Random(17);
        var input = Enumerable.Range(0, Batch * model.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var output = new double[Batch * model.OutputSize];
        var poisoned = model.CreateWorkspace(Batch);
        var cleared = model.CreateWorkspace(Batch);
        model.Forward(poisoned, input, Batch, output);
        model.Forward(cleared, input, Batch, output);
        int last = model.Layers.Count - 1;
        int checkedPasses = 0;
        for (int layer = 1; layer <= last; layer++)
        {
            var seed = Enumerable.Range(0, Batch * model.Layers[layer].Size).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            foreach (int stop in new[] { 0, layer / 2, layer - 1 })
            {
                for (int i = 0; i <= last; i++) poisoned.Gradient(i).Fill(double.NaN);
                model.BackwardFrom(poisoned, layer, seed, Batch, stop);
                GradientWriteSwitch.FirstWriterOverwrites = false;
                try
                {
                    model.BackwardFrom(cleared, layer, seed, Batch, stop);
                }
                finally
                {
                    GradientWriteSwitch.FirstWriterOverwrites = true;
                }

                for (int i = stop; i <= layer; i++)
                {
                    Assert.True(cleared.Gradient(i).SequenceEqual(poisoned.Gradient(i)), $"{name}: node {i} ('{model.Layers[i].Name}') differs after BackwardFrom({layer}, stop {stop})");
                    Assert.DoesNotContain(poisoned.Gradient(i).ToArray(), double.IsNaN);
                }

                checkedPasses++;
            }
        }

        Assert.True(checkedPasses >= last);
    }

    [Fact]
    public void A_first_writer_table_of_the_wrong_length_throws_and_clears_nothing()
    {
        var model = new SkipReluPoolNet();
        var ws = model.CreateWorkspace(1);
        model.Forward(ws, new double[SkipReluPoolNet.InputSize], 1, new double[SkipReluPoolNet.OutputSize]);
        ws.Gradient(1).Fill(3.0);
        var layers = model.Layers.ToArray();
        int last = layers.Length - 1;
        var e = Assert.Throws<ArgumentException>(() =>
            ModelPass.BeginBackward<double>(ws, layers, last, new double[SkipReluPoolNet.OutputSize], 1, 0, default, model.Parameters.Length, new int[layers.Length - 1]));
        Assert.Equal("firstWriters", e.ParamName);
        Assert.All(ws.Gradient(1).ToArray(), v => Assert.Equal(3.0, v));
    }

    [Theory]
    [InlineData(nameof(SkipReluPoolNet))]
    [InlineData(nameof(ReluReusedNet))]
    public void Gradients_match_central_differences(string name)
    {
        var model = Create(name);
        // Inputs away from ReLU and max decisions' ties: uniform values, a step of 1e-5 rarely flips one; the check
        // runs on the same inputs as the generated passes.
        var check = new GradientCheck(model, Batch, seed: 23);
        Assert.True(check.InputGradientError() < GradientCheck.Tolerance, name + ": input gradient");
        for (int layer = 1; layer < model.Layers.Count - 1; layer++)
        {
            // Pre-activation layers only: a ReLU's output is 0 in many places, where max pooling ties and has no derivative.
            if (!model.Layers[layer].IsCut || model.Layers[layer].Kind is not (LayerKind.Conv2d or LayerKind.Dense)) continue;
            Assert.True(check.LayerGradientError(layer) < GradientCheck.Tolerance, $"{name}: gradient at layer {layer}");
        }

        Assert.True(check.ParameterGradientError() < GradientCheck.Tolerance, name + ": parameter gradient");
    }
}
