using Axon.Attribution;
using Axon.IO;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>
/// The single-image analysis takes IG and relu2's conductance from one path pass (layer conductance over [input, relu2]):
/// on the shipped model and images its IG map, filter conductances, deltas and n are what the two separate calls give,
/// with a fixed n and in the adaptive mode.
/// </summary>
public sealed class OnePassAnalysisTests
{
    private static readonly string AssetsDirectory = Path.Combine(RepositoryRoot(), "samples", "Assets");

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void The_analysis_equals_the_IG_call_and_the_conductance_call(double tolerance)
    {
        var model = new FashionCnn();
        ModelWeights.Load(model, Path.Combine(AssetsDirectory, "fashion-cnn.safetensors"));
        var images = ImageSet.LoadShipped(Path.Combine(AssetsDirectory, "fashion-samples.safetensors"));
        var analyzer = new ImageAnalyzer(model, steps: 50, tolerance, topFilters: 1);
        var engine = new Attributor<float>(model);
        var options = new IntegrationOptions { Rule = IntegrationRule.GaussLegendre, Steps = 50, Tolerance = tolerance, MaxSteps = 800 };
        int relu2 = FashionCnn.LayerIndex.relu2, size = model.Layers[relu2].Size, filters = analyzer.FilterCount;
        foreach (int i in new[] { 0, 7 })
        {
            var image = images.Image(i);
            var a = analyzer.Analyze(image, images.Labels[i], images.SourceIndices[i]);
            var ig = new float[FashionCnn.InputSize];
            var conductance = new float[size];
            var igDelta = new float[1];
            var conductanceDelta = new float[1];
            var igReport = engine.IntegratedGradients(image, a.Predicted, Baseline<float>.Zero, ig, options, igDelta);
            var conductanceReport = engine.LayerConductance(relu2, image, a.Predicted, Baseline<float>.Zero, conductance, options, conductanceDelta);

            double igScale = ig.Max(v => Math.Abs((double)v));
            Assert.All(Enumerable.Range(0, ig.Length), p => Assert.True(Math.Abs(ig[p] - a.IgMap[p]) <= 1e-6 * igScale, $"image {i}, pixel {p}: {ig[p]} vs {a.IgMap[p]}"));

            // Each filter's score is the sum of its neurons' conductances (channels first).
            int perFilter = size / filters;
            var expected = Enumerable.Range(0, filters).Select(f => conductance.AsSpan(f * perFilter, perFilter).ToArray().Sum(v => (double)v)).ToArray();
            double filterScale = expected.Max(Math.Abs);
            foreach (var filter in a.Filters)
                Assert.True(Math.Abs(expected[filter.Filter] - filter.Conductance) <= 1e-5 * filterScale, $"image {i}, filter {filter.Filter}: {expected[filter.Filter]} vs {filter.Conductance}");

            // The deltas are sums of the values above less F(x) − F(0): their rounding is measured against that change.
            double change = Math.Abs(a.TargetChange);
            Assert.True(Math.Abs(igDelta[0] - a.IgDelta) <= 1e-5 * change, $"image {i}: IG delta {igDelta[0]} vs {a.IgDelta}");
            Assert.True(Math.Abs(conductanceDelta[0] - a.ConductanceDelta) <= 1e-5 * change, $"image {i}: conductance delta {conductanceDelta[0]} vs {a.ConductanceDelta}");
            Assert.Equal(igReport.Steps, a.IgSteps);
            Assert.Equal(conductanceReport.Steps, a.ConductanceSteps);
            Assert.True(a.ConductanceDeltaIsCompletenessGap);
        }
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
