// Axon on the edge: a NativeAOT binary with the trained Fashion-MNIST CNN inside it. Given a 28×28 grey-scale
// image (PGM or 784 raw bytes) it prints the predicted class, the three conv2 filters with the largest total
// conductance, and the 4×4 input patch with the largest Integrated Gradients, each with its completeness delta.
using System.Globalization;
using System.Runtime.Intrinsics;
using Axon.Samples.Fashion;
using Axon.IO;
using Axon.Samples.Edge;

const string Usage = """
    usage: axon-edge IMAGE [--format auto|pgm|raw] [--repeat N]
           axon-edge --export SAMPLES.safetensors DIR [--plain]

      IMAGE       a 28×28 grey-scale image: PGM (binary P5 or plain P2, maxval 1..255) or exactly 784 raw
                  bytes (one per pixel, row-major, 0 = black); the format follows the extension (.pgm/.pnm,
                  .raw/.bin/.gray), else the content
      --format    read IMAGE as this format whatever its name
      --repeat N  after the explanation, time N more attributions of the same image (min/median/mean)
      --export    write the images of a samples file ("images" [N,1,28,28], "labels", "indices") as PGM
                  files NN-class.pgm into DIR; --plain writes P2 (ASCII) instead of P5

    exit codes: 0 done, 2 bad arguments, 3 file missing or unreadable, 4 file is not a valid image
    """;

try
{
    return Run(args);
}
catch (ImageFileException e)
{
    Console.Error.WriteLine($"axon-edge: error: {e.Message}");
    return e.Missing ? 3 : 4;
}
catch (UsageException e)
{
    Console.Error.WriteLine($"axon-edge: {e.Message} (see --help)");
    return 2;
}
catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException)
{
    Console.Error.WriteLine($"axon-edge: error: {e.Message}");
    return 1;
}

static int Run(string[] args)
{
    if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
    {
        (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Usage);
        return args.Length == 0 ? 2 : 0;
    }

    if (args[0] == "--export") return Export(args);

    string? path = null;
    var format = ImageFormat.Auto;
    int repeat = 0;
    for (int i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--format":
                format = Value(args, ref i) switch
                {
                    "auto" => ImageFormat.Auto,
                    "pgm" => ImageFormat.Pgm,
                    "raw" => ImageFormat.Raw,
                    var other => throw new UsageException($"unknown format '{other}': use auto, pgm or raw"),
                };
                break;
            case "--repeat":
                string text = Value(args, ref i);
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out repeat) || repeat < 1 || repeat > 100_000)
                    throw new UsageException($"--repeat takes a count from 1 to 100000, not '{text}'");
                break;
            default:
                if (args[i].StartsWith('-') && args[i].Length > 1) throw new UsageException($"unknown option '{args[i]}'");
                if (path is not null) throw new UsageException($"one image at a time: got '{path}' and '{args[i]}'");
                path = args[i];
                break;
        }
    }

    if (path is null) throw new UsageException("no image file given");

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

static int Export(string[] args)
{
    if (args.Length < 3 || args.Length > 4 || (args.Length == 4 && args[3] != "--plain"))
        throw new UsageException("--export takes SAMPLES.safetensors DIR [--plain]");
    string samples = args[1], directory = args[2];
    bool plain = args.Length == 4;
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

static string Value(string[] args, ref int i)
{
    if (i + 1 >= args.Length) throw new UsageException($"{args[i]} needs a value");
    return args[++i];
}

/// <summary>Bad command-line arguments.</summary>
internal sealed class UsageException(string message) : Exception(message);
