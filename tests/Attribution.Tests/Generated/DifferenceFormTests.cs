using Axon.Model;

namespace Axon.Attribution.Tests.Generated;

/// <summary>
/// The difference form carries each layer's last row from one chunk to the next. With several layers of different
/// sizes in one call, each layer's carry must stay its own: the results of one call over all layers must equal one
/// call per layer, with chunks so small that every path crosses several of them.
/// </summary>
public class DifferenceFormTests
{
    [Theory]
    [InlineData(IntegrationRule.RiemannLeft)]
    [InlineData(IntegrationRule.RiemannRight)]
    [InlineData(IntegrationRule.RiemannTrapezoid)]
    public void SeveralLayersInOneCallEqualOneLayerAtATime(IntegrationRule rule)
    {
        var model = new SmoothCnn();
        var random = new Random(41);
        var p = model.Parameters;
        for (int i = 0; i < p.Length; i++) p[i] = (random.NextDouble() * 2 - 1) * 0.6;
        var engine = new Attributor<double>(model, stepBatch: 4);
        var x = BruteForce.RandomVector(2 * SmoothCnn.InputSize, 42);
        var options = new IntegrationOptions { Rule = rule, Steps = 7, PathForm = LayerPathForm.Difference };
        int[] layers = [SmoothCnn.LayerIndex.tanh1, SmoothCnn.LayerIndex.pool1, SmoothCnn.LayerIndex.gelu];
        int total = layers.Sum(l => model.Layers[l].Size);
        Assert.True(model.Layers[layers[0]].Size != model.Layers[layers[1]].Size, "the layers' sizes must differ");

        var together = new double[2 * total];
        engine.LayerConductance(layers, x, 1, Baseline<double>.Zero, together, options);

        int offset = 0;
        foreach (int layer in layers)
        {
            int size = model.Layers[layer].Size;
            var alone = new double[2 * size];
            engine.LayerConductance(layer, x, 1, Baseline<double>.Zero, alone, options);
            for (int b = 0; b < 2; b++)
            {
                for (int j = 0; j < size; j++)
                {
                    double expected = alone[b * size + j], actual = together[b * total + offset + j];
                    Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"layer {layer}, input {b}, neuron {j}: alone {expected}, together {actual}");
                }
            }

            offset += size;
        }
    }
}
