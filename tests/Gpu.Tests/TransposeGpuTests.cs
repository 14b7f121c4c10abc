using Axon;
using Axon.Layers;

namespace Axon.Gpu.Tests;

/// <summary>[4, 6] → xᵀ [6, 4] → Dense per row → back to [5, 6] → mean over positions → head.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class TransposeGpuNet
{
    [Layer] private readonly Dense rows = new(4, 5);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(5, 3);

    private Tensor Forward(Tensor x) => head.Apply(mean.Apply(tanh.Apply(rows.Apply(x.Transpose())).Transpose()));
}

[GpuModel(typeof(TransposeGpuNet))] public partial class TransposeGpuNetGpu;

/// <summary>Token ids → channels-first embedding [4, 6] → [6, 4] per-position Dense → back → mean → head.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(6)]
public partial class TokenTransposeGpuNet
{
    [Layer] private readonly Embedding embedding = new(10, 4);
    [Layer] private readonly Dense rows = new(4, 4);
    [Layer] private readonly GlobalAvgPool mean = new();
    [Layer] private readonly Dense head = new(4, 2);

    private Tensor Forward(Tensor x) => head.Apply(mean.Apply(rows.Apply(embedding.Apply(x).Transpose()).Transpose()));
}

[GpuModel(typeof(TokenTransposeGpuNet))] public partial class TokenTransposeGpuNetGpu;

/// <summary>x.Transpose()'s GPU kernels (forward, backward, tangent) against the generated CPU code, node by node.</summary>
[Collection(GpuCollection.Name)]
public sealed class TransposeGpuTests(GpuDeviceFixture fixture)
{
    [Fact]
    public void TransposesAroundAPerPositionDenseMatchCpu() =>
        NodeParityTests.Compare(new TransposeGpuNet(), m => new TransposeGpuNetGpu(m, fixture.Device), 1e-10);

    [Fact]
    public void ATransposedEmbeddingMatchesCpu() =>
        NodeParityTests.Compare(new TokenTransposeGpuNet(), m => new TokenTransposeGpuNetGpu(m, fixture.Device), 1e-10, tokens: 10);
}
