using Axon;
using Axon.Layers;
using Axon.Samples.Fashion;

namespace Axon.Gpu.Check;

/// <summary>The shipped FashionCnn's kernels (written from the description stored on the referenced model).</summary>
[GpuModel(typeof(FashionCnn))]
internal sealed partial class FashionCnnGpu;

// FashionCnnDouble (samples/FashionModel) for the double-precision comparison (relative 1e-10).
[GpuModel(typeof(FashionCnnDouble))]
internal sealed partial class FashionCnnDoubleGpu;
