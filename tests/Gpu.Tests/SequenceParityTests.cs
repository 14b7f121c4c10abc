namespace Axon.Gpu.Tests;

/// <summary>
/// Attention (causal, padded, without biases, with separate q/k/v projections, shared in an encoder block), LSTM and GRU: every node's activations,
/// gradients and tangents and every parameter's gradient on the GPU against the generated CPU code (see
/// <see cref="NodeParityTests"/>), in double (relative 1e-10) and float (relative 1e-5).
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class SequenceParityTests(GpuDeviceFixture fixture)
{
    [Fact]
    public void AttentionWithAndWithoutBiasesAndCausalMatchesCpu() =>
        NodeParityTests.Compare(new AttentionGpuNet(), m => new AttentionGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void FloatAttentionMatchesCpu() =>
        NodeParityTests.Compare(new AttentionGpuNetFloat(), m => new AttentionGpuNetFloatGpu(m, fixture.Device), 1e-5);

    [Fact]
    public void AttentionWithSeparateProjectionsMatchesCpu() =>
        NodeParityTests.Compare(new SeparateAttentionGpuNet(), m => new SeparateAttentionGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void AttentionWithPaddingAndCausalMasksMatchesCpu() =>
        NodeParityTests.Compare(new PaddedAttentionGpuNet(), m => new PaddedAttentionGpuNetGpu(m, fixture.Device), 1e-10, tokens: 3, moveTokens: true);

    [Fact]
    public void EncoderBlockWithSharedAttentionMatchesCpu() =>
        NodeParityTests.Compare(new EncoderGpuNet(), m => new EncoderGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void LstmAndGruMatchCpu() =>
        NodeParityTests.Compare(new RecurrentGpuNet(), m => new RecurrentGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void FloatLstmAndGruMatchCpu() =>
        NodeParityTests.Compare(new RecurrentGpuNetFloat(), m => new RecurrentGpuNetFloatGpu(m, fixture.Device), 1e-5);
}
