using System.Buffers.Binary;
using Axon.Data;
using Axon.IO;

namespace Axon.Samples.FashionTrain;

/// <summary>
/// A few test images with their labels as a safetensors file that <see cref="SafeTensorsFile"/> reads back:
/// <c>images</c> F32 [N, 1, 28, 28] (pixels / 255, as the model was trained on), <c>labels</c> I64 [N] and
/// <c>indices</c> I64 [N] (each image's position in the test split).
/// </summary>
internal static class SampleExport
{
    public const string ImagesTensor = "images";
    public const string LabelsTensor = "labels";
    public const string IndicesTensor = "indices";

    public const string SelectionRule =
        "round-robin over the classes in label order: the first test image of each class, then the second of each, ...";

    /// <summary>
    /// Test-set indices of <paramref name="count"/> images: round <c>r</c> takes the (r+1)-th image (in test-set
    /// order) of class 0, then of class 1, ... up to class 9; the first 10 thus cover every class once.
    /// </summary>
    public static int[] Select(LabeledImages test, int count)
    {
        int classes = test.ClassNames.Count;
        var byClass = new List<int>[classes];
        for (int c = 0; c < classes; c++) byClass[c] = [];
        for (int i = 0; i < test.Count; i++) byClass[test.Labels[i]].Add(i);

        var chosen = new List<int>(count);
        for (int round = 0; chosen.Count < count; round++)
        {
            bool any = false;
            for (int c = 0; c < classes && chosen.Count < count; c++)
            {
                if (round >= byClass[c].Count) continue;
                chosen.Add(byClass[c][round]);
                any = true;
            }

            if (!any) throw new ArgumentOutOfRangeException(nameof(count), count, $"Only {chosen.Count} test images are available; {count} were asked for.");
        }

        return chosen.ToArray();
    }

    /// <summary>Writes the selected images to <paramref name="path"/>; returns their test-set indices.</summary>
    public static int[] Write(LabeledImages test, int count, string path)
    {
        int[] indices = Select(test, count);
        int size = test.PixelsPerImage;
        var images = new float[count * size];
        var labels = new byte[count * sizeof(long)];
        var positions = new byte[count * sizeof(long)];
        for (int k = 0; k < count; k++)
        {
            test.Image(indices[k]).CopyTo(images.AsSpan(k * size, size));
            BinaryPrimitives.WriteInt64LittleEndian(labels.AsSpan(k * sizeof(long)), test.Labels[indices[k]]);
            BinaryPrimitives.WriteInt64LittleEndian(positions.AsSpan(k * sizeof(long)), indices[k]);
        }

        var entries = new[]
        {
            new SafeTensorsEntry(ImagesTensor, [count, 1, test.Height, test.Width], images),
            SafeTensorsEntry.FromBytes(LabelsTensor, SafeTensorsDType.I64, [count], labels),
            SafeTensorsEntry.FromBytes(IndicesTensor, SafeTensorsDType.I64, [count], positions),
        };
        var metadata = new Dictionary<string, string>
        {
            ["source"] = "Fashion-MNIST test split (t10k-images-idx3-ubyte)",
            ["selection"] = SelectionRule,
            ["pixels"] = "byte / 255, in [0, 1], no mean/std normalisation",
            ["class_names"] = string.Join(",", test.ClassNames),
        };
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        SafeTensorsWriter.Write(path, entries, metadata);
        return indices;
    }
}
