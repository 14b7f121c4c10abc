using Axon.Attribution.Tests.Generated;
using Axon.Model;

namespace Axon.Attribution.Tests.Fields;

/// <summary>
/// The receptive fields the generator emits, against a brute-force search: perturb each input feature (both signs,
/// large, from several random inputs) and see which neurons of each node move; the box around the features that move
/// a neuron must be the window the layout gives it, for every node of random-weight networks with stride, padding,
/// pooling floors, channel-wise nodes on a two-channel input, a residual +, a concat and a channel slice, grouped,
/// depthwise and transposed convolutions and nearest and bilinear upsampling (UpsamplingFieldModels.cs). A concat's
/// window is one box around its parts' windows (the field has one formula per node), so there and below it the window
/// holds the brute-force box.
/// </summary>
public class ReceptiveFieldTests
{
    private static TModel Seeded<TModel>(TModel model, int seed) where TModel : IDifferentiableModel<double>
    {
        var random = new Random(seed);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        return model;
    }

    public static TheoryData<string> Models => new() { nameof(FieldCnnFloor), nameof(FieldCnnStrided), nameof(FieldPaddedPool), nameof(FieldResidual), nameof(ReluCnn), nameof(SmoothCnn), nameof(FieldUpsampling), nameof(FieldBilinear) };

