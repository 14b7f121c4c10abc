using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>
/// The generated reverse and forward modes of whole networks (sequential, convolutional, residual with concat,
/// embedding + 1-D convolution, reshape, custom activations with weight sharing, subtraction, constant
/// factors, gating and channel selection) against finite differences.
/// </summary>
public sealed class GeneratedNetworkGradientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string> Networks => new() { nameof(DenseNet), nameof(ConvNet), nameof(ResidualNet), nameof(TextNet), nameof(ShapesNet), nameof(SwishNet), nameof(OpsNet) };

    internal static IDifferentiableModel<double> Create(string name, int seed)
    {
        IDifferentiableModel<double> model = name switch
        {
            nameof(DenseNet) => new DenseNet(),
            nameof(ConvNet) => new ConvNet(),
            nameof(ResidualNet) => new ResidualNet(),
            nameof(TextNet) => new TextNet(),
            nameof(ShapesNet) => new ShapesNet(),
            nameof(SwishNet) => new SwishNet(),
            nameof(OpsNet) => new OpsNet(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        var random = new Random(seed);

        // Non-default statistics so that batch norm's scale and shift are really exercised.
        foreach (var tensor in model.ParameterTensors)
        {
            var values = model.Parameters.Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = tensor.Name.EndsWith("running_var", StringComparison.Ordinal) ? 0.5 + random.NextDouble() : random.NextDouble() * 1.2 - 0.6;
            }
        }

        return model;
    }

    private static GradientCheck Check(string name)
    {
        var model = Create(name, 11);
        // Token ids must be integers in range; gradients to them are not defined, so TextNet checks parameters only.
        Func<Random, double>? sampler = name == nameof(TextNet) ? r => r.Next(10) : null;
        return new GradientCheck(model, batch: 3, seed: 5, sampler);
    }

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
    public void Input_gradients_match_finite_differences(string name)
    {
        if (name == nameof(TextNet)) return; // ids are discrete; TextNet's input gradient is zero by definition (tested below)
        double error = Check(name).InputGradientError();
        output.WriteLine($"{name}: max relative input-gradient error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: input gradient error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Tangents_of_every_layer_match_finite_differences(string name)
    {
        if (name == nameof(TextNet)) return;
        double error = Check(name).TangentError(seed: 3);
        output.WriteLine($"{name}: max relative tangent error {error:E2}");
        Assert.True(error < GradientCheck.Tolerance, $"{name}: tangent error {error:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Reverse_and_forward_mode_agree(string name)
    {
        if (name == nameof(TextNet)) return;
        double error = Check(name).DualityError(seed: 4);
        output.WriteLine($"{name}: duality error {error:E2}");
        Assert.True(error < 1e-12, $"{name}: uᵀ(Jv) vs (Jᵀu)ᵀv relative difference {error:E2}");
    }

    [Theory]
    [InlineData(nameof(ConvNet), 3)]   // after the first pooling
    [InlineData(nameof(DenseNet), 2)]  // after tanh
    [InlineData(nameof(ResidualNet), 6)] // the concat feeding the head
    public void Inner_layer_gradients_match_finite_differences_through_ForwardFrom(string name, int layer)
    {
        var check = Check(name);
        double error = check.LayerGradientError(layer);
        Assert.True(error < GradientCheck.Tolerance, $"{name} layer {layer}: gradient error {error:E2}");
    }

    [Fact]
    public void ForwardFrom_runs_on_an_activation_written_into_the_workspaces_own_map()
    {
        // The pattern-tracking path writes L's output into the workspace's map and passes that map: no copy is made,
        // and the outputs are those of a forward pass, as from a separate array.
        var model = Create(nameof(ConvNet), 3);
        const int batch = 2, layer = 3;
        var x = Enumerable.Range(0, batch * model.InputSize).Select(i => Math.Sin(0.37 * i)).ToArray();
        var ws = model.CreateWorkspace(batch);
        var expected = new double[batch * model.OutputSize];
        model.Forward(ws, x, batch, expected);
        var activation = ws.ActivationFor(layer, batch).ToArray();

        var other = model.CreateWorkspace(batch);
        var fromArray = new double[expected.Length];
        model.ForwardFrom(other, layer, activation, batch, fromArray);
        var inPlace = new double[expected.Length];
        activation.CopyTo(other.ActivationFor(layer, batch));
        model.ForwardFrom(other, layer, other.ActivationFor(layer, batch), batch, inPlace);
        Assert.Equal(expected, fromArray);
        Assert.Equal(expected, inPlace);
        Assert.Equal(activation, other.ActivationFor(layer, batch).ToArray());
    }

    [Fact]
    public void Token_ids_receive_no_gradient_and_no_tangent()
    {
        var model = Create(nameof(TextNet), 2);
        var ws = model.CreateWorkspace(2);
        var ids = new double[] { 1, 2, 3, 4, 5, 6, 7, 0, 9, 8, 7, 6, 5, 4 };
        var output = new double[2 * model.OutputSize];
        model.Forward(ws, ids, 2, output);
        model.Backward(ws, Enumerable.Repeat(1.0, output.Length).ToArray(), 2);
        Assert.All(ws.Gradient(0).ToArray(), g => Assert.Equal(0.0, g));
        model.Tangent(ws, Enumerable.Repeat(1.0, ids.Length).ToArray(), 2);
        Assert.All(ws.Tangent(model.Layers.Count - 1).ToArray(), t => Assert.Equal(0.0, t));
    }
}
