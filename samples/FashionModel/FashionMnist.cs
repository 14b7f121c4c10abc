using Axon.Data;
using Axon.IO;

namespace Axon.Samples.Fashion;

/// <summary>
/// Loads Fashion-MNIST (Xiao, Rasul, Vollgraf 2017: 28×28 grey-scale clothing images in 10 classes, 60,000 for
/// training and 10,000 for testing) from its IDX files. The Debian package <c>dataset-fashion-mnist</c> installs them,
/// gzip-compressed, in <see cref="DefaultDirectory"/>; uncompressed copies with the same names (without
/// <c>.gz</c>) are read too.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const string TrainImagesFile = "train-images-idx3-ubyte";
    public const string TrainLabelsFile = "train-labels-idx1-ubyte";
    public const string TestImagesFile = "t10k-images-idx3-ubyte";
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte";

    private const string InstallHint =
        "Install the data set with `sudo apt-get install dataset-fashion-mnist` (it puts the IDX files in " + DefaultDirectory +
        "), or pass the directory that holds " + TrainImagesFile + ".gz, " + TrainLabelsFile + ".gz, " + TestImagesFile + ".gz and " +
        TestLabelsFile + ".gz (or the same files uncompressed).";

    /// <summary>The 10 classes, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    /// <summary>True when all four IDX files (compressed or not) are in <paramref name="directory"/>.</summary>
    public static bool IsInstalled(string directory = DefaultDirectory) =>
        Directory.Exists(directory) &&
        new[] { TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile }.All(name => FindFile(directory, name) is not null);

    /// <summary>
    /// Loads both splits; with <paramref name="limit"/>, only the first <paramref name="limit"/> images of each
    /// (the rest of the files is not decompressed).
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory or one of the four files is missing; the message
    /// says how to install the data set.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, holds something else than images or labels, or
    /// the image and label counts of a split differ.</exception>
    public static LabeledImageSplits Load(string directory = DefaultDirectory, int? limit = null)
    {
        CheckLimit(limit);
        RequireDirectory(directory);
        return new LabeledImageSplits(
            LoadSplit(directory, TrainImagesFile, TrainLabelsFile, limit),
            LoadSplit(directory, TestImagesFile, TestLabelsFile, limit));
    }

    /// <summary>Loads the 60,000 training images (or the first <paramref name="limit"/>).</summary>
    public static LabeledImages LoadTrain(string directory = DefaultDirectory, int? limit = null)
    {
        CheckLimit(limit);
        RequireDirectory(directory);
        return LoadSplit(directory, TrainImagesFile, TrainLabelsFile, limit);
    }

    /// <summary>Loads the 10,000 test images (or the first <paramref name="limit"/>).</summary>
    public static LabeledImages LoadTest(string directory = DefaultDirectory, int? limit = null)
    {
        CheckLimit(limit);
        RequireDirectory(directory);
        return LoadSplit(directory, TestImagesFile, TestLabelsFile, limit);
    }

    private static LabeledImages LoadSplit(string directory, string imagesName, string labelsName, int? limit)
    {
        string imagesPath = RequireFile(directory, imagesName);
        string labelsPath = RequireFile(directory, labelsName);

        var imagesHeader = IdxReader.ReadHeader(imagesPath);
        if (imagesHeader.DataType != IdxDataType.UnsignedByte || imagesHeader.Dimensions.Count != 3)
        {
            throw Invalid(
                $"'{imagesPath}' should hold images as unsigned bytes [count, rows, columns] but holds {imagesHeader}.", imagesPath);
        }

        var labelsHeader = IdxReader.ReadHeader(labelsPath);
        if (labelsHeader.DataType != IdxDataType.UnsignedByte || labelsHeader.Dimensions.Count != 1)
            throw Invalid($"'{labelsPath}' should hold labels as unsigned bytes [count] but holds {labelsHeader}.", labelsPath);

        if (imagesHeader.Dimensions[0] != labelsHeader.Dimensions[0])
        {
            throw Invalid(
                $"'{imagesPath}' holds {imagesHeader.Dimensions[0]} images but '{labelsPath}' holds {labelsHeader.Dimensions[0]} labels; " +
                "the files do not belong together.", imagesPath);
        }

        var images = IdxReader.Read(imagesPath, limit);
        var labels = IdxReader.Read(labelsPath, limit);
        byte[] labelValues = labels.Data;
        for (int i = 0; i < labelValues.Length; i++)
        {
            if (labelValues[i] >= ClassNames.Count)
                throw Invalid($"'{labelsPath}': label {i} is {labelValues[i]}; Fashion-MNIST has classes 0..{ClassNames.Count - 1}.", labelsPath);
        }

        byte[] raw = images.Data;
        var pixels = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++) pixels[i] = raw[i] / 255f;
        return new LabeledImages(pixels, labelValues, images.Dimensions[1], images.Dimensions[2], ClassNames);
    }

    private static void RequireDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new FileNotFoundException($"Fashion-MNIST was not found: the directory '{directory}' does not exist. {InstallHint}", directory);
    }

    private static string RequireFile(string directory, string name) =>
        FindFile(directory, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST is incomplete in '{directory}': neither {name}.gz nor {name} is there. {InstallHint}",
            Path.Combine(directory, name + ".gz"));

    private static string? FindFile(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }

        return null;
    }

    /// <summary>
    /// A corrupt or foreign file, named in the exception's data under the key the runtime's readers use, so one
    /// handler serves both.
    /// </summary>
    private static InvalidDataException Invalid(string message, string path)
    {
        var error = new InvalidDataException(message);
        error.Data[DataErrors.FileNameKey] = path;
        return error;
    }

    private static void CheckLimit(int? limit)
    {
        if (limit < 0) throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit cannot be negative.");
    }
}
