using Axon.Model;
using Axon.Runtime.Tests.Networks;

namespace Axon.Runtime.Tests.ConvSeq;

/// <summary>
/// The generated reverse mode (input, layer and parameter gradients) and forward mode (tangents) of the issue-15
/// convolution and pooling variants against central finite differences in double, and the float twins against the
/// double models on the same weights.
/// </summary>
public sealed class ConvSeqGradientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Networks => new() { nameof(PaddedPoolNet), nameof(GroupedConvNet), nameof(DecoderNet), nameof(LstmNet), nameof(GruNet) };

    private static IDifferentiableModel<double> Create(string name) => name switch
    {
        nameof(PaddedPoolNet) => Randomised(new PaddedPoolNet(), 17),
        nameof(GroupedConvNet) => Randomised(new GroupedConvNet(), 19),
        nameof(DecoderNet) => Randomised(new DecoderNet(), 23),
        nameof(LstmNet) => Randomised(new LstmNet(), 29),
        nameof(GruNet) => Randomised(new GruNet(), 31),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static IDifferentiableModel<float> CreateFloat(string name) => name switch
    {
        nameof(PaddedPoolNet) => new PaddedPoolNetF(),
        nameof(GroupedConvNet) => new GroupedConvNetF(),
        nameof(DecoderNet) => new DecoderNetF(),
        nameof(LstmNet) => new LstmNetF(),
        nameof(GruNet) => new GruNetF(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    internal static IDifferentiableModel<double> Randomised(IDifferentiableModel<double> model, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 1.2 - 0.6;
        return model;
    }

    private static GradientCheck Check(string name) => new(Create(name), batch: 2, seed: 5);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        double error = Check(name).ParameterGradientError();
        output.WriteLine($"{name}: max relative parameter-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: parameter gradient error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Input_and_layer_gradients_match_finite_differences(string name)
    {
        var check = Check(name);
        double error = check.InputGradientError();
        var model = Create(name);
        foreach (var layer in model.Layers)
        {
            if (layer.Index > 0 && layer.IsCut && layer.Index < model.Layers.Count - 1) error = Math.Max(error, check.LayerGradientError(layer.Index));
        }

        output.WriteLine($"{name}: max relative input/layer-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: gradient error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Tangents_of_every_layer_match_finite_differences(string name)
    {
        double error = Check(name).TangentError(seed: 3);
        output.WriteLine($"{name}: max relative tangent error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: tangent error {error:E2}");
    }

    [Fact]
    public void Grouped_weights_have_PyTorchs_layout_and_names()
    {
        var model = new GroupedConvNet();
        var tensors = model.ParameterTensors.ToDictionary(t => t.Name);
        Assert.Equal(new[] { 6, 2, 3, 3 }, tensors["grouped.weight"].Shape);
        Assert.Equal(new[] { 6 }, tensors["grouped.bias"].Shape);
        Assert.Equal(new[] { 6, 1, 3, 3 }, tensors["depthwise.weight"].Shape);
        Assert.False(tensors.ContainsKey("depthwise.bias"));
        Assert.Equal(LayerKind.GroupedConv2d, model.Layers[1].Kind);
    }

    [Fact]
    public void Transposed_convolution_weights_have_PyTorchs_in_out_layout_and_shapes_follow_its_formula()
    {
        var model = new DecoderNet();
        var tensors = model.ParameterTensors.ToDictionary(t => t.Name);
        Assert.Equal(new[] { 2, 3, 3, 3 }, tensors["up.weight"].Shape);
        Assert.Equal(new[] { 3 }, tensors["up.bias"].Shape);
        Assert.Equal(new[] { 2, 1, 2, 2 }, tensors["plain.weight"].Shape);
        // (4 − 1)·2 − 2 + 3 + 1 = 8 by (3 − 1)·2 − 2 + 3 + 1 = 6; ×2 bilinear; stride-2 conv to 8×6; ×3 nearest; +1 from a 2-kernel.
        Assert.Equal(new[] { 3, 8, 6 }, model.Layers[1].Shape);
        Assert.Equal(new[] { 3, 16, 12 }, model.Layers[3].Shape);
        Assert.Equal(new[] { 2, 24, 18 }, model.Layers[5].Shape);
        Assert.Equal(new[] { 1, 25, 19 }, model.Layers[6].Shape);
        Assert.Equal(LayerKind.ConvTranspose2d, model.Layers[1].Kind);
        Assert.Equal(LayerKind.Upsample, model.Layers[3].Kind);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Float_twin_matches_the_double_model(string name)
    {
        var model = Create(name);
        var twin = CreateFloat(name);
        Assert.Equal(model.Parameters.Length, twin.Parameters.Length);
        for (int i = 0; i < model.Parameters.Length; i++) twin.Parameters[i] = (float)model.Parameters[i];
        const int batch = 2;
        var random = new Random(9);
        var x = Enumerable.Range(0, batch * model.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var y = new double[batch * model.OutputSize];
        var yF = new float[y.Length];
        var ws = model.CreateWorkspace(batch);
        var wsF = twin.CreateWorkspace(batch);
        model.Forward(ws, x, batch, y);
        twin.Forward(wsF, x.Select(v => (float)v).ToArray(), batch, yF);
        var seed = Enumerable.Range(0, y.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        model.Backward(ws, seed, batch);
        twin.Backward(wsF, seed.Select(v => (float)v).ToArray(), batch);
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], yF[i], 4);
        var g = ws.Gradient(0).ToArray();
        var gF = wsF.Gradient(0).ToArray();
        for (int i = 0; i < g.Length; i++) Assert.Equal(g[i], gF[i], 4);
    }
}
