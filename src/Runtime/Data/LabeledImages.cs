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
    /// <summary>Wraps images and labels that are already in memory; <paramref name="pixels"/> and <paramref name="labels"/> are kept, not copied.</summary>
    /// <param name="pixels">labels.Length × height × width values, image after image, row by row; scale them to [0, 1] as the rest of Axon expects (not checked).</param>
    /// <param name="labels">The class of each image, each below classNames.Count.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="classNames">The name of each class, by label (copied).</param>
    /// <exception cref="ArgumentException">The pixel count is not labels.Length × height × width, or a label is not below the number of classes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> or <paramref name="width"/> is negative.</exception>
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

    /// <summary>Number of images (and labels).</summary>
    public int Count => Labels.Length;

    /// <summary>Rows per image, in pixels.</summary>
    public int Height { get; }

    /// <summary>Columns per image, in pixels.</summary>
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

    /// <summary>A one-line summary, e.g. <c>10000 images of 28×28, 10 classes</c>.</summary>
    public override string ToString() => $"{Count} images of {Height}×{Width}, {ClassNames.Count} classes";
}
