using Axon.Samples.Fashion;
using Xunit.Abstractions;

namespace Axon.Samples.Tests;

public class FashionMnistTests(ITestOutputHelper output)
{
    private const int Side = 28;

    /// <summary>Writes a miniature Fashion-MNIST (gzip or raw) with <paramref name="train"/> and <paramref name="test"/> images.</summary>
    private static (byte[] TrainPixels, byte[] TrainLabels) WriteFake(string directory, int train, int test, bool gzip = true, int seed = 1)
    {
        var rng = new Random(seed);
        byte[] trainPixels = new byte[train * Side * Side];
        byte[] testPixels = new byte[test * Side * Side];
        rng.NextBytes(trainPixels);
        rng.NextBytes(testPixels);
        trainPixels[0] = 255;
        trainPixels[1] = 0;
        byte[] trainLabels = Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray();
        byte[] testLabels = Enumerable.Range(0, test).Select(i => (byte)(9 - i % 10)).ToArray();
        Write(directory, FashionMnist.TrainImagesFile, IdxFiles.Idx(0x08, [train, Side, Side], trainPixels), gzip);
        Write(directory, FashionMnist.TrainLabelsFile, IdxFiles.Idx(0x08, [train], trainLabels), gzip);
        Write(directory, FashionMnist.TestImagesFile, IdxFiles.Idx(0x08, [test, Side, Side], testPixels), gzip);
        Write(directory, FashionMnist.TestLabelsFile, IdxFiles.Idx(0x08, [test], testLabels), gzip);
        return (trainPixels, trainLabels);
    }

    private static void Write(string directory, string name, byte[] content, bool gzip) =>
        File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? IdxFiles.Gzip(content) : content);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadsBothSplitsScaledToUnitRange(bool gzip)
    {
        using var dir = new TempDirectory();
        var (pixels, labels) = WriteFake(dir.Path, train: 12, test: 7, gzip);
        Assert.True(FashionMnist.IsInstalled(dir.Path));

        var (train, test) = FashionMnist.Load(dir.Path);
        Assert.Equal(12, train.Count);
        Assert.Equal(7, test.Count);
        Assert.Equal(784, train.PixelsPerImage);
        Assert.Equal(12 * 784, train.Pixels.Length);
        Assert.Equal(pixels.Select(p => p / 255f), train.Pixels);
        Assert.Equal(1f, train.Pixels[0]);
        Assert.Equal(0f, train.Pixels[1]);
        Assert.Equal(labels, train.Labels);
        Assert.Equal("Ankle boot", test.ClassName(0));
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
        Assert.Equal(train.Pixels.AsSpan(784, 784).ToArray(), train.Image(1).ToArray());
    }

    [Fact]
    public void LimitKeepsTheFirstImagesOfEachSplit()
    {
        using var dir = new TempDirectory();
        var (pixels, labels) = WriteFake(dir.Path, train: 20, test: 9);
        var (train, test) = FashionMnist.Load(dir.Path, limit: 5);
        Assert.Equal(5, train.Count);
        Assert.Equal(5, test.Count);
        Assert.Equal(pixels.Take(5 * 784).Select(p => p / 255f), train.Pixels);
        Assert.Equal(labels.Take(5), train.Labels);
        Assert.Equal(9, FashionMnist.LoadTest(dir.Path, limit: 100).Count);
        Assert.Empty(FashionMnist.LoadTrain(dir.Path, limit: 0).Labels);
        Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnist.Load(dir.Path, limit: -1));
    }

    [Fact]
    public void MissingDirectoryOrFileTellsHowToInstall()
    {
        using var dir = new TempDirectory();
        string absent = Path.Combine(dir.Path, "nowhere");
        Assert.False(FashionMnist.IsInstalled(absent));
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(absent));
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains(absent, ex.Message);

        WriteFake(dir.Path, train: 2, test: 2);
        File.Delete(Path.Combine(dir.Path, FashionMnist.TestLabelsFile + ".gz"));
        Assert.False(FashionMnist.IsInstalled(dir.Path));
        ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains(FashionMnist.TestLabelsFile, ex.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Equal(2, FashionMnist.LoadTrain(dir.Path).Count); // the other split is still there
    }

    [Fact]
    public void MismatchedCountsAreRejected()
    {
        using var dir = new TempDirectory();
        WriteFake(dir.Path, train: 4, test: 2);
        Write(dir.Path, FashionMnist.TrainLabelsFile, IdxFiles.Idx(0x08, [3], [0, 1, 2]), gzip: true);
        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir.Path));
        Assert.Contains("4 images", ex.Message);
        Assert.Contains("3 labels", ex.Message);
    }

    [Fact]
    public void WrongContentIsRejected()
    {
        using var dir = new TempDirectory();
        WriteFake(dir.Path, train: 2, test: 2);
        Write(dir.Path, FashionMnist.TestLabelsFile, IdxFiles.Idx(0x08, [2], [3, 10]), gzip: true);
        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTest(dir.Path));
        Assert.Contains("label 1 is 10", ex.Message);

        Write(dir.Path, FashionMnist.TestLabelsFile, IdxFiles.Idx(0x08, [2, 1], [3, 1]), gzip: true);
        ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTest(dir.Path));
        Assert.Contains("labels", ex.Message);

        File.WriteAllBytes(Path.Combine(dir.Path, FashionMnist.TrainImagesFile + ".gz"), [0x1F, 0x8B, 1, 2, 3]);
        ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTrain(dir.Path));
        Assert.Contains(FashionMnist.TrainImagesFile, ex.Message);
    }

    /// <summary>Runs against the real files that <c>apt-get install dataset-fashion-mnist</c> installs; skips without them.</summary>
    [Fact]
    public void RealFashionMnistHasTheDocumentedSplitsAndRanges()
    {
        if (!FashionMnist.IsInstalled())
        {
            output.WriteLine($"Skipped: Fashion-MNIST is not installed in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist).");
            return;
        }

        var (train, test) = FashionMnist.Load();
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        foreach (var split in new[] { train, test })
        {
            Assert.Equal(28, split.Height);
            Assert.Equal(28, split.Width);
            Assert.Equal(split.Count * 784, split.Pixels.Length);
            float min = float.MaxValue, max = float.MinValue;
            foreach (float p in split.Pixels)
            {
                min = Math.Min(min, p);
                max = Math.Max(max, p);
            }

            Assert.Equal(0f, min);
            Assert.Equal(1f, max);
            Assert.All(split.Labels, l => Assert.InRange(l, (byte)0, (byte)9));

            // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
            var perClass = split.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(10, perClass.Count);
            Assert.All(perClass.Values, c => Assert.Equal(split.Count / 10, c));
        }

        var first = FashionMnist.LoadTest(limit: 3);
        Assert.Equal(test.Labels[..3], first.Labels);
        Assert.Equal(test.Pixels.AsSpan(0, 3 * 784).ToArray(), first.Pixels);
        output.WriteLine($"train: {train}; first test labels: {string.Join(", ", Enumerable.Range(0, 3).Select(first.ClassName))}");
    }
}
