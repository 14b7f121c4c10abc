using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// TangentFrom(layer, t) pushes a tangent given at a cut layer onward: seeded with what Tangent from the input leaves at
/// that layer it reproduces every tangent above it, and on a token model (whose input has no tangent) it matches the
/// central difference of ForwardFrom along the direction. Layers that are not cuts, and bad ranges, are refused.
/// </summary>
public sealed class TangentFromTests
{
    public static TheoryData<string> Networks => new() { nameof(DenseNet), nameof(ConvNet), nameof(ResidualNet), nameof(ShapesNet), nameof(SwishNet) };

    [Theory]
    [MemberData(nameof(Networks))]
    public void From_a_cut_layer_it_continues_the_input_tangent(string name)
    {
        var model = GeneratedNetworkGradientTests.Create(name, 3);
        const int batch = 2;
        var random = new Random(4);
        var x = Enumerable.Range(0, batch * model.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var v = Enumerable.Range(0, batch * model.InputSize).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var ws = model.CreateWorkspace(batch);
        model.Forward(ws, x, batch, new double[batch * model.OutputSize]);
        model.Tangent(ws, v, batch);
        int last = model.Layers.Count - 1;
        var expected = model.Layers.Select(l => ws.Tangent(l.Index).ToArray()).ToArray();

        int checkedLayers = 0;
        foreach (var layer in model.Layers)
        {
            if (!layer.IsCut || layer.Index == 0 || layer.Index == last) continue;
            var seed = expected[layer.Index];
            model.TangentFrom(ws, layer.Index, seed, batch);
            for (int above = layer.Index + 1; above <= last; above++)
            {
                var actual = ws.Tangent(above).ToArray();
                for (int i = 0; i < actual.Length; i++) Assert.Equal(expected[above][i], actual[i], 12);
            }

            checkedLayers++;
        }

        Assert.True(checkedLayers > 0, $"{name} has no inner cut layer to start from");
    }

    [Fact]
    public void On_a_token_model_it_matches_finite_differences_of_ForwardFrom()
    {
        var model = GeneratedNetworkGradientTests.Create(nameof(TextNet), 5);
        int embedding = model.Layers.First(l => l.Kind == LayerKind.Embedding).Index;
        var random = new Random(6);
        var ids = Enumerable.Range(0, model.InputSize).Select(_ => (double)random.Next(10)).ToArray();
        var ws = model.CreateWorkspace(1);
        var output = new double[model.OutputSize];
        model.Forward(ws, ids, 1, output);
        var e = ws.Activation(embedding).ToArray();
        var direction = e.Select(_ => random.NextDouble() * 2 - 1).ToArray();

        const double h = 1e-6;
        var up = new double[model.OutputSize];
        var down = new double[model.OutputSize];
        model.ForwardFrom(ws, embedding, e.Select((value, i) => value + h * direction[i]).ToArray(), 1, up);
        model.ForwardFrom(ws, embedding, e.Select((value, i) => value - h * direction[i]).ToArray(), 1, down);
        model.ForwardFrom(ws, embedding, e, 1, output); // the tape at e again
        model.TangentFrom(ws, embedding, direction, 1);
        var tangent = ws.Tangent(model.Layers.Count - 1).ToArray();
        for (int k = 0; k < tangent.Length; k++) Assert.Equal((up[k] - down[k]) / (2 * h), tangent[k], 6);
    }

    [Fact]
    public void A_layer_that_is_not_a_cut_and_a_stop_below_the_layer_are_refused()
    {
        var model = GeneratedNetworkGradientTests.Create(nameof(ResidualNet), 1);
        var ws = model.CreateWorkspace(1);
        model.Forward(ws, new double[model.InputSize], 1, new double[model.OutputSize]);
        var bypassed = model.Layers.First(l => !l.IsCut);
        var error = Assert.Throws<ArgumentException>(() => model.TangentFrom(ws, bypassed.Index, new double[bypassed.Size], 1));
        Assert.Contains("not crossed by every path", error.Message);
        var cut = model.Layers.Last(l => l.IsCut && l.Index > 0 && l.Index < model.Layers.Count - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TangentFrom(ws, cut.Index, new double[cut.Size], 1, cut.Index - 1));
        Assert.Throws<ArgumentException>(() => model.TangentFrom(ws, cut.Index, new double[cut.Size + 1], 1));
    }
}
