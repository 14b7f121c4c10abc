using Axon.Model;

namespace Axon.Attribution.Tests.Fields;

/// <summary>
/// A model written by hand carries no generator facts (<see cref="INetworkFacts"/>): its maps fall back to the dense
/// layout and still equal NeuronConductance neuron by neuron, and the exact rule decides from the layer kinds.
/// </summary>
public class ModelsWithoutFactsTests
{
    [Fact]
    public void MapsAreDenseAndEqualNeuronConductance()
    {
        var model = new HandModel<double>(5, 4, 2, HandModel<double>.Act.Tanh, seed: 3);
        // HandModel is sealed and does not implement INetworkFacts, so the engine has no receptive fields to use.
        var engine = new Attributor<double>(model);
        var layout = engine.MapLayout(2);
        Assert.True(layout.IsDense);
        Assert.Equal(4 * 5, layout.Length);
        var x = BruteForce.RandomVector(5, 4);
        var baseline = BruteForce.RandomVector(5, 5, 0.3);
        var options = new IntegrationOptions { Steps = 16 };
        var maps = new double[layout.Length];
        engine.NeuronConductanceMaps(2, x, 1, Baseline<double>.Shared(baseline), maps, options);
        var one = new double[5];
        for (int j = 0; j < 4; j++)
        {
            engine.NeuronConductance(2, j, x, 1, Baseline<double>.Shared(baseline), one, options);
            for (int i = 0; i < 5; i++) Assert.Equal(one[i], maps[j * 5 + i], 12);
        }
    }

    [Fact]
    public void TheExactRuleDecidesFromTheLayerKinds()
    {
        var exact = new IntegrationOptions { Rule = IntegrationRule.Exact };
        var relu = new Attributor<double>(new HandModel<double>(5, 4, 2, HandModel<double>.Act.Relu, seed: 6));
        var x = BruteForce.RandomVector(5, 7, 2);
        var report = relu.IntegratedGradients(x, 0, Baseline<double>.Zero, new double[5], exact);
        Assert.True(report.MaxRelativeQuadratureError < 1e-12, $"{report.MaxRelativeQuadratureError:E2}");

        var tanh = new Attributor<double>(new HandModel<double>(5, 4, 2, HandModel<double>.Act.Tanh, seed: 6));
        var error = Assert.Throws<NotSupportedException>(() => tanh.IntegratedGradients(x, 0, Baseline<double>.Zero, new double[5], exact));
        Assert.Contains("'act'", error.Message);
    }
}
