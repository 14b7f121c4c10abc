using Axon.Data;

namespace Axon.Runtime.Tests.Data;

public class LabeledImagesTests
{
    private const int Side = 28;

    /// <summary>Three random 28×28 images labelled 0, 1, 2, scaled to [0, 1] as a loader makes them.</summary>
    private static LabeledImages ThreeImages()
    {
        var rng = new Random(1);
        float[] pixels = Enumerable.Range(0, 3 * Side * Side).Select(_ => rng.Next(256) / 255f).ToArray();
        return new LabeledImages(pixels, [0, 1, 2], Side, Side, ["zero", "one", "two"]);
    }

    [Fact]
    public void DoubleModelsGetDoublePixels()
    {
        var train = ThreeImages();
        double[] all = train.PixelsAs<double>();
        Assert.Equal(train.Pixels.Select(p => (double)p), all);
        var batch = new double[2 * 784];
        train.CopyImages(1, 2, batch.AsSpan());
        Assert.Equal(all.AsSpan(784, 2 * 784).ToArray(), batch);
        var slice = train.Slice(1, 2);
        Assert.Equal(train.Labels[1..3], slice.Labels);
        Assert.Equal("two", slice.ClassName(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => train.CopyImages(2, 2, batch.AsSpan()));
    }
}
