using System.Collections.ObjectModel;

namespace Axon.Data;

/// <summary>
/// Grey-scale images with class labels, as one flat batch-major buffer: image i occupies
/// <c>Pixels[i·PixelsPerImage .. (i+1)·PixelsPerImage)</c>, row by row, each pixel scaled to [0, 1]
/// (the raw byte / 255, as torchvision's <c>ToTensor</c> does). That layout is what a model's
/// <c>Forward(workspace, input, batch, output)</c> takes for a batch of [1, Height, Width] inputs.
/// </summary>
public sealed class LabeledImages
{
    public LabeledImages(float[] pixels, byte[] labels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if ((long)labels.Length * height * width != pixels.Length)
            throw new ArgumentException($"{labels.Length} labels of {height}×{width} images need {(long)labels.Length * height * width} pixels; {pixels.Length} were given.", nameof(pixels));
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classNames.Count)
                throw new ArgumentException($"Label {labels[i]} of image {i} is not below the {classNames.Count} classes.", nameof(labels));
        }

        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
        ClassNames = new ReadOnlyCollection<string>(classNames.ToArray());
    }

    /// <summary>All images, Count × PixelsPerImage values in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>The class of each image, an index into <see cref="ClassNames"/>.</summary>
    public byte[] Labels { get; }

    public int Count => Labels.Length;

    public int Height { get; }

    public int Width { get; }

    /// <summary>Height × Width (784 for Fashion-MNIST).</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The name of each class, by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>The class name of image <paramref name="index"/>.</summary>
    public string ClassName(int index) => ClassNames[Labels[index]];

    /// <summary>
    /// Copies images <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1, converted to
    /// <typeparamref name="T"/> (e.g. double for a double model), into <paramref name="destination"/> (count × PixelsPerImage).
    /// </summary>
    public void CopyImages<T>(int start, int count, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Images {start}..{(long)start + count - 1} were asked for; there are {Count}.");
        int length = count * PixelsPerImage;
        if (destination.Length < length)
            throw new ArgumentException($"{count} images need {length} values; the destination holds {destination.Length}.", nameof(destination));
        var source = Pixels.AsSpan(start * PixelsPerImage, length);
        if (typeof(T) == typeof(float))
        {
            source.CopyTo(MemoryMarshal.Cast<T, float>(destination));
            return;
        }

        for (int i = 0; i < source.Length; i++) destination[i] = T.CreateTruncating(source[i]);
    }

    /// <summary>All pixels converted to <typeparamref name="T"/>, in the same layout as <see cref="Pixels"/>.</summary>
    public T[] PixelsAs<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[Pixels.Length];
        CopyImages(0, Count, values.AsSpan());
        return values;
    }

    /// <summary>Images <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1 as a new set (copied).</summary>
    public LabeledImages Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Images {start}..{(long)start + count - 1} were asked for; there are {Count}.");
        return new LabeledImages(
            Pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            Height, Width, ClassNames);
    }

    public override string ToString() => $"{Count} images of {Height}×{Width}, {ClassNames.Count} classes";
}