    private static IDifferentiableModel<double> Create(string name) => name switch
    {
        nameof(FieldCnnFloor) => Seeded(new FieldCnnFloor(), 1),
        nameof(FieldCnnStrided) => Seeded(new FieldCnnStrided(), 2),
        nameof(FieldPaddedPool) => Seeded(new FieldPaddedPool(), 6),
        nameof(FieldResidual) => Seeded(new FieldResidual(), 3),
        nameof(ReluCnn) => Seeded(new ReluCnn(), 4),
        nameof(FieldUpsampling) => Seeded(new FieldUpsampling(), 7),
        nameof(FieldBilinear) => Seeded(new FieldBilinear(), 8),
        _ => Seeded(new SmoothCnn(), 5),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryWindowIsTheBoxOfTheFeaturesThatMoveItsNeuron(string name)
    {
        var model = Create(name);
        var layers = model.Layers;
        var shape = layers[0].Shape;
        int n = model.InputSize, height = shape[1], width = shape[2];
        var moved = layers.Select(layer => new bool[layer.Size * n]).ToArray(); // [node][neuron × n + feature]
        var ws = model.CreateWorkspace(1);
        var output = new double[model.OutputSize];
        for (int trial = 0; trial < 3; trial++)
        {
            var x = BruteForce.RandomVector(n, 100 + trial);
            model.Forward(ws, x, 1, output);
            var before = layers.Select(layer => ws.Activation(layer.Index)[..layer.Size].ToArray()).ToArray();
            for (int i = 0; i < n; i++)
            {
                foreach (double delta in new[] { 40.0, -40.0, 3.0, -3.0 })
                {
                    double kept = x[i];
                    x[i] += delta;
                    model.Forward(ws, x, 1, output);
                    x[i] = kept;
                    foreach (var layer in layers)
                    {
                        var after = ws.Activation(layer.Index)[..layer.Size];
                        for (int j = 0; j < layer.Size; j++) if (after[j] != before[layer.Index][j]) moved[layer.Index][j * n + i] = true;
                    }
                }
            }
        }

        // A concat's field is one box for all its channels (documented), and so are the fields of the nodes it feeds.
        var boxed = new bool[layers.Count];
        foreach (var layer in layers) boxed[layer.Index] = layer.Kind == LayerKind.Concat || layer.Inputs.Any(i => boxed[i]);
        foreach (var layer in layers)
        {
            var layout = ConductanceMapLayout.For(model, layer.Index);
            for (int j = 0; j < layer.Size; j++)
            {
                int c0 = int.MaxValue, c1 = -1, y0 = int.MaxValue, y1 = -1, x0 = int.MaxValue, x1 = -1;
                for (int i = 0; i < n; i++)
                {
                    if (!moved[layer.Index][j * n + i]) continue;
                    int c = i / (height * width), y = i / width % height, col = i % width;
                    (c0, c1, y0, y1, x0, x1) = (Math.Min(c0, c), Math.Max(c1, c), Math.Min(y0, y), Math.Max(y1, y), Math.Min(x0, col), Math.Max(x1, col));
                }

                Assert.True(c1 >= 0, $"{name} {layer}: neuron {j} moved with no feature");
                var expected = new MapWindow(c0, y0, x0, c1 - c0 + 1, y1 - y0 + 1, x1 - x0 + 1);
                var window = layout.Window(j);
                if (!boxed[layer.Index])
                {
                    Assert.True(expected == window, $"{name} {layer}: neuron {j}: brute force {expected}, layout {window}");
                    continue;
                }

                // There the window holds the brute-force box.
                Assert.True(window.Channel <= c0 && c1 < window.Channel + window.Channels && window.Top <= y0 && y1 < window.Top + window.Height &&
                            window.Left <= x0 && x1 < window.Left + window.Width, $"{name} {layer}: neuron {j}: brute force {expected} outside {window}");
            }
        }
    }

    [Fact]
    public void TheFieldsOfTheShippedCnnAreItsConvolutionArithmetic()
    {
        // relu2 of a FashionCnn-shaped network: conv 3×3 pad 1, pool 2, conv 3×3 pad 1 — an 8×8 window of stride 2 from
        // row −3, clipped at the edges; after the dense layer, the whole input.
        var model = new FashionShaped();
        var facts = (INetworkFacts)model;
        var relu2 = facts.ReceptiveFields[FashionShaped.LayerIndex.relu2];
        Assert.Equal([16, 14, 14], relu2.Geometry);
        Assert.Equal(new FieldAxis(2, -3, 8, 0, 28), relu2.Axes[1]);
        Assert.Equal(new FieldAxis(2, -3, 8, 0, 28), relu2.Axes[2]);
        var layout = ConductanceMapLayout.For(model, FashionShaped.LayerIndex.relu2);
        Assert.Equal(new MapWindow(0, 0, 0, 1, 5, 5), layout.Window(0));                // (c 0, 0, 0): rows −3..4 clipped to 0..4
        Assert.Equal(new MapWindow(0, 0, 1, 1, 7, 8), layout.Window(1 * 14 + 2));        // (0, 1, 2): rows −1..6 → 0..6, columns 1..8
        Assert.Equal(new MapWindow(0, 23, 23, 1, 5, 5), layout.Window(14 * 14 - 1));     // (0, 13, 13): rows and columns 23..30 → 23..27
        Assert.Equal(new MapWindow(0, 11, 11, 1, 8, 8), layout.Window(16 * 14 * 14 - 1 - 14 * 6 - 6)); // (15, 7, 7): rows and columns 11..18
        Assert.True(ConductanceMapLayout.For(model, FashionShaped.LayerIndex.fc1).IsDense);
        Assert.True(facts.IsPiecewiseLinear);
        Assert.Empty(facts.SmoothNodes);
        Assert.Equal([FashionShaped.LayerIndex.relu1.Index, FashionShaped.LayerIndex.pool1.Index, FashionShaped.LayerIndex.relu2.Index,
                      FashionShaped.LayerIndex.pool2.Index, FashionShaped.LayerIndex.relu3.Index], facts.BreakingNodes);
    }

    [Fact]
    public void SmoothNodesAreListedInOrder()
    {
        var facts = (INetworkFacts)new SmoothCnn();
        Assert.False(SmoothCnn.IsPiecewiseLinear);
        Assert.False(facts.IsPiecewiseLinear);
        Assert.Equal([SmoothCnn.LayerIndex.tanh1.Index, SmoothCnn.LayerIndex.gelu.Index], facts.SmoothNodes);
        Assert.Empty(facts.BreakingNodes);
    }
}
