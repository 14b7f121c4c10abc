using Axon.IO;
using Axon.Samples.Reporting;
using Axon.Samples.Fashion;

namespace Axon.Samples.Tests;

/// <summary>The main job's analysis on the shipped model and images: what the README's first command prints.</summary>
public sealed class MainJobTests
{
    private static readonly string AssetsDirectory = Path.Combine(RepositoryRoot(), "samples", "Assets");

    [Fact]
    public void Shipped_images_are_explained_with_complete_attributions_and_a_report()
    {
        var model = new FashionCnn();
        ModelWeights.Load(model, Path.Combine(AssetsDirectory, "fashion-cnn.safetensors"));
        var images = ImageSet.LoadShipped(Path.Combine(AssetsDirectory, "fashion-samples.safetensors"));
        const double tolerance = 0.01;
        var analyzer = new ImageAnalyzer(model, steps: 50, tolerance, topFilters: 2);
        var analyses = new List<ImageAnalysis>();
        foreach (int i in new[] { 0, 7, 11 })
        {
            var a = analyzer.Analyze(images.Image(i), images.Labels[i], images.SourceIndices[i]);
            analyses.Add(a);
            Assert.Equal(a.Label, a.Predicted);

            // The adaptive mode reached the tolerance: Σ IG = F(x) − F(0) to within 1%.
            Assert.True(Math.Abs(a.IgDelta) <= tolerance * Math.Abs(a.TargetChange) * 1.0001, $"IG delta {a.IgDelta} for F change {a.TargetChange}");
            Assert.Equal(a.IgDelta, a.IgSteps == a.ConductanceSteps ? a.ConductanceDelta : a.IgDelta, 3);
            double ig = a.IgMap.Sum(v => (double)v);
            Assert.Equal(a.TargetChange + a.IgDelta, ig, 2);

            // relu2 is a cut: the filters' conductances sum to F(x) − F(0) up to the conductance delta.
            double filters = a.Filters.Sum(f => f.Conductance);
            Assert.Equal(a.TargetChange + a.ConductanceDelta, filters, 2);
            Assert.True(a.Filters.Zip(a.Filters.Skip(1)).All(p => p.First.Conductance >= p.Second.Conductance), "filters sorted by conductance");
            Assert.Equal(2, a.PatchMaps.Count);
            Assert.All(a.PatchMaps, p => Assert.Equal(ImageAnalyzer.PatchGrid * ImageAnalyzer.PatchGrid, p.Map.Length));
        }

        string html = ReportBuilder.Create(images.Origin, analyzer, analyses, Array.Empty<ReportTable>()).ToHtml();
        Assert.Contains("Test image #" + images.SourceIndices[7], html);
        Assert.Contains("relu2 filter", html);
    }

    [Fact]
    public void A_corrupt_sample_file_is_reported_clearly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"axon-bad-samples-{Guid.NewGuid():N}.safetensors");
        try
        {
            var bytes = File.ReadAllBytes(Path.Combine(AssetsDirectory, "fashion-samples.safetensors"));
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 100).ToArray());
            var error = Assert.ThrowsAny<InvalidDataException>(() => ImageSet.LoadShipped(path));
            Assert.Contains(Path.GetFileName(path), error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
