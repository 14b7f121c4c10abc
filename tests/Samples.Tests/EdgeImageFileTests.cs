using Axon.Samples.Edge;

namespace Axon.Samples.Tests;

/// <summary>The edge app reads no more of an image file than a valid one can hold, whatever the file is.</summary>
public sealed class EdgeImageFileTests
{
    [Fact]
    public void An_endless_stream_is_rejected_after_the_limit_without_reading_on()
    {
        var stream = new EndlessStream();
        var error = Assert.Throws<ImageFileException>(() => ImageFile.ReadBounded(stream, "pipe"));
        Assert.StartsWith("too long", error.Problem);
        Assert.Contains($"{ImageFile.MaxFileBytes:N0} bytes", error.Problem);
        Assert.False(error.Missing);
        Assert.Equal(ImageFile.MaxFileBytes + 1, stream.BytesRead);
    }

    [Fact]
    public void Dev_zero_is_a_clear_error_not_an_out_of_memory()
    {
        if (!File.Exists("/dev/zero")) return; // not a Unix system: the endless stream above covers the logic
        foreach (var format in new[] { ImageFormat.Auto, ImageFormat.Raw, ImageFormat.Pgm })
        {
            var error = Assert.Throws<ImageFileException>(() => ImageFile.Read("/dev/zero", format));
            Assert.Equal("'/dev/zero': " + error.Problem, error.Message);
            Assert.StartsWith("too long", error.Problem);
        }
    }

    [Fact]
    public void A_file_of_exactly_the_limit_is_read_whole_and_judged_by_its_content()
    {
        using var directory = new TempDirectory();
        string path = directory.File("large.raw");
        File.WriteAllBytes(path, new byte[ImageFile.MaxFileBytes]);
        var error = Assert.Throws<ImageFileException>(() => ImageFile.Read(path));
        Assert.Contains($"this file has {ImageFile.MaxFileBytes:N0}", error.Problem);

        var bounded = ImageFile.ReadBounded(new MemoryStream(new byte[ImageFile.PixelCount]), "image.raw");
        Assert.Equal(ImageFile.PixelCount, bounded.Length);
    }
}
