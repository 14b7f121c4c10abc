namespace Axon.Gpu.Tests;

/// <summary>The transformer layers' GPU kernels against the generated CPU code, node by node (see <see cref="NodeParityTests"/>).</summary>
[Collection(GpuCollection.Name)]
public sealed class TransformerParityTests(GpuDeviceFixture fixture)
{
    [Fact]
    public void NormalisationsSiluIdentityAndDropoutMatchCpu() =>
        NodeParityTests.Compare(new NormGpuNet(), m => new NormGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void DenseAppliedPerPositionMatchesCpu() =>
        NodeParityTests.Compare(new PerPositionGpuNet(), m => new PerPositionGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void LearnedAndSinusoidalPositionsMatchCpu() =>
        NodeParityTests.Compare(new PositionGpuNet(), m => new PositionGpuNetGpu(m, fixture.Device), 1e-10);
}
