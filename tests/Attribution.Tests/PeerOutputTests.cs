using Axon.Benchmarks.Peer;

namespace Axon.Attribution.Tests;

/// <summary>The parser of the libtorch program's output (benchmarks/Peer.Compare reads it to print the comparison).</summary>
public class PeerOutputTests
{
    // The shape of a real run's output (abridged): lines for people, then the tab-separated lines the parser reads.
    private const string RealOutput =
        "TorchSharp 0.107.0.0, libtorch 2.10.0.0, .NET 10.0.12, 2 logical CPUs\n" +
        "torch.get_num_threads() = 2, reps = 7 (median reported), warmup = 2\n" +
        "conv input-gradient self-check (DNNL_MAX_CPU_ISA=AVX2): max rel diff 1.86E-007 -> OK\n" +
        "\n" +
        "cnn-ig            2.0800 ms/input (min 2.0100), 50 model rows per input\n" +
        "PEER\tcnn-ig\t2.08\t2.01\t50\n" +
        "PEER\tcnn-lc-conv1\t2.03\t1.9\t51\n" +
        "PEER\tcnn-lc-conv2\t1.67\t1.6\t51\n" +
        "PEER\tmlp-ig\t0.287\t0.28\t50\n" +
        "PEER\tmlp-lc-fc1\t1.81E-01\t0.17\t51\r\n" +
        "PEERCHECK\tOK\t1.86E-007\n";

    [Fact]
    public void ReadsEveryWorkTheSelfCheckAndTheVersions()
    {
        var report = PeerOutput.Parse(RealOutput);
        Assert.Equal(PeerOutput.Works.Order(), report.Works.Keys.Order());
        Assert.Equal(new PeerWork("cnn-ig", 2.08, 2.01, 50), report.Works["cnn-ig"]);
        Assert.Equal(new PeerWork("cnn-lc-conv2", 1.67, 1.6, 51), report.Works["cnn-lc-conv2"]);
        Assert.Equal(0.181, report.Works["mlp-lc-fc1"].MedianMs, 12); // exponent form, CRLF line end
        Assert.True(report.CheckPassed);
        Assert.Equal("1.86E-007", report.CheckDetail);
        Assert.StartsWith("TorchSharp 0.107.0.0, libtorch 2.10.0.0", report.Versions);
    }

    [Fact]
    public void AWrongOrMissingSelfCheckIsNotPassed()
    {
        var wrong = PeerOutput.Parse("PEER\tcnn-ig\t2\t2\t50\nPEERCHECK\tWRONG\t3.1E-001\n");
        Assert.False(wrong.CheckPassed);
        Assert.Equal("WRONG", wrong.Check);
        var missing = PeerOutput.Parse("PEER\tcnn-ig\t2\t2\t50\n");
        Assert.False(missing.CheckPassed);
        Assert.Equal("MISSING", missing.Check);
    }

    [Theory]
    [InlineData("PEER\tcnn-ig\t2.08\t2.01\n")]            // a field missing
    [InlineData("PEER\tcnn-ig\t2,08\t2.01\t50\n")]        // not invariant culture
    [InlineData("PEER\tcnn-ig\tNaN\t2.01\t50\n")]
    [InlineData("PEER\tcnn-ig\t-1\t2.01\t50\n")]
    [InlineData("PEER\tcnn-ig\t2.08\t2.01\t0\n")]
    [InlineData("PEER\t\t2.08\t2.01\t50\n")]
    [InlineData("PEER\tcnn-ig\t2\t2\t50\nPEER\tcnn-ig\t3\t3\t50\n")] // twice
    [InlineData("PEERCHECK\tOK\n")]
    public void MalformedLinesAreRejectedWithTheLine(string text)
    {
        var error = Assert.Throws<FormatException>(() => PeerOutput.Parse(text));
        Assert.Contains("Peer output line", error.Message);
    }

    [Fact]
    public void LinesForPeopleAreSkipped()
    {
        var report = PeerOutput.Parse("PEERS are not read\nCNN   IntegratedGradients [input 1x28x28] right   133.1   2.08\n\tPEER\tx\t1\t1\t1\n");
        Assert.Empty(report.Works);
        Assert.Equal("", report.Versions);
    }
}
