using Axon.Attribution;
using Axon.Gpu;

namespace Axon.Samples.Fashion;

/// <summary>The main job's GPU kernels: the generator writes them for the shared FashionCnn (samples/FashionModel).</summary>
[GpuModel(typeof(FashionCnn))]
internal sealed partial class FashionCnnGpu;

/// <summary>
/// The attribution engine for <c>--device</c>: on the CPU backend, or on the GPU backend over the kernels of
/// <see cref="FashionCnnGpu"/>. Owns the device, the network and the backend, which it disposes.
/// </summary>
internal sealed class AttributionBackend : IDisposable
{
    /// <summary>Rows per GPU chunk: one image's 50 steps × 80 images, so that every product on the device is large.</summary>
    private const int GpuRows = 4096;

    private readonly GpuDevice? _device;
    private readonly FashionCnnGpu? _network;
    private readonly GpuPathBackend<float>? _backend;

    private AttributionBackend(Attributor<float> attributor, string description, GpuDevice? device, FashionCnnGpu? network, GpuPathBackend<float>? backend)
    {
        Attributor = attributor;
        Description = description;
        _device = device;
        _network = network;
        _backend = backend;
    }

    public Attributor<float> Attributor { get; }

    /// <summary>One line saying where the attributions run.</summary>
    public string Description { get; }

    public static AttributionBackend Create(FashionCnn model, DeviceOption device)
    {
        if (device == DeviceOption.Cpu) return Cpu(model, "Device: CPU backend (SIMD), chosen by --device cpu");
        GpuDevice gpu;
        try
        {
            gpu = GpuDevice.Create(device == DeviceOption.Gpu ? DeviceChoice.Auto : DeviceChoice.Cuda);
        }
        catch (InvalidOperationException) when (device == DeviceOption.Auto)
        {
            return Cpu(model, "Device: CPU backend (SIMD): no CUDA device found (--device auto)");
        }
        catch (PlatformNotSupportedException e)
        {
            throw new JobFailure(ExitCodes.BadArguments, e.Message);
        }

        try
        {
            var network = new FashionCnnGpu(model, gpu);
            var backend = new GpuPathBackend<float>(network, gpu.IsCuda ? GpuRows : 64);
            return new AttributionBackend(new Attributor<float>(backend), "Device: " + gpu.Description, gpu, network, backend);
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    private static AttributionBackend Cpu(FashionCnn model, string description) => new(new Attributor<float>(model), description, null, null, null);

    public void Dispose()
    {
        _backend?.Dispose();
        _network?.Dispose();
        _device?.Dispose();
    }
}
