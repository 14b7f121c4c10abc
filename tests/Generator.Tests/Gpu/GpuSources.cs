namespace Axon.Generator.Tests.Gpu;

/// <summary>Model sources with [GpuModel] declarations for the GPU generator tests.</summary>
public static class GpuSources
{
    public const string SmallCnn = """
        using Axon;
        using Axon.Layers;

        namespace Demo.Gpu;

        [Differentiable, InputShape(1, 6, 6)]
        public partial class SmallCnn
        {
            [Layer] readonly Conv2d conv = new(1, 2, kernel: 3, padding: 1);
            [Layer] readonly ReLU relu = new();
            [Layer] readonly MaxPool2d pool = new(2);
            [Layer] readonly Flatten flat = new();
            [Layer] readonly Dense fc = new(18, 3);
        }
        """;

    public const string SmallCnnGpu = """
        using Axon.Gpu;

        namespace Demo.Gpu.Kernels;

        [GpuModel(typeof(Demo.Gpu.SmallCnn))]
        public partial class SmallCnnGpu;
        """;
}
