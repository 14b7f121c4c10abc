namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// samples/OnnxImport/tiny_mlp.onnx is the MLP of <see cref="OnnxTestNetwork.Mlp"/> as bytes: this test is how it was
/// made (AXON_UPDATE_SNAPSHOTS=1 rewrites it) and checks that the checked-in file still is exactly that.
/// </summary>
public sealed class OnnxSampleFileTests
{
    [Fact]
    public void Checked_in_sample_model_is_the_builders_mlp()
    {
        string path = Path.Combine(RepositoryRoot(), "samples", "OnnxImport", "tiny_mlp.onnx");
        var expected = OnnxTestNetwork.Mlp().Model;
        if (Environment.GetEnvironmentVariable("AXON_UPDATE_SNAPSHOTS") == "1") File.WriteAllBytes(path, expected);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
