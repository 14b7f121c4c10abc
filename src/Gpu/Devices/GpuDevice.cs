using System.Runtime.CompilerServices;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Axon.Gpu;

/// <summary>
/// One ILGPU context and accelerator. Networks compile their kernels against it; dispose it after them.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private readonly Context _context;

    private GpuDevice(Context context, Accelerator accelerator)
    {
        _context = context;
        Accelerator = accelerator;
    }

    /// <summary>The accelerator the kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>True for a real GPU (CUDA), false for ILGPU's CPU accelerator.</summary>
    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>One line saying which accelerator was chosen, for the user to see.</summary>
    public string Description => IsCuda
        ? $"GPU: {Accelerator.Name} (CUDA, {Accelerator.MemorySize / (1L << 20)} MiB)"
        : "GPU backend on ILGPU's CPU accelerator (no CUDA device found or CPU requested): correct, but a simulator — not for speed";

    /// <summary>Opens the accelerator <paramref name="choice"/> asks for.</summary>
    /// <exception cref="PlatformNotSupportedException">Dynamic code is not supported (NativeAOT).</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and no CUDA device is present.</exception>
    public static GpuDevice Create(DeviceChoice choice = DeviceChoice.Auto)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            throw new PlatformNotSupportedException("The GPU backend compiles kernels at run time, which this app (NativeAOT) cannot do: use the CPU backend.");
        }

        if (!Enum.IsDefined(choice)) throw new ArgumentOutOfRangeException(nameof(choice), choice, "Choose Auto, Cuda or Cpu.");

        // The CPU accelerator runs each thread of a group as an OS thread, so it simulates small groups (4 warps of 4,
        // ILGPU's default): the generated tiled products take 4 × 4 tiles there. The algorithms library maps Math.Exp,
        // Math.Log, … to device code.
        var context = Context.Create(builder => builder.Cuda().CPU(CPUDevice.Default).EnableAlgorithms().Optimize(OptimizationLevel.O1));
        try
        {
            Device? device = null;
            if (choice != DeviceChoice.Cpu)
            {
                foreach (var candidate in context.GetCudaDevices())
                {
                    device = candidate;
                    break;
                }

                if (device is null && choice == DeviceChoice.Cuda)
                {
                    throw new InvalidOperationException("A CUDA device was asked for, but none is present (no NVIDIA GPU or no driver): use DeviceChoice.Auto or DeviceChoice.Cpu.");
                }
            }

            device ??= context.GetCPUDevice(0);
            return new GpuDevice(context, device.CreateAccelerator(context));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Frees the accelerator and the ILGPU context; dispose every network, workspace and backend on this device first.</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
