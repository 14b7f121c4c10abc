using Axon.Data;
using Axon.IO;

namespace Axon.Samples.Fashion;

/// <summary>Images to attribute (N × 784 pixels in [0, 1]) with their labels and where they came from.</summary>
internal sealed record ImageSet(float[] Pixels, int[] Labels, int[] SourceIndices, string Origin)
{
    public int Count => Labels.Length;

    public ReadOnlySpan<float> Image(int i) => Pixels.AsSpan(i * FashionCnn.InputSize, FashionCnn.InputSize);

    /// <summary>The first <paramref name="count"/> images (all of them when there are no more).</summary>
    public ImageSet Take(int count) => count >= Count
        ? this
        : new ImageSet(Pixels.AsSpan(0, count * FashionCnn.InputSize).ToArray(), Labels[..count], SourceIndices[..count], Origin);

    /// <summary>The handful of test images shipped with the repository ("images" [N,1,28,28] F32, "labels" [N]).</summary>
    public static ImageSet LoadShipped(string path)
    {
        var file = SafeTensorsFile.Read(path);
        var images = file["images"];
        if (images.ElementCount % FashionCnn.InputSize != 0)
            throw new InvalidDataException($"'{path}': 'images' holds {images.ElementCount} values, not a whole number of 28×28 images.");
        var pixels = images.ToFloatArray();
        var labels = file["labels"].ToArray<long>().Select(l => (int)l).ToArray();
        if (labels.Length * FashionCnn.InputSize != pixels.Length)
            throw new InvalidDataException($"'{path}': {labels.Length} labels for {pixels.Length / FashionCnn.InputSize} images.");
        // "indices" (optional) gives each image's position in the Fashion-MNIST test set.
        int[] indices = file.Contains("indices") ? file["indices"].ToArray<long>().Select(i => (int)i).ToArray() : Enumerable.Range(0, labels.Length).ToArray();
        if (indices.Length != labels.Length) throw new InvalidDataException($"'{path}': {indices.Length} indices for {labels.Length} images.");
        return new ImageSet(pixels, labels, indices, "shipped samples");
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST test images (the Debian package).</summary>
    public static ImageSet LoadTestSet(int? count)
    {
        var test = FashionMnist.LoadTest(limit: count);
        return new ImageSet(test.Pixels, test.Labels.Select(l => (int)l).ToArray(), Enumerable.Range(0, test.Count).ToArray(), "Fashion-MNIST test set");
    }
}
