namespace Axon.Attribution.Tests;

/// <summary>The ready-made baselines against brute-force computations written here, and their seeded reproducibility.</summary>
public class BaselinesTests
{
    [Fact]
    public void BlurIsABorderRenormalisedGaussianWeightedMean()
    {
        int channels = 2, height = 7, width = 9;
        var image = BruteForce.RandomVector(channels * height * width, 1, 1);
        var blurred = new double[image.Length];
        const double sigma = 1.3;
        Baselines.Blurred<double>(image, channels, height, width, sigma, blurred);

        // Brute force: the 2-D product kernel over the pixels inside the image, normalised per output pixel.
        int radius = (int)Math.Ceiling(3 * sigma);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double sum = 0, weight = 0;
                    for (int dy = -radius; dy <= radius; dy++)
                        for (int dx = -radius; dx <= radius; dx++)
                        {
                            int yy = y + dy, xx = x + dx;
                            if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
                            double w = Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                            sum += w * image[(c * height + yy) * width + xx];
                            weight += w;
                        }

                    Assert.Equal(sum / weight, blurred[(c * height + y) * width + x], 12);
                }

        var constant = Enumerable.Repeat(0.25, 63).ToArray();
        var flat = new double[63];
        Baselines.Blurred<double>(constant, 1, 7, 9, 2.0, flat);
        Assert.All(flat, v => Assert.Equal(0.25, v, 14));
        Baselines.Blurred<double>(image, channels, height, width, 0, blurred);
        Assert.Equal(image, blurred);
    }

    [Fact]
    public void NoiseAndDrawsAreSeededAndHaveTheirDistributions()
    {
        var uniform = new float[20000];
        Baselines.UniformNoise<float>(uniform, -1, 3, seed: 4);
        Assert.All(uniform, v => Assert.InRange(v, -1f, 3f));
        Assert.Equal(1.0, uniform.Average(), 1);            // mean of U(−1, 3)
        var again = new float[20000];
        Baselines.UniformNoise<float>(again, -1, 3, seed: 4);
        Assert.Equal(uniform, again);

        double[] input = [1, 2, 3];
        var around = new double[3 * 5000];
        Baselines.GaussianAround<double>(input, 5000, 0.5, seed: 2, around);
        for (int i = 0; i < 3; i++)
        {
            var column = Enumerable.Range(0, 5000).Select(c => around[c * 3 + i]).ToArray();
            double mean = column.Average(), sd = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            Assert.Equal(input[i], mean, 1);
            Assert.Equal(0.5, sd, 1);
        }

        var images = Enumerable.Range(0, 4 * 3).Select(i => (double)i).ToArray(); // 4 images of 3 values
        var drawn = new double[6 * 3];
        var indices = new int[6];
        Baselines.DrawFrom<double>(images, 3, 6, seed: 9, drawn, indices);
        for (int c = 0; c < 6; c++) Assert.Equal(images.AsSpan(indices[c] * 3, 3).ToArray(), drawn.AsSpan(c * 3, 3).ToArray());
        Assert.Throws<ArgumentException>(() => Baselines.DrawFrom<double>(images, 5, 1, 0, new double[5]));
    }
}
