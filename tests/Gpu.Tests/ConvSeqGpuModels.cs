using Axon;
using Axon.Attribution;
using Axon.Layers;

namespace Axon.Gpu.Tests;

// Issue 15's convolution and pooling variants for GPU parity: padded, overlapping max and average pooling.

[Differentiable(ElementType = ElementType.Double), InputShape(2, 7, 8)]
public partial class PaddedPoolNet
{
    [Layer] private readonly Conv2d conv = new(2, 3, kernel: 3, padding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly MaxPool2d max = new(3, stride: 2, padding: 1);
    [Layer] private readonly AvgPool2d avg = new(3, stride: 2, padding: 1);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(12, 3);
}

[GpuModel(typeof(PaddedPoolNet))] public partial class PaddedPoolNetGpu;

[Differentiable(ElementType = ElementType.Double), InputShape(4, 6, 5)]
public partial class GroupedConvNet
{
    [Layer] private readonly Conv2d grouped = new(4, 6, kernel: 3, stride: 2, padding: 1, groups: 2);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Conv2d depthwise = new(6, 6, kernel: 3, padding: 1, bias: false, groups: 6);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(54, 3);
}

[GpuModel(typeof(GroupedConvNet))] public partial class GroupedConvNetGpu;

[Differentiable(ElementType = ElementType.Double), InputShape(2, 4, 3)]
public partial class DecoderNet
{
    [Layer] private readonly ConvTranspose2d up = new(2, 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1);
    [Layer] private readonly Tanh tanh = new();
    [Layer] private readonly Upsample bilinear = new(2, UpsampleMode.Bilinear);
    [Layer] private readonly Conv2d mix = new(3, 2, kernel: 3, stride: 2, padding: 1);
    [Layer] private readonly Upsample nearest = new(3);
    [Layer] private readonly ConvTranspose2d plain = new(2, 1, kernel: 2, bias: false);
    [Layer] private readonly Flatten flatten = new();
    [Layer] private readonly Dense fc = new(475, 2);
}

[GpuModel(typeof(DecoderNet))] public partial class DecoderNetGpu;
