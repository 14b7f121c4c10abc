using Axon;
using Axon.Layers;

namespace Axon.Gpu.Tests;

/// <summary>The normalisations in every form, SiLU and the pass-through layers over [sequence, width] samples.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(3, 4)]
public partial class NormGpuNet
{
    [Layer] private readonly LayerNorm ln = new(4);
    [Layer] private readonly SiLU silu = new();
    [Layer] private readonly Identity keep = new();
    [Layer] private readonly Dropout drop = new(0.1);
    [Layer] private readonly RMSNorm rms = new(new[] { 3, 4 }, 1e-6);
    [Layer] private readonly LayerNorm plain = new(4, epsilon: 1e-3, elementwiseAffine: false);
    [Layer] private readonly LayerNorm noBias = new(4, bias: false);
    [Layer] private readonly RMSNorm rmsDefault = new(4);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 3);
}

[GpuModel(typeof(NormGpuNet))] public partial class NormGpuNetGpu;

/// <summary>Dense applied per position over [sequence, width] (nn.Linear over the last dimension), with a LayerNorm between.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(3, 4)]
public partial class PerPositionGpuNet
{
    [Layer] private readonly Dense up = new(4, 5);
    [Layer] private readonly SiLU silu = new();
    [Layer] private readonly Dense down = new(5, 4);
    [Layer] private readonly LayerNorm ln = new(4);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense head = new(12, 2);
}

[GpuModel(typeof(PerPositionGpuNet))] public partial class PerPositionGpuNetGpu;

/// <summary>Learned and sinusoidal position tables before a LayerNorm.</summary>
[Differentiable(ElementType = ElementType.Double), InputShape(4, 6)]
public partial class PositionGpuNet
{
    [Layer] private readonly PositionalEmbedding positions = new(4, 6);
    [Layer] private readonly SinusoidalPositionalEncoding sinusoid = new(4, 6);
    [Layer] private readonly LayerNorm ln = new(6);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense head = new(24, 2);
}

[GpuModel(typeof(PositionGpuNet))] public partial class PositionGpuNetGpu;
