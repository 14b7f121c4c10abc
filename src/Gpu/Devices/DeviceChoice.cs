namespace Axon.Gpu;

/// <summary>Which accelerator <see cref="GpuDevice.Create"/> opens.</summary>
public enum DeviceChoice
{
    /// <summary>An NVIDIA GPU through CUDA when one is present, otherwise ILGPU's CPU accelerator.</summary>
    Auto,

    /// <summary>An NVIDIA GPU through CUDA; an error when there is none.</summary>
    Cuda,

    /// <summary>ILGPU's CPU accelerator: a GPU simulator for checking kernels, never for speed.</summary>
    Cpu,
}
