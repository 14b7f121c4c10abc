using Axon.Model;

namespace Axon.Runtime.Tests.Networks;

/// <summary>The learned and sinusoidal position tables: values against the formulas, gradients and tangents against finite differences.</summary>
public sealed class PositionalLayerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Batch = 2;

    private static PositionNet Model(int seed)
    {
        var model = new PositionNet();
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = random.NextDouble() * 1.6 - 0.8;
        return model;
    }

    [Fact]
    public void The_tables_are_added_as_written()
    {
        var model = Model(1);
        var tensor = Assert.Single(model.ParameterTensors, t => t.Name == "positions.weight");
        Assert.Equal(new[] { 4, 6 }, tensor.Shape.ToArray());
        var weight = model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray();
        var random = new Random(2);
        var x = Enumerable.Range(0, Batch * 24).Select(_ => random.NextDouble()).ToArray();
        var ws = model.CreateWorkspace(Batch);
        model.Forward(ws, x, Batch, new double[Batch * 2]);
        var learned = ws.Activation(PositionNet.LayerIndex.positions).ToArray();
        var sinusoid = ws.Activation(PositionNet.LayerIndex.sinusoid).ToArray();
        for (int b = 0; b < Batch; b++)
        {
            for (int p = 0; p < 4; p++)
            {
                for (int i = 0; i < 3; i++)
                {
                    // "Attention Is All You Need", section 3.5: PE(p, 2i) = sin(p / 10000^(2i/d)), PE(p, 2i+1) = cos(…).
                    double frequency = 1 / Math.Pow(10000, 2.0 * i / 6);
                    int at = b * 24 + p * 6 + 2 * i;
                    Assert.Equal(x[at] + weight[p * 6 + 2 * i], learned[at], 14);
                    Assert.Equal(learned[at] + Math.Sin(p * frequency), sinusoid[at], 14);
                    Assert.Equal(learned[at + 1] + Math.Cos(p * frequency), sinusoid[at + 1], 14);
                }
            }
        }
    }

    [Fact]
    public void Gradients_and_tangents_match_finite_differences()
    {
        var check = new GradientCheck(Model(3), Batch, seed: 4);
        double parameters = check.ParameterGradientError(), input = check.InputGradientError(), tangent = check.TangentError(seed: 5);
        output.WriteLine($"parameters {parameters:E2}, input {input:E2}, tangents {tangent:E2}");
        Assert.True(parameters < GradientCheck.Tolerance && input < GradientCheck.Tolerance && tangent < GradientCheck.Tolerance);
    }

    [Fact]
    public void Both_tables_are_affine()
    {
        Assert.True(LayerKind.PositionalEmbedding.IsAffine());
        Assert.True(LayerKind.SinusoidalPositionalEncoding.IsAffine());
    }
}
