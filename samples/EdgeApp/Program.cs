// Axon on the edge: a NativeAOT binary with the trained Fashion-MNIST CNN inside it. Given a 28×28 grey-scale
// image (PGM or 784 raw bytes) it prints the predicted class, the three conv2 filters with the largest total
// conductance, and the 4×4 input patch with the largest Integrated Gradients, each with its completeness delta.
// `axon-edge --text WORDS…` explains a text with the sample transformer of samples/TextAttribution instead (TextMode).
using System.Runtime.Intrinsics;
using Axon.IO;
using Axon.Samples.Edge;
using Axon.Samples.Fashion;

try
{
    if (args is [TextMode.Flag, .. var words]) return TextMode.Run(words, Console.Out, Console.Error);
    return EdgeCommand.Run(args, Explain, Export, Console.Error);
}
catch (ImageFileException e)
{
    Console.Error.WriteLine($"axon-edge: error: {e.Message}");
    return e.Missing ? 3 : 4;
}
catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
{
    Console.Error.WriteLine($"axon-edge: error: {e.Message}");
    return 1;
}

static int Explain(ExplainRequest request)
{
    var (path, format, repeat) = request;
    var image = ImageFile.Read(path, format);
    var explainer = new EdgeExplainer();
    var names = FashionMnist.ClassNames;
    string simd = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
    Console.WriteLine($"model: FashionCnn, {EdgeExplainer.ParameterCount:N0} parameters (weights embedded); SIMD {simd}");
    Console.WriteLine($"image: {path} ({image.Format})");

    var e = explainer.Explain(image.Pixels);
    Console.WriteLine($"prediction: {names[e.Predicted]} ({e.Probability:P1})");
    Console.WriteLine($"top {EdgeExplainer.TopFilterCount} filters of conv2 ({explainer.LayerName}) by total conductance (zero baseline, Gauss-Legendre n = {EdgeExplainer.Steps}):");
    for (int k = 0; k < e.TopFilters.Length; k++)
        Console.WriteLine($"  {k + 1}. filter {e.TopFilters[k].Filter,2}  {e.TopFilters[k].Conductance:+0.0000;-0.0000}");
    Console.WriteLine($"  all {explainer.FilterCount} filters sum to {e.ConductanceSum:+0.0000;-0.0000}; F(x) - F(0) = {e.ScoreChange:+0.0000;-0.0000}; completeness delta {e.ConductanceDelta:+0.0000;-0.0000}");
    int top = e.PatchRow * EdgeExplainer.PatchSize, left = e.PatchColumn * EdgeExplainer.PatchSize;
    Console.WriteLine($"top input region by IG ({EdgeExplainer.PatchGrid}x{EdgeExplainer.PatchGrid} grid of {EdgeExplainer.PatchSize}x{EdgeExplainer.PatchSize} patches): " +
        $"patch ({e.PatchRow}, {e.PatchColumn}) = rows {top}-{top + EdgeExplainer.PatchSize - 1}, columns {left}-{left + EdgeExplainer.PatchSize - 1}: IG {e.PatchIg:+0.0000;-0.0000}");
    Console.WriteLine($"  IG sums to {e.IgSum:+0.0000;-0.0000}; F(x) - F(0) = {e.ScoreChange:+0.0000;-0.0000}; completeness delta {e.IgDelta:+0.0000;-0.0000}");
    Console.WriteLine($"time: conductance {e.ConductanceMilliseconds:F1} ms + IG {e.IgMilliseconds:F1} ms = {e.AttributionMilliseconds:F1} ms (first attribution)");

    if (repeat > 0)
    {
        var times = new double[repeat];
        for (int r = 0; r < repeat; r++) times[r] = explainer.Explain(image.Pixels).AttributionMilliseconds;
        Array.Sort(times);
        Console.WriteLine($"repeat: {repeat} x (conductance + IG): min {times[0]:F2} ms, median {times[repeat / 2]:F2} ms, mean {times.Average():F2} ms");
    }

    return 0;
}

static int Export(ExportRequest request)
{
    var (samples, directory, plain) = request;
    if (!File.Exists(samples)) throw new ImageFileException(samples, "no such file", missing: true);
    SafeTensorsFile file;
    try
    {
        file = SafeTensorsFile.Read(samples);
    }
    catch (InvalidDataException ex)
    {
        throw new ImageFileException(samples, ex.Message);
    }

    foreach (string name in new[] { "images", "labels" })
    {
        if (!file.Contains(name)) throw new ImageFileException(samples, $"has no '{name}' tensor");
    }

    float[] pixels = file["images"].ToFloatArray();
    long[] labels = file["labels"].ToArray<long>();
    long[] indices = file.Contains("indices") ? file["indices"].ToArray<long>() : [.. Enumerable.Range(0, labels.Length).Select(i => (long)i)];
    if (pixels.Length != labels.Length * ImageFile.PixelCount || indices.Length != labels.Length)
        throw new ImageFileException(samples, $"{pixels.Length} pixel values, {labels.Length} labels and {indices.Length} indices do not describe {labels.Length} 28×28 images");

    Directory.CreateDirectory(directory);
    var names = FashionMnist.ClassNames;
    for (int i = 0; i < labels.Length; i++)
    {
        string label = labels[i] >= 0 && labels[i] < names.Count ? names[(int)labels[i]] : $"label {labels[i]}";
        string slug = new([.. label.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        string target = Path.Combine(directory, $"{i:00}-{slug}.pgm");
        ImageFile.WritePgm(target, pixels.AsSpan(i * ImageFile.PixelCount, ImageFile.PixelCount), plain,
            $"Fashion-MNIST test image {indices[i]}, label {labels[i]} ({label})");
        Console.WriteLine(target);
    }

    return 0;
}
