namespace Axon.Attribution;

/// <summary>
/// Ready-made baselines of the rigorous IG study: a blurred copy of the input, uniform noise, Gaussian noise around the
/// input, and draws from a set of training images. Each writes into a caller's buffer, so the result is one baseline or a
/// set (pass it to <see cref="Baseline{T}.Shared"/>, <see cref="Baseline{T}.PerInput"/> or <see cref="Baseline{T}.Distribution"/>).
/// Seeded generators give the same values on every machine.
/// </summary>
public static class Baselines
{
    /// <summary>
    /// A Gaussian blur of <paramref name="input"/> (channels × height × width, channels first) with standard deviation
    /// <paramref name="sigma"/> pixels, separable, the kernel truncated at 3σ and renormalised at the borders (each output
    /// pixel is a weighted mean of the pixels inside the image). σ = 0 copies the input.
    /// </summary>
    public static void Blurred<T>(ReadOnlySpan<T> input, int channels, int height, int width, double sigma, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (channels < 1 || height < 1 || width < 1) throw new ArgumentException($"The shape {channels}×{height}×{width} must be positive.", nameof(channels));
        long size = (long)channels * height * width;
        if (input.Length != size) throw new ArgumentException($"'input' has {input.Length} values; {channels}×{height}×{width} need {size}.", nameof(input));
        if (destination.Length != size) throw new ArgumentException($"'destination' has {destination.Length} values; {size} are needed.", nameof(destination));
        if (!double.IsFinite(sigma) || sigma < 0) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and ≥ 0.");
        if (sigma == 0)
        {
            input.CopyTo(destination);
            return;
        }

        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (int k = -radius; k <= radius; k++) kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        var rows = new double[size];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double sum = 0, weight = 0;
                    for (int k = Math.Max(-radius, -x); k <= Math.Min(radius, width - 1 - x); k++)
                    {
                        sum += kernel[k + radius] * double.CreateChecked(input[(c * height + y) * width + x + k]);
                        weight += kernel[k + radius];
                    }

                    rows[(c * height + y) * width + x] = sum / weight;
                }
            }

            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    double sum = 0, weight = 0;
                    for (int k = Math.Max(-radius, -y); k <= Math.Min(radius, height - 1 - y); k++)
                    {
                        sum += kernel[k + radius] * rows[(c * height + y + k) * width + x];
                        weight += kernel[k + radius];
                    }

                    destination[(c * height + y) * width + x] = T.CreateChecked(sum / weight);
                }
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> (any number of baselines) with values uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static void UniformNoise<T>(Span<T> destination, double low, double high, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || high < low) throw new ArgumentException($"Give finite bounds with low ≤ high ({low}, {high}).", nameof(low));
        var random = new SplitMix64(seed);
        for (int i = 0; i < destination.Length; i++) destination[i] = T.CreateChecked(low + (high - low) * random.NextDouble());
    }

    /// <summary>
    /// <paramref name="count"/> copies of <paramref name="input"/> with Gaussian noise N(0, <paramref name="sigma"/>²) added per
    /// element, one after the other in <paramref name="destination"/> (count × input length): a baseline set around the input.
    /// </summary>
    public static void GaussianAround<T>(ReadOnlySpan<T> input, int count, double sigma, int seed, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Give at least one baseline.");
        if (destination.Length != (long)count * input.Length) throw new ArgumentException($"'destination' has {destination.Length} values; {count} × {input.Length} are needed.", nameof(destination));
        if (!double.IsFinite(sigma) || sigma < 0) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be finite and ≥ 0.");
        var random = new SplitMix64(seed);
        for (int c = 0; c < count; c++)
            for (int i = 0; i < input.Length; i++) destination[c * input.Length + i] = input[i] + T.CreateChecked(sigma * random.NextGaussian());
    }

    /// <summary>
    /// <paramref name="count"/> images drawn uniformly, with replacement, from <paramref name="images"/> (a set of inputs of
    /// <paramref name="inputSize"/> values each, e.g. training images), into <paramref name="destination"/> (count × inputSize).
    /// The drawn indices go to <paramref name="drawn"/> when it is not empty (count values).
    /// </summary>
    public static void DrawFrom<T>(ReadOnlySpan<T> images, int inputSize, int count, int seed, Span<T> destination, Span<int> drawn = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inputSize < 1 || images.IsEmpty || images.Length % inputSize != 0)
            throw new ArgumentException($"'images' has {images.Length} values, not a whole, positive number of inputs of {inputSize}.", nameof(images));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Draw at least one image.");
        if (destination.Length != (long)count * inputSize) throw new ArgumentException($"'destination' has {destination.Length} values; {count} × {inputSize} are needed.", nameof(destination));
        if (!drawn.IsEmpty && drawn.Length != count) throw new ArgumentException($"'drawn' has {drawn.Length} values; give {count} or none.", nameof(drawn));
        int available = images.Length / inputSize;
        var random = new SplitMix64(seed);
        for (int c = 0; c < count; c++)
        {
            int index = random.NextInt(available);
            if (!drawn.IsEmpty) drawn[c] = index;
            images.Slice(index * inputSize, inputSize).CopyTo(destination.Slice(c * inputSize, inputSize));
        }
    }
}
