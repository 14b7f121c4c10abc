using Axon.Attribution;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>
/// The main job's filter maps: each top filter's map is the neuron conductance of that filter's neurons taken together
/// (computed here with NeuronConductance over the filter's neuron list, one call), and the report draws one per top filter.
/// </summary>
public sealed class FilterMapReportTests(ShippedAnalysis shipped) : IClassFixture<ShippedAnalysis>
{
    [Fact]
    public void Each_top_filters_map_is_the_neuron_conductance_of_its_neurons_and_the_report_draws_them()
    {
        var a = shipped.First;
        Assert.Equal(shipped.Analyzer.TopFilters, a.FilterMaps.Count);
        Assert.Equal(a.Filters.Take(shipped.Analyzer.TopFilters).Select(f => f.Filter), a.FilterMaps.Select(m => m.Filter));

        var engine = new Attributor<float>(shipped.Model);
        int layer = FashionCnn.LayerIndex.relu2, perFilter = shipped.Model.Layers[layer].Size / shipped.Analyzer.FilterCount;
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = shipped.Analyzer.Steps };
        var expected = new float[FashionCnn.InputSize];
        foreach (var (filter, map) in a.FilterMaps)
        {
            int[] neurons = Enumerable.Range(filter * perFilter, perFilter).ToArray();
            engine.NeuronConductance(FashionCnn.LayerIndex.relu2, neurons, shipped.Images.Image(0), AttributionTarget<float>.Class(a.Predicted), Baseline<float>.Zero, expected, options);
            double scale = expected.Max(v => Math.Abs(v));
            Assert.True(scale > 0, $"filter {filter}: an empty map");
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - map[i]) <= 1e-4 * scale, $"filter {filter}, pixel {i}: {map[i]} vs {expected[i]}");
        }

        var figures = shipped.Page.Descendants().Where(e => e.Name.LocalName == "figure" && ((string?)e.Attribute("class"))?.Contains("filter-map") == true).ToArray();
        Assert.Equal(2 * shipped.Analyzer.TopFilters, figures.Length); // two cards
    }
}
