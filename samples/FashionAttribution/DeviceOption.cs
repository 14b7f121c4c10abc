namespace Axon.Samples.Fashion;

/// <summary>Where the main job's attributions run (<c>--device</c>).</summary>
internal enum DeviceOption
{
    /// <summary>The GPU backend when an NVIDIA GPU (CUDA) is present, otherwise the CPU backend.</summary>
    Auto,

    /// <summary>The CPU backend: the generated model's SIMD code.</summary>
    Cpu,

    /// <summary>The GPU backend: CUDA when present, otherwise ILGPU's CPU accelerator (a simulator: slow, for checking).</summary>
    Gpu,
}
